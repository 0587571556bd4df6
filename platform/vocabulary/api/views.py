from __future__ import annotations

import builtins
from typing import Any, cast

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.throttling import BaseThrottle, UserRateThrottle
from rest_framework.views import APIView

from core.api.pagination import PageNumberPagination
from learning.scoring import normalize_text
from vocabulary import importing, selectors, services, workload
from vocabulary.errors import CardNotFound
from vocabulary.models import Card, Level, Word

from . import serializers as s

WORD_FILTERS = [
    OpenApiParameter("search", str, description="Text in the word, translation or example."),
    OpenApiParameter("tag", str, description="Only words with this tag."),
    OpenApiParameter("level", str, enum=list(Level.values), description="CEFR level."),
    OpenApiParameter("language", str, description="Language code."),
    OpenApiParameter("status", str, enum=list(selectors.STATUSES), description="Card status."),
]


class AIRateThrottle(UserRateThrottle):
    scope = "ai"


class WordViewSet(viewsets.ModelViewSet[Word]):
    """The learner's own word bank. POST answers 201 with a new word, or 200 with the word
    already in the bank (same language and normalised text) and ``created: false``."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Word.objects.none()
        words = selectors.words_of(self.request.user)
        if self.action != "list":
            return words
        params = self.request.query_params
        words = selectors.search_words(words, params.get("search", ""))
        if params.get("tag"):
            words = words.filter(tags__name__iexact=params["tag"]).distinct()
        if params.get("level"):
            words = words.filter(level=params["level"])
        if params.get("language"):
            words = words.filter(language=params["language"].lower())
        wanted = params.get("status", "")
        if wanted:
            if wanted not in selectors.STATUSES:
                raise ValidationError({"status": [f"One of {', '.join(selectors.STATUSES)}."]})
            words = selectors.filter_status(words, wanted, timezone.now())
        return words

    def get_serializer_class(self) -> type[BaseSerializer[Word]]:
        if self.action in ("update", "partial_update"):
            return s.WordUpdateSerializer
        return s.WordSerializer

    @extend_schema(parameters=WORD_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=s.WordSerializer,
        responses={201: s.WordCreatedSerializer, 200: s.WordCreatedSerializer},
        summary="Add a word (or get the same word already in the bank)",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = s.WordSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        image = data.pop("image", None)
        result = services.add_word(request.user, **data)
        if image is not None and result.created:
            services.set_word_image(result.word, image)
        word = selectors.word_for(request.user, result.word.pk)
        setattr(word, "created", result.created)  # noqa: B010  # read by the serializer
        body = s.WordCreatedSerializer(word, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED if result.created else 200)

    def perform_update(self, serializer: BaseSerializer[Word]) -> None:
        data = dict(serializer.validated_data)
        tags = data.pop("tags", None)
        word = cast(Word, serializer.instance)
        if "image" in data:  # a new picture, or null to remove it
            services.set_word_image(word, data.pop("image"))
        if data.get("text") or data.get("language"):
            clash = selectors.clashing_word(
                word, data.get("text", word.text), data.get("language", word.language)
            )
            if clash is not None:
                raise ValidationError({"text": ["This word is already in your bank."]})
        services.update_word(word, tags=tags, **data)
        serializer.instance = selectors.word_for(self.request.user, word.pk)

    def perform_destroy(self, instance: Word) -> None:
        services.delete_word(instance)

    @extend_schema(
        request=s.BulkEditSerializer,
        responses=s.BulkResultSerializer,
        summary="Delete, tag, untag or set the level of many words at once",
    )
    @action(detail=False, methods=["post"], pagination_class=None)
    def bulk(self, request: Request) -> Response:
        serializer = s.BulkEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        changed = services.bulk_edit(
            request.user,
            data["ids"],
            data["action"],
            tags=data.get("tags", []),
            level=data.get("level", ""),
        )
        return Response({"changed": changed})

    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
        summary="Download the word bank as CSV",
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request: Request) -> HttpResponse:
        response = HttpResponse(
            selectors.export_csv(request.user), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="toto-words.csv"'
        return response

    @extend_schema(
        request={"multipart/form-data": s.ImportRequestSerializer},
        responses={201: s.ImportSummarySerializer},
        summary="Import words from a CSV file or an Anki .apkg deck (all or nothing)",
    )
    @action(
        detail=False,
        methods=["post"],
        pagination_class=None,
        parser_classes=[MultiPartParser, FormParser],
        url_path="import",
        url_name="import",
    )
    def import_file(self, request: Request) -> Response:
        serializer = s.ImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        try:
            if upload.size > importing.MAX_IMPORT_BYTES:
                raise importing.ImportFileError(
                    f"The file is larger than {importing.MAX_IMPORT_BYTES // (1024 * 1024)} MB."
                )
            parsed = importing.parse_upload(
                upload.name or "", upload.read(), serializer.validated_data.get("language", "")
            )
        except importing.ImportFileError as error:
            raise ValidationError({"file": [str(error)]}) from error
        summary = services.import_words(request.user, parsed.rows, parsed.rejected)
        body = {
            "added": summary.added,
            "duplicates": summary.duplicates,
            "rejected": [{"line": row.line, "reason": row.reason} for row in summary.rejected],
        }
        return Response(s.ImportSummarySerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={(200, "audio/mpeg"): bytes},
        summary="The word spoken (text to speech by the ML service, made once and kept)",
    )
    @action(detail=True, methods=["get"], pagination_class=None, url_name="audio")
    def audio(self, request: Request, pk: str | None = None) -> FileResponse:
        word = services.word_audio(self.get_object())
        response = FileResponse(word.audio.open("rb"), content_type="audio/mpeg")
        response["Cache-Control"] = "private, max-age=86400"
        return response

    def get_throttles(self) -> builtins.list[BaseThrottle]:
        # The first play of a word calls the ML service: the stricter AI rate.
        return [AIRateThrottle()] if self.action == "audio" else [UserRateThrottle()]


class DuePagination(PageNumberPagination):
    summary: selectors.DueSummary | None = None

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        summary = self.summary
        response.data["review_count"] = summary.review_count if summary else 0
        response.data["new_count"] = summary.new_count if summary else 0
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        result = super().get_paginated_response_schema(schema)
        result["properties"]["review_count"] = {"type": "integer"}
        result["properties"]["new_count"] = {"type": "integer"}
        return result


class ReviewViewSet(viewsets.GenericViewSet[Card]):
    """Reviews for an offline client: fetch today's cards, answer them later, in any order."""

    pagination_class = DuePagination
    serializer_class = s.DueCardSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return Card.objects.none()

    @extend_schema(
        summary="Today's cards: due reviews first, then new words, within the daily limits",
        responses=s.DueCardSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def due(self, request: Request) -> Response:
        now = timezone.now()
        summary = selectors.due_summary(request.user, now)
        paginator = cast(DuePagination, self.paginator)
        paginator.summary = summary
        page = paginator.paginate_queryset(
            selectors.cards_in_order(request.user, summary.card_ids), request, view=self
        )
        cards = list(page or [])
        pool = selectors.distractor_pool(request.user, {card.word.language for card in cards})
        data = s.DueCardSerializer(cards, many=True, context={"now": now, "pool": pool}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        request=s.ReviewRequestSerializer,
        responses={
            201: s.ReviewResultSerializer,
            200: OpenApiResponse(s.ReviewResultSerializer, "The same key again: unchanged."),
        },
        summary="Answer a card; replays with the same idempotency key change nothing",
    )
    def create(self, request: Request) -> Response:
        serializer = s.ReviewRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        outcome = services.submit_review(
            request.user,
            card_id=data["card"],
            rating=data["rating"],
            reviewed_at=data["reviewed_at"],
            duration_ms=data["duration_ms"],
            idempotency_key=data["idempotency_key"],
        )
        body = {
            "card": outcome.card.pk,
            "due": outcome.log.due_after,
            "state": outcome.card.state,
            "stability": outcome.card.stability,
            "was_due": outcome.log.was_due,
            "replayed": outcome.replayed,
        }
        code = status.HTTP_200_OK if outcome.replayed else status.HTTP_201_CREATED
        return Response(s.ReviewResultSerializer(body).data, status=code)

    @extend_schema(
        request=s.ShiftRequestSerializer,
        responses=s.ShiftResultSerializer,
        summary="Postpone overdue cards over the next days, as far as recall stays likely",
    )
    @action(detail=False, methods=["post"], pagination_class=None)
    def postpone(self, request: Request) -> Response:
        serializer = s.ShiftRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.postpone_due(request.user, days=serializer.validated_data["days"])
        return Response(s.ShiftResultSerializer({"moved": result.moved, "kept": result.kept}).data)

    @extend_schema(
        request=s.ShiftRequestSerializer,
        responses=s.ShiftResultSerializer,
        summary="Make the cards due in the next days due now (review ahead of a trip)",
    )
    @action(detail=False, methods=["post"], pagination_class=None)
    def advance(self, request: Request) -> Response:
        serializer = s.ShiftRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.advance_due(request.user, days=serializer.validated_data["days"])
        return Response(s.ShiftResultSerializer({"moved": result.moved, "kept": result.kept}).data)

    @extend_schema(
        request=s.AnswerCheckRequestSerializer,
        responses=s.AnswerCheckSerializer,
        summary="Check a typed answer with the lessons' tolerant matching",
    )
    @action(detail=False, methods=["post"], pagination_class=None)
    def check(self, request: Request) -> Response:
        serializer = s.AnswerCheckRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        card = selectors.card_for(request.user, data["card"])
        if card is None:
            raise CardNotFound()
        word = card.word
        expected = {"word": word.text, "translation": word.translation, "example": word.example}[
            data["direction"]
        ]
        accepted = [expected, *[part for part in expected.split("/") if part.strip()]]
        given = data["answer"]
        correct = any(normalize_text(given) == normalize_text(item) for item in accepted)
        accents_only = not correct and any(
            normalize_text(given, ignore_accents=True) == normalize_text(item, ignore_accents=True)
            for item in accepted
        )
        return Response({"correct": correct, "expected": expected, "accents_only": accents_only})

    @extend_schema(
        request={"multipart/form-data": s.SayRequestSerializer},
        responses=s.SayResultSerializer,
        summary="Say-it: score a recording of the card's word (the ML service's pronunciation "
        "assessment) and the rating it earns",
    )
    @action(
        detail=False,
        methods=["post"],
        pagination_class=None,
        parser_classes=[MultiPartParser, FormParser],
    )
    def say(self, request: Request) -> Response:
        serializer = s.SayRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.assess_saying(request.user, data["card"], data["audio"])
        body = {
            "score": result.score,
            "rating": result.rating,
            "expected": result.expected,
            "recognized_text": result.recognized_text,
        }
        return Response(s.SayResultSerializer(body).data)

    def get_throttles(self) -> builtins.list[BaseThrottle]:
        # Say-it calls the ML service: the stricter AI rate.
        return [AIRateThrottle()] if self.action == "say" else [UserRateThrottle()]


class ScheduleView(APIView):
    @extend_schema(responses=s.ScheduleSerializer, summary="My review schedule and its settings")
    def get(self, request: Request) -> Response:
        return Response(s.ScheduleSerializer(selectors.schedule_or_default(request.user)).data)

    @extend_schema(
        request=s.ScheduleSerializer,
        responses=s.ScheduleSerializer,
        summary="Change desired retention, daily limits, easy days or the reminder time",
    )
    def patch(self, request: Request) -> Response:
        serializer = s.ScheduleSerializer(
            selectors.schedule_or_default(request.user), data=request.data, partial=True
        )
        serializer.is_valid(raise_exception=True)
        schedule = services.update_schedule(request.user, **serializer.validated_data)
        return Response(s.ScheduleSerializer(schedule).data)


class WorkloadView(APIView):
    """The retention-vs-workload preview: how many reviews a day a desired retention would
    cost this learner, estimated by fsrs-rs's simulator."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "retention", float, description="Also estimate this retention (0.70 to 0.97)."
            )
        ],
        responses=s.WorkloadSerializer,
        summary="Reviews a day at a few desired retentions",
    )
    def get(self, request: Request) -> Response:
        extra = None
        raw = request.query_params.get("retention")
        if raw:
            try:
                extra = float(raw)
            except ValueError:
                extra = -1.0
            if not 0.70 <= extra <= 0.97:
                raise ValidationError({"retention": ["Choose a retention from 0.70 to 0.97."]})
        cards = selectors.bank_size(request.user)
        estimates = selectors.workload_preview(request.user, cards=cards, extra=extra)
        body = {
            "cards": workload.simulated_cards(cards),
            "days": workload.SIMULATED_DAYS,
            "estimates": estimates,
        }
        return Response(s.WorkloadSerializer(body).data)
