from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import BoundedListField, LanguageCodeField, TagListField
from vocabulary import challenges, selectors
from vocabulary.models import MAX_TAGS, Card, LearnerSchedule, Level, Source, Word
from vocabulary.services import BULK_ACTIONS

#: An offline client's clock may run a little ahead; a review from further ahead is refused.
CLOCK_SKEW = dt.timedelta(minutes=5)


class CardSerializer(serializers.ModelSerializer[Card]):
    status = serializers.SerializerMethodField()

    class Meta:
        model = Card
        fields = [
            "id",
            "due",
            "state",
            "step",
            "stability",
            "difficulty",
            "last_review",
            "reps",
            "lapses",
            "status",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=selectors.STATUSES))
    def get_status(self, card: Card) -> str:
        return selectors.status_of(card, self.context.get("now") or timezone.now())


def image_url(word: Word, request: Any = None) -> str | None:
    if not word.image:
        return None
    url = word.image.url
    return request.build_absolute_uri(url) if request is not None else url


def audio_url(word: Word) -> str:
    return reverse("vocabulary-word-audio", args=[word.pk])


class WordSerializer(serializers.ModelSerializer[Word]):
    language = LanguageCodeField()
    tags = TagListField(max_length=MAX_TAGS)
    card = CardSerializer(read_only=True)
    audio_url = serializers.SerializerMethodField()
    image = serializers.ImageField(
        write_only=True,
        required=False,
        allow_null=True,
        help_text="A picture for the card (multipart; JPEG, PNG, WebP or GIF, checked by its "
        "content and made card-sized). null removes it.",
    )
    image_url = serializers.SerializerMethodField(help_text="The word's picture, or null.")
    # DRF's metaclass pops declared fields off the class, so ``Field.source`` survives.
    source = serializers.ChoiceField(choices=Source.choices, default=Source.MANUAL)  # type: ignore[assignment]
    level = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True)

    class Meta:
        model = Word
        fields = [
            "id",
            "text",
            "language",
            "translation",
            "part_of_speech",
            "example",
            "tags",
            "source",
            "source_ref",
            "level",
            "frequency_band",
            "audio_url",
            "image",
            "image_url",
            "created_at",
            "card",
        ]
        read_only_fields = ["frequency_band", "created_at"]
        extra_kwargs = {"text": {"trim_whitespace": True}}

    def get_audio_url(self, word: Word) -> str:
        return audio_url(word)

    def get_image_url(self, word: Word) -> str | None:
        return image_url(word, self.context.get("request"))

    def validate_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Write the word or phrase.")
        return value


class WordUpdateSerializer(WordSerializer):
    class Meta(WordSerializer.Meta):
        read_only_fields = ["frequency_band", "created_at", "source", "source_ref"]


class WordCreatedSerializer(WordSerializer):
    created = serializers.BooleanField(
        help_text="False when the word was already in the bank (same language and lemma): "
        "the existing word is answered, unchanged."
    )

    class Meta(WordSerializer.Meta):
        fields = [*WordSerializer.Meta.fields, "created"]


class BulkEditSerializer(serializers.Serializer[Any]):
    ids = BoundedListField(child=serializers.IntegerField(min_value=1), max_length=500)
    action = serializers.ChoiceField(choices=BULK_ACTIONS)
    tags = TagListField(max_length=MAX_TAGS)
    level = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["action"] in ("add_tags", "remove_tags") and not attrs.get("tags"):
            raise serializers.ValidationError({"tags": ["Name at least one tag."]})
        if attrs["action"] == "set_level" and "level" not in attrs:
            raise serializers.ValidationError({"level": ["Choose a level."]})
        return attrs


class BulkResultSerializer(serializers.Serializer[Any]):
    changed = serializers.IntegerField()


class DueWordSerializer(serializers.ModelSerializer[Word]):
    audio_url = serializers.SerializerMethodField()
    image_url = serializers.SerializerMethodField(help_text="The word's picture, or null.")

    class Meta:
        model = Word
        fields = [
            "id",
            "text",
            "language",
            "translation",
            "part_of_speech",
            "example",
            "level",
            "audio_url",
            "image_url",
        ]
        read_only_fields = fields

    def get_audio_url(self, word: Word) -> str:
        return audio_url(word)

    def get_image_url(self, word: Word) -> str | None:
        return image_url(word)


class ChipsSerializer(serializers.Serializer[Any]):
    target = serializers.ChoiceField(choices=["word", "example", "translation"])
    prompt = serializers.CharField()
    chips = serializers.ListField(child=serializers.CharField())
    length = serializers.IntegerField(help_text="How many chips the answer takes.")


class DueCardSerializer(CardSerializer):
    word = DueWordSerializer(read_only=True)
    is_new = serializers.BooleanField(read_only=True)
    distractors = serializers.SerializerMethodField(
        help_text="Wrong translations from the learner's own bank, for a multiple-choice "
        "challenge (fewer than three when the bank is small)."
    )

    chips = serializers.SerializerMethodField(
        help_text="Word chips: a phrase of 3-12 words to build in order (``target`` is what is "
        "built: the word, its example or its translation; ``prompt`` is shown), its words "
        "shuffled with a few distractors from the learner's bank; null when there is none."
    )

    class Meta(CardSerializer.Meta):
        fields = [*CardSerializer.Meta.fields, "is_new", "word", "distractors", "chips"]
        read_only_fields = fields

    def get_distractors(self, card: Card) -> list[str]:
        return selectors.pick_distractors(self.context.get("pool", []), card.word)

    @extend_schema_field(ChipsSerializer(allow_null=True))
    def get_chips(self, card: Card) -> dict[str, Any] | None:
        return challenges.chips_for(card.word, self.context.get("pool", []))


class ReviewRequestSerializer(serializers.Serializer[Any]):
    card = serializers.IntegerField(min_value=1)
    rating = serializers.IntegerField(
        min_value=1, max_value=4, help_text="1 Again, 2 Hard, 3 Good, 4 Easy."
    )
    reviewed_at = serializers.DateTimeField(help_text="When the learner answered (their clock).")
    duration_ms = serializers.IntegerField(min_value=0, max_value=3_600_000, default=0)
    idempotency_key = serializers.CharField(min_length=1, max_length=100)

    def validate_reviewed_at(self, value: dt.datetime) -> dt.datetime:
        if value > timezone.now() + CLOCK_SKEW:
            raise serializers.ValidationError("A review cannot be in the future.")
        return value


class ReviewResultSerializer(serializers.Serializer[Any]):
    card = serializers.IntegerField()
    due = serializers.DateTimeField(help_text="When the card is due next.")
    state = serializers.IntegerField()
    stability = serializers.FloatField(allow_null=True)
    was_due = serializers.BooleanField()
    replayed = serializers.BooleanField(help_text="True when this key was already applied.")


class DueListMetaSerializer(serializers.Serializer[Any]):
    review_count = serializers.IntegerField()
    new_count = serializers.IntegerField()


class AnswerCheckRequestSerializer(serializers.Serializer[Any]):
    card = serializers.IntegerField(min_value=1)
    answer = serializers.CharField(max_length=300, allow_blank=True, trim_whitespace=False)
    direction = serializers.ChoiceField(
        choices=["word", "translation", "example"],
        default="word",
        help_text="What was typed or built: the word itself (listening, translation → word), "
        "its translation, or its example sentence (word chips).",
    )


class AnswerCheckSerializer(serializers.Serializer[Any]):
    correct = serializers.BooleanField()
    expected = serializers.CharField()
    accents_only = serializers.BooleanField(
        help_text="Right except for accents: counts as a hint (Hard)."
    )


class ScheduleSerializer(serializers.ModelSerializer[LearnerSchedule]):
    easy_days = BoundedListField(
        child=serializers.IntegerField(min_value=0, max_value=6), max_length=7, required=False
    )
    personalised = serializers.SerializerMethodField()
    fit_min_reviews = serializers.SerializerMethodField()

    class Meta:
        model = LearnerSchedule
        fields = [
            "desired_retention",
            "daily_new_limit",
            "daily_review_limit",
            "easy_days",
            "reminder_time",
            "personalised",
            "parameters_fitted_at",
            "parameters_review_count",
            "fit_min_reviews",
        ]
        read_only_fields = ["parameters_fitted_at", "parameters_review_count"]

    def get_personalised(self, schedule: LearnerSchedule) -> bool:
        return bool(schedule.parameters)

    def get_fit_min_reviews(self, schedule: LearnerSchedule) -> int:
        return int(settings.VOCABULARY_FIT_MIN_REVIEWS)

    def validate_desired_retention(self, value: float) -> float:
        if not 0.70 <= value <= 0.97:
            raise serializers.ValidationError("Choose a retention from 0.70 to 0.97.")
        return value


class WorkloadEstimateSerializer(serializers.Serializer[Any]):
    retention = serializers.FloatField()
    reviews_per_day = serializers.FloatField(
        help_text="Simulated mean reviews a day over the next year."
    )
    current = serializers.BooleanField(help_text="The learner's desired retention now.")


class WorkloadSerializer(serializers.Serializer[Any]):
    cards = serializers.IntegerField(help_text="The bank size the simulation used.")
    days = serializers.IntegerField()
    estimates = WorkloadEstimateSerializer(many=True)


class ImportRequestSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text="A .csv file (the export's columns, header line required, UTF-8) or an "
        "Anki .apkg deck."
    )
    language = LanguageCodeField(
        required=False,
        allow_blank=True,
        help_text="The deck's language (required for .apkg); for CSV, rows without a language.",
    )


class RejectedRowSerializer(serializers.Serializer[Any]):
    line = serializers.IntegerField(help_text="The CSV line, or the note's number in the deck.")
    reason = serializers.CharField()


class ImportSummarySerializer(serializers.Serializer[Any]):
    added = serializers.IntegerField()
    duplicates = serializers.IntegerField(help_text="Skipped: already in the bank or the file.")
    rejected = RejectedRowSerializer(many=True)


class ShiftRequestSerializer(serializers.Serializer[Any]):
    days = serializers.IntegerField(min_value=1, max_value=30)


class ShiftResultSerializer(serializers.Serializer[Any]):
    moved = serializers.IntegerField()
    kept = serializers.IntegerField(
        help_text="Postpone: overdue cards too close to forgotten to wait; they stay due."
    )


class SayRequestSerializer(serializers.Serializer[Any]):
    card = serializers.IntegerField(min_value=1)
    audio = serializers.FileField(help_text="The learner saying the word (webm, ogg, wav, mp4).")


class SayResultSerializer(serializers.Serializer[Any]):
    score = serializers.FloatField(help_text="Pronunciation score, 0-100 (the ML service's).")
    rating = serializers.IntegerField(
        help_text="1 Again (< 50), 2 Hard (< 70), 3 Good (< 90), 4 Easy."
    )
    expected = serializers.CharField()
    recognized_text = serializers.CharField(allow_blank=True)
