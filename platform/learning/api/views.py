from __future__ import annotations

from typing import Any

from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.parsers import JSONParser
from core.downloads import PrivateFile, serve_private_file
from core.uploads import AUDIO_TYPES

from .. import selectors, services
from ..models import AttemptStatus
from .filters import LessonFilter
from .serializers import (
    AttemptInputSerializer,
    AttemptSerializer,
    CategoryProgressSerializer,
    CategoryTreeSerializer,
    CompleteInputSerializer,
    LessonDetailSerializer,
    LessonSummarySerializer,
    ProgressSerializer,
)

LOCALE_PARAMETER = OpenApiParameter(
    "locale",
    str,
    description=(
        "Language code; defaults to the interface language of the learner's profile, then to"
        " the request's language (Accept-Language)."
    ),
)


@extend_schema(parameters=[LOCALE_PARAMETER])
class CategoryListView(generics.ListAPIView):
    """The course tree: categories with their subcategories and the number of live lessons."""

    serializer_class = CategoryTreeSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.categories_for_learner(self.locale)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.locale = selectors.learner_locale(request, profile_first=True)
        # Every list is paginated (DEFAULT_PAGINATION_CLASS), so there is always a page.
        page = self.paginate_queryset(self.get_queryset()) or []
        tree = selectors.category_tree(page, self.locale)
        return self.get_paginated_response(self.get_serializer(tree, many=True).data)


@extend_schema(
    parameters=[
        LOCALE_PARAMETER,
        OpenApiParameter("search", str, description="Words in the title, description or body."),
        OpenApiParameter("level", str, enum=["A1", "A2", "B1", "B2", "C1", "C2"]),
        OpenApiParameter("language", str, description="Target language code, e.g. en."),
        OpenApiParameter("category", int, description="A category or subcategory page id."),
    ]
)
class LessonListView(generics.ListAPIView):
    serializer_class = LessonSummarySerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        filters = LessonFilter(self.request.query_params)
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        data = filters.form.cleaned_data
        return selectors.search_lessons(
            selectors.learner_locale(self.request, profile_first=True),
            query=data.get("search") or "",
            level=data.get("level") or "",
            language=data.get("language") or "",
            category=data.get("category"),
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        lessons = list(self.paginate_queryset(self.get_queryset()) or [])
        selectors.prefetch_cover_renditions(lessons)
        context = {
            **self.get_serializer_context(),
            "ancestry": selectors.ancestry_of(lessons),
            "progress": selectors.progress_by_lesson(request.user, lessons),
        }
        data = LessonSummarySerializer(lessons, many=True, context=context).data
        return self.get_paginated_response(data)


@extend_schema(parameters=[LOCALE_PARAMETER])
class LessonDetailView(generics.RetrieveAPIView):
    """A lesson with its blocks, in the learner's locale when translated. Exercises never
    contain their answers."""

    serializer_class = LessonDetailSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        lesson = selectors.lesson_for_learner(
            kwargs["pk"], selectors.learner_locale(request, profile_first=True)
        )
        context = {
            **self.get_serializer_context(),
            "ancestry": selectors.ancestry_of([lesson]),
            "progress": selectors.progress_by_lesson(request.user, [lesson]),
        }
        return Response(LessonDetailSerializer(lesson, context=context).data)


class AttemptCreateView(APIView):
    """Answer an exercise: JSON ``{"answer": {...}}``, or multipart with ``audio`` for a voice
    exercise. JSON answers are scored at once (201); recordings are scored by the ML service
    (202, ``status: pending``; poll ``/attempts/{id}/``)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request={
            "application/json": AttemptInputSerializer,
            "multipart/form-data": AttemptInputSerializer,
        },
        responses={201: AttemptSerializer, 202: AttemptSerializer},
    )
    def post(self, request: Request, pk: int, block_id: str) -> Response:
        lesson = selectors.lesson_for_learner(pk)
        serializer = AttemptInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("audio") is not None:
            attempt = services.record_voice_attempt(
                request.user, lesson, block_id, data["audio"], data["time_spent_seconds"]
            )
        else:
            if "answer" not in data:
                services.find_exercise(lesson, block_id)  # 404 before 400
                raise ValidationError({"answer": ["This field is required."]})
            attempt = services.record_attempt(
                request.user, lesson, block_id, data["answer"], data["time_spent_seconds"]
            )
        code = (
            status.HTTP_202_ACCEPTED
            if attempt.status == AttemptStatus.PENDING
            else status.HTTP_201_CREATED
        )
        return Response(AttemptSerializer(attempt).data, status=code)


class AttemptDetailView(generics.RetrieveAPIView):
    """One of the learner's own attempts (to follow a pending voice assessment)."""

    serializer_class = AttemptSerializer

    def get_object(self) -> Any:
        return selectors.attempt_for(self.request.user, self.kwargs["pk"])


class AttemptRecordingView(APIView):
    """A voice attempt's recording, as stored (our type, never the client's): for the
    learner who made it and for moderators; 404 for anyone else, signed in or not."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses={
            (200, "audio/*"): OpenApiTypes.BINARY,
            (206, "audio/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The byte range asked for (Range header)"
            ),
            302: OpenApiResponse(description="A short-lived signed URL (remote storage)"),
        }
    )
    def get(self, request: Request, pk: Any) -> HttpResponseBase:
        attempt = selectors.attempt_recording_for(request.user, pk)
        declared = attempt.answer.get("content_type") or ""
        # Recordings stored before uploads were sniffed kept the client's declared type:
        # anything not audio is handed out as bytes to download, never shown.
        audio = declared in AUDIO_TYPES
        item = PrivateFile(
            attempt.audio,
            declared if audio else "application/octet-stream",
            (attempt.audio.name or "").rsplit("/", 1)[-1],
            inline=audio,
        )
        return serve_private_file(request, item)


class LessonCompleteView(APIView):
    @extend_schema(request=CompleteInputSerializer, responses=ProgressSerializer)
    def post(self, request: Request, pk: int) -> Response:
        lesson = selectors.lesson_for_learner(pk)
        serializer = CompleteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        progress = services.complete_lesson(
            request.user, lesson, serializer.validated_data["time_spent_seconds"]
        )
        return Response(ProgressSerializer(progress).data)


class ProgressListView(generics.ListAPIView):
    """The learner's progress per lesson, most recent activity first."""

    serializer_class = ProgressSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.progress_for(self.request.user)


class CategoryProgressListView(generics.ListAPIView):
    """The learner's progress summed per category."""

    serializer_class = CategoryProgressSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.progress_by_category(self.request.user)
