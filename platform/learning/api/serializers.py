from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cms.learning.covers import COVER_RENDITION
from cms.learning.models import LessonPage

from ..models import ExerciseAttempt, LessonProgress


class PageRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()


class SubcategorySerializer(PageRefSerializer):
    lesson_count = serializers.IntegerField()


class CategoryTreeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="category.id")
    title = serializers.CharField(source="category.title")
    slug = serializers.CharField(source="category.slug")
    description = serializers.CharField(source="category.description")
    icon = serializers.CharField(source="category.icon")
    lesson_count = serializers.IntegerField()
    subcategories = serializers.SerializerMethodField()

    @extend_schema_field(SubcategorySerializer(many=True))
    def get_subcategories(self, node: Any) -> list[dict[str, Any]]:
        return [
            {"id": sub.id, "title": sub.title, "slug": sub.slug, "lesson_count": count}
            for sub, count in node.subcategories
        ]


class ProgressBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = LessonProgress
        fields = ["status", "best_score", "completed_at"]


class CoverImageSerializer(serializers.Serializer):
    """A lesson's cover as a rendition; null when the lesson has none."""

    url = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    alt = serializers.CharField()


class LessonSummarySerializer(serializers.ModelSerializer):
    """``context["ancestry"]`` and ``context["progress"]`` are filled by the view for the whole
    page at once (no query per lesson)."""

    locale = serializers.CharField(source="locale.language_code")
    url = serializers.SerializerMethodField()
    cover_image = serializers.SerializerMethodField()
    category = serializers.SerializerMethodField()
    subcategory = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = LessonPage
        fields = [
            "id",
            "title",
            "slug",
            "url",
            "description",
            "locale",
            "target_language",
            "level",
            "difficulty",
            "estimated_minutes",
            "cover_image",
            "category",
            "subcategory",
            "progress",
        ]

    def get_url(self, lesson: LessonPage) -> str | None:
        return lesson.get_url(self.context.get("request"))

    @extend_schema_field(CoverImageSerializer(allow_null=True))
    def get_cover_image(self, lesson: LessonPage) -> dict[str, Any] | None:
        image = lesson.cover_image
        if image is None:
            return None
        rendition = image.get_rendition(COVER_RENDITION)
        return {
            "url": rendition.url,
            "width": rendition.width,
            "height": rendition.height,
            "alt": image.default_alt_text,
        }

    def _ancestor(self, lesson: LessonPage, attribute: str) -> dict[str, Any] | None:
        ancestry = self.context.get("ancestry", {}).get(lesson.id)
        page = getattr(ancestry, attribute, None) if ancestry else None
        return {"id": page.id, "title": page.title, "slug": page.slug} if page else None

    @extend_schema_field(PageRefSerializer(allow_null=True))
    def get_category(self, lesson: LessonPage) -> dict[str, Any] | None:
        return self._ancestor(lesson, "category")

    @extend_schema_field(PageRefSerializer(allow_null=True))
    def get_subcategory(self, lesson: LessonPage) -> dict[str, Any] | None:
        return self._ancestor(lesson, "subcategory")

    @extend_schema_field(ProgressBriefSerializer(allow_null=True))
    def get_progress(self, lesson: LessonPage) -> dict[str, Any] | None:
        progress = self.context.get("progress", {}).get(lesson.id)
        return ProgressBriefSerializer(progress).data if progress else None


class LessonDetailSerializer(LessonSummarySerializer):
    body = serializers.SerializerMethodField()
    total_points = serializers.SerializerMethodField()

    class Meta(LessonSummarySerializer.Meta):
        fields = [*LessonSummarySerializer.Meta.fields, "total_points", "body"]

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "type": {"type": "string"},
                    "exercise": {"type": "boolean"},
                    "value": {"type": "object"},
                },
            },
            "description": "The lesson's blocks; exercises carry no answers.",
        }
    )
    def get_body(self, lesson: LessonPage) -> list[dict[str, Any]]:
        return lesson.body.stream_block.get_api_representation(lesson.body, context=self.context)

    def get_total_points(self, lesson: LessonPage) -> int:
        return sum(child.block.definition(child.value)["points"] for child in lesson.exercises())


class AttemptInputSerializer(serializers.Serializer):
    answer = serializers.JSONField(
        required=False, help_text="The answer; its shape depends on the exercise type."
    )
    audio = serializers.FileField(required=False, help_text="Voice exercises: the recording.")
    time_spent_seconds = serializers.IntegerField(min_value=0, max_value=4 * 3600, default=0)

    def validate_answer(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise serializers.ValidationError("Send an object.")
        return value


class AttemptSerializer(serializers.ModelSerializer):
    score = serializers.SerializerMethodField(help_text="0 to 100, null while pending.")
    items = serializers.SerializerMethodField()
    feedback = serializers.SerializerMethodField()
    explanation = serializers.SerializerMethodField()
    assessment = serializers.SerializerMethodField()

    class Meta:
        model = ExerciseAttempt
        fields = [
            "id",
            "lesson",
            "block_id",
            "exercise_type",
            "status",
            "score",
            "points",
            "max_points",
            "correct",
            "items",
            "feedback",
            "explanation",
            "assessment",
            "created_at",
            "scored_at",
        ]

    def get_score(self, attempt: ExerciseAttempt) -> float | None:
        return round(float(attempt.score) * 100, 1) if attempt.score is not None else None

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_items(self, attempt: ExerciseAttempt) -> list[dict[str, Any]]:
        return attempt.result.get("items", [])

    def get_feedback(self, attempt: ExerciseAttempt) -> str:
        return attempt.result.get("feedback", "")

    def get_explanation(self, attempt: ExerciseAttempt) -> str:
        return attempt.result.get("explanation", "")

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_assessment(self, attempt: ExerciseAttempt) -> dict[str, Any] | None:
        return attempt.result.get("assessment")


class CompleteInputSerializer(serializers.Serializer):
    time_spent_seconds = serializers.IntegerField(min_value=0, max_value=4 * 3600, default=0)


class ProgressSerializer(serializers.ModelSerializer):
    lesson = serializers.SerializerMethodField()
    attempts = serializers.IntegerField(source="attempt_count")

    class Meta:
        model = LessonProgress
        fields = [
            "lesson",
            "status",
            "best_score",
            "attempts",
            "time_spent_seconds",
            "started_at",
            "completed_at",
            "last_activity_at",
        ]

    @extend_schema_field(PageRefSerializer)
    def get_lesson(self, progress: LessonProgress) -> dict[str, Any]:
        lesson = progress.lesson
        return {"id": lesson.id, "title": lesson.title, "slug": lesson.slug}


class CategoryProgressSerializer(serializers.Serializer):
    category = PageRefSerializer()
    lessons_total = serializers.IntegerField(
        help_text="Live lessons in the category (at least those the learner started)."
    )
    lessons_started = serializers.IntegerField()
    lessons_completed = serializers.IntegerField()
    average_best_score = serializers.FloatField()
    attempts = serializers.IntegerField()
    time_spent_seconds = serializers.IntegerField()
    last_activity_at = serializers.DateTimeField()
