from typing import Any, cast

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.throttling import ScopedRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from accounts.permissions import IsEmailVerified
from ai import client
from ai.api.views import IDEMPOTENCY_HEADER
from ai.errors import AIInputRejected
from ai.services import Metered
from core.api.parsers import JSONParser
from translation import selectors, services
from translation.models import InterpreterSession, PhrasebookEntry, Translation

from . import serializers as s


def usage_of(metered: Metered[Any]) -> dict[str, Any]:
    return {"credits": f"{metered.usage.credits:.2f}", "cached": metered.usage.outcome == "cached"}


def read_audio(upload: Any) -> tuple[bytes, str]:
    """Refuse an oversized recording before reading it into memory."""
    if upload.size > settings.AI_MAX_AUDIO_BYTES:
        raise AIInputRejected(
            f"The recording is larger than {settings.AI_MAX_AUDIO_BYTES // (1024 * 1024)} MB.",
            "file_too_large",
            413,
        )
    return upload.read(), upload.name or "recording"


class AIView(APIView):
    permission_classes = [IsAuthenticated, IsEmailVerified]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "ai"


class LanguagesView(APIView):
    @extend_schema(
        responses=s.LanguageSerializer(many=True),
        summary="Languages and the targets each can be translated to",
    )
    def get(self, request: Request) -> Response:
        return Response(client.languages())


class TextTranslationView(AIView):
    @extend_schema(
        request=s.TextTranslationRequestSerializer,
        responses=s.TextTranslationResponseSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        summary="Translate text (source language detected unless given)",
    )
    def post(self, request: Request) -> Response:
        serializer = s.TextTranslationRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        metered, record = services.translate_text(
            request.user,
            data["text"],
            data["target"].lower(),
            data["source"].lower(),
            client_key=request.headers.get("Idempotency-Key"),
        )
        body = s.TranslationSerializer(record).data
        body["confidence"] = metered.result.confidence
        body["usage"] = usage_of(metered)
        return Response(body)


class VoiceTranslationView(AIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.VoiceTranslationRequestSerializer},
        responses=s.VoiceTranslationResponseSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        summary="Recording → transcript → translation → synthesized speech (base64 mp3)",
    )
    def post(self, request: Request) -> Response:
        serializer = s.VoiceTranslationRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        audio, filename = read_audio(data["audio"])
        metered, record = services.translate_voice(
            request.user,
            audio,
            filename,
            data["target"].lower(),
            data.get("source"),
            client_key=request.headers.get("Idempotency-Key"),
        )
        return Response({**metered.result, "id": record.pk, "usage": usage_of(metered)})


class HistoryViewSet(
    mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet[Translation]
):
    """The user's own translations, newest first; ``?search=`` matches either side."""

    serializer_class = s.TranslationSerializer

    @extend_schema(parameters=[OpenApiParameter("search", str, description="Text to find.")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Translation]:
        if getattr(self, "swagger_fake_view", False):
            return Translation.objects.none()
        return selectors.history_for(self.request.user, self.request.query_params.get("search", ""))

    def perform_destroy(self, instance: Translation) -> None:
        services.delete_translation(self.request.user, instance.pk)


class InterpreterSessionViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[InterpreterSession],
):
    """Two speakers on one device: each turn is detected and translated for the other side."""

    def get_queryset(self) -> QuerySet[InterpreterSession]:
        if getattr(self, "swagger_fake_view", False):
            return InterpreterSession.objects.none()
        queryset = selectors.conversations_for(self.request.user)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("turns")
        return queryset

    def get_serializer_class(self) -> type:
        if self.action == "retrieve":
            return s.InterpreterSessionDetailSerializer
        return s.InterpreterSessionSerializer

    def perform_create(self, serializer: BaseSerializer[InterpreterSession]) -> None:
        serializer.instance = services.start_conversation(
            self.request.user,
            serializer.validated_data["language_a"].lower(),
            serializer.validated_data["language_b"].lower(),
        )

    @extend_schema(
        request={
            "application/json": s.TurnRequestSerializer,
            "multipart/form-data": s.TurnRequestSerializer,
        },
        responses={201: s.TurnResponseSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        summary="Add a typed or spoken turn; it is translated for the other speaker",
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[JSONParser, MultiPartParser, FormParser],
        permission_classes=[IsAuthenticated, IsEmailVerified],
    )
    def turns(self, request: Request, pk: str | None = None) -> Response:
        conversation = self.get_object()
        serializer = s.TurnRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        key = request.headers.get("Idempotency-Key")
        if data.get("text"):
            typed, turn = services.add_text_turn(
                request.user, conversation, data["text"], data.get("speaker"), client_key=key
            )
            body = s.InterpreterTurnSerializer(turn).data
            body["usage"] = usage_of(typed)
        else:
            audio, filename = read_audio(data["audio"])
            spoken, turn = services.add_spoken_turn(
                request.user, conversation, audio, filename, data.get("speaker"), client_key=key
            )
            body = s.InterpreterTurnSerializer(turn).data
            body["audio"] = spoken.result["audio"]
            body["usage"] = usage_of(spoken)
        return Response(body, status=status.HTTP_201_CREATED)

    throttle_scope = "ai"

    def get_throttles(self) -> list[Any]:
        # Turns call the models (the stricter AI rate); reading a conversation does not.
        return [ScopedRateThrottle()] if self.action == "turns" else [UserRateThrottle()]


class PhrasebookViewSet(viewsets.ModelViewSet[PhrasebookEntry]):
    """The user's phrasebook. ``?tag=`` filters by tag, ``?search=`` finds text."""

    serializer_class = s.PhrasebookEntrySerializer
    filter_backends = [SearchFilter]
    search_fields = ["source_text", "translated_text", "note"]

    def get_queryset(self) -> QuerySet[PhrasebookEntry]:
        if getattr(self, "swagger_fake_view", False):
            return PhrasebookEntry.objects.none()
        queryset = selectors.phrasebook_for(self.request.user)
        tag = self.request.query_params.get("tag")
        if tag:
            queryset = queryset.filter(tags__name__iexact=tag).distinct()
        return queryset

    @extend_schema(parameters=[OpenApiParameter("tag", str, description="Only this tag.")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description=(
                    "Makes a retry safe: a repeat with the same key answers 200 with the entry "
                    "the first request saved instead of saving again (offline replays)."
                ),
            )
        ],
        responses={201: s.PhrasebookEntrySerializer, 200: s.PhrasebookEntrySerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        tags = data.pop("tags", [])
        client_key = request.headers.get("Idempotency-Key")
        if client_key is None:
            entry, created = services.save_phrase(request.user, tags=tags, **data), True
        else:
            entry, created = services.save_phrase_once(request.user, client_key, tags=tags, **data)
        return Response(
            self.get_serializer(entry).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def perform_update(self, serializer: BaseSerializer[PhrasebookEntry]) -> None:
        data = dict(serializer.validated_data)
        tags = data.pop("tags", None)
        # UpdateModelMixin.update binds the entry it fetched: an update always has one.
        entry = cast(PhrasebookEntry, serializer.instance)
        serializer.instance = services.update_phrase(entry, tags=tags, **data)

    @extend_schema(
        parameters=[
            OpenApiParameter("as", str, enum=["json", "csv", "anki"], description="File type."),
            OpenApiParameter("tag", str, description="Only this tag."),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(
                {
                    "type": "object",
                    "properties": {
                        "format": {"type": "string", "enum": ["toto-phrasebook"]},
                        "version": {"type": "integer"},
                        "entries": {"type": "array", "items": {"type": "object"}},
                    },
                    "required": ["format", "version", "entries"],
                },
                description="as=json (the default): the phrasebook as one JSON document.",
            ),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="as=csv"),
            (200, "text/tab-separated-values"): OpenApiResponse(
                OpenApiTypes.STR, description="as=anki: tab-separated, for Anki's import."
            ),
        },
        summary="Download the phrasebook for offline use (JSON, CSV, or Anki TSV)",
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request: Request) -> HttpResponse:
        kind = request.query_params.get("as", "json")
        exporters = {
            "json": (services.export_json, "application/json", "json"),
            "csv": (services.export_csv, "text/csv", "csv"),
            "anki": (services.export_anki, "text/tab-separated-values", "txt"),
        }
        if kind not in exporters:
            raise AIInputRejected("Choose as=json, csv or anki.", "invalid_export_format")
        render, content_type, extension = exporters[kind]
        response = HttpResponse(
            render(self.get_queryset()), content_type=f"{content_type}; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="toto-phrasebook.{extension}"'
        return response
