"""REST for the voice tutor. The live conversation runs on the ``/ws/tutor/`` socket; these
endpoints give the catalogue, the history with transcripts and reports, private recordings,
progress, and a text-only session (start, typed turns, end) for clients without a socket."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponseBase
from django.utils.translation import get_language_from_request
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.permissions import IsEmailVerified
from core.downloads import PrivateFile, serve_private_file
from voice_tutor import selectors, services
from voice_tutor.errors import EngineUnavailable
from voice_tutor.models import PracticeContext, TutorSession, VoiceAvatar

from . import serializers as s

LANGUAGE = OpenApiParameter("language", str, description="Only this language, e.g. en or es.")
LOCALE = OpenApiParameter(
    "locale", str, description="Interface locale of the titles (default: Accept-Language)."
)


class AvatarViewSet(viewsets.ReadOnlyModelViewSet[VoiceAvatar]):
    """The published voice avatars (tutor voices)."""

    serializer_class = s.TutorAvatarSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[LANGUAGE], summary="Voice avatars")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[VoiceAvatar]:
        if getattr(self, "swagger_fake_view", False):
            return VoiceAvatar.objects.none()
        return selectors.live_avatars(self.request.query_params.get("language", ""))


class ContextViewSet(viewsets.ReadOnlyModelViewSet[PracticeContext]):
    """The published practice contexts, in the interface language when translated.
    ``has_guided_script`` false means the context needs a configured language model."""

    serializer_class = s.TutorContextSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[LANGUAGE, LOCALE], summary="Practice contexts")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[PracticeContext]:
        if getattr(self, "swagger_fake_view", False):
            return PracticeContext.objects.none()
        if self.action == "retrieve":
            return PracticeContext.objects.filter(live=True).select_related("locale")
        # The interface locale: ?locale=, else the cookie or Accept-Language. (LocaleMiddleware
        # pins unprefixed URLs such as /api/ to the default language, so it is asked here.)
        locale = self.request.query_params.get("locale") or get_language_from_request(
            self.request._request
        )
        return selectors.live_contexts(self.request.query_params.get("language", ""), locale)


class SessionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[TutorSession],
):
    """The learner's own tutor sessions, newest first."""

    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[TutorSession]:
        if getattr(self, "swagger_fake_view", False):
            return TutorSession.objects.none()
        return selectors.sessions_for(self.request.user)

    def get_object(self) -> TutorSession:
        return selectors.session_for(
            self.request.user, self.kwargs["pk"], with_turns=self.action == "retrieve"
        )

    def get_serializer_class(self) -> type:
        if self.action == "retrieve":
            return s.TutorSessionDetailSerializer
        return s.TutorSessionSerializer

    def get_throttles(self) -> list[Any]:
        if self.action in {"create", "turns"}:
            self.throttle_scope = "ai"
            return [ScopedRateThrottle()]
        return super().get_throttles()

    @extend_schema(summary="History of tutor sessions")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="A session with its transcript, recordings' URLs and report")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(summary="Delete a session, its transcript, recordings and report")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            session_id = int(self.kwargs["pk"])
        except ValueError:
            raise NotFound() from None
        services.delete_session(request.user, session_id)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=s.TutorStartRequestSerializer,
        responses={201: s.TutorStartResponseSerializer},
        summary="Start a session (text-only clients; the socket's session.start does the same)",
        description="Charges the first minute. 402 no_credits, 409 session_active, 404, 400 "
        "invalid_choice (e.g. Free talk without a configured language model).",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.check_permissions(request)
        if not IsEmailVerified().has_permission(request, self):
            self.permission_denied(request, IsEmailVerified.message, IsEmailVerified.code)
        serializer = s.TutorStartRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        session = services.start_session(
            request.user,
            avatar_id=data["avatar"],
            context_id=data["context"],
            level=data.get("level"),
        )
        try:
            text = "".join(services.opening_reply(session))
        except EngineUnavailable:
            services.fail_session(session, code="tutor_unavailable")
            raise
        opening = services.finish_tutor_turn(session, text=text)
        settings = services.session_settings(session)
        return Response(
            {
                "session": s.TutorSessionSerializer(session).data,
                "settings": s.TutorSettingsSerializer(settings).data,
                "opening": s.TutorTurnSerializer(opening).data,
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=s.TutorTurnRequestSerializer,
        responses={200: s.TutorTurnResponseSerializer},
        summary="Say something (typed) and get the tutor's answer",
        description="Bills the started minutes first. 503 tutor_unavailable when the language "
        "model or ML service fails: nothing is charged for the turn and the session resumes "
        "with the next turn.",
    )
    @action(detail=True, methods=["post"])
    def turns(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        serializer = s.TutorTurnRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        charged = services.charge_elapsed(session)
        if charged.exhausted:
            services.end_session(session, reason="limit")
            return Response(
                {"code": "session_time_up", "message": "Time or credits ran out; see your report."},
                status=status.HTTP_409_CONFLICT,
            )
        learner = services.learner_turn(session, text=serializer.validated_data["text"])
        try:
            text = "".join(services.tutor_reply(session))
        except EngineUnavailable:
            services.fail_session(session, code="tutor_unavailable")
            raise
        tutor = services.finish_tutor_turn(session, text=text)
        session.refresh_from_db(fields=["script_done"])
        learner.refresh_from_db()
        return Response(
            {
                "learner": s.TutorTurnSerializer(learner).data,
                "tutor": s.TutorTurnSerializer(tutor).data,
                "seconds_left": charged.seconds_left,
                "warn": charged.warn,
                "exhausted": charged.exhausted,
                "script_done": session.script_done,
            }
        )

    @extend_schema(
        request=None, responses={200: s.TutorReportSerializer}, summary="End; the report"
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        report = services.end_session(session)
        return Response(s.TutorReportSerializer(report).data)


class RecordingView(APIView):
    """The recording of one of the learner's spoken turns, streamed to its owner only."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "audio/wav"): bytes}, summary="A turn's recording (owner)")
    def get(self, request: Request, session_id: int, seq: int) -> HttpResponseBase:
        turn = selectors.recording_for(request.user, session_id, seq)
        item = PrivateFile(turn.recording, "audio/wav", f"tutor-{session_id}-{seq}.wav")
        return serve_private_file(request, item)


class ProgressView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=s.TutorProgressSerializer(many=True),
        summary="Progress per practice context: sessions, minutes, average scores over time",
    )
    def get(self, request: Request) -> Response:
        return Response(
            s.TutorProgressSerializer(selectors.progress_for(request.user), many=True).data
        )
