from django.conf import settings
from rest_framework import serializers

from ai.writing import CEFR_LEVELS
from core.api.fields import LanguageCodeField


def text_field() -> serializers.CharField:
    return serializers.CharField(max_length=settings.AI_MAX_TEXT_CHARS, trim_whitespace=False)


class GrammarRequestSerializer(serializers.Serializer):
    text = text_field()
    language = LanguageCodeField(default="en")

    def validate_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Write something to check.")
        return value


class EditSerializer(serializers.Serializer):
    offset = serializers.IntegerField(help_text="In Unicode code points, from the start.")
    length = serializers.IntegerField()
    original = serializers.CharField()
    replacement = serializers.CharField(allow_null=True)
    explanation = serializers.CharField()
    category = serializers.CharField()


class UsageSerializer(serializers.Serializer):
    credits = serializers.DecimalField(max_digits=12, decimal_places=2)
    cached = serializers.BooleanField()


class GrammarResponseSerializer(serializers.Serializer):
    language = serializers.CharField()
    engine = serializers.CharField()
    corrected_text = serializers.CharField()
    edits = EditSerializer(many=True)
    usage = UsageSerializer()


class WritingRequestSerializer(serializers.Serializer):
    text = text_field()
    task = serializers.CharField(max_length=2000, allow_blank=True, default="")
    level = serializers.ChoiceField(choices=CEFR_LEVELS, default="B1")
    language = LanguageCodeField(default="en")

    def validate_text(self, value: str) -> str:
        if len(value.split()) < 3:
            raise serializers.ValidationError("Write at least a few words to assess.")
        return value


class ScoresSerializer(serializers.Serializer):
    grammar = serializers.IntegerField(min_value=0, max_value=100)
    vocabulary_range = serializers.IntegerField(min_value=0, max_value=100)
    coherence = serializers.IntegerField(min_value=0, max_value=100)
    task_achievement = serializers.IntegerField(min_value=0, max_value=100)


class WritingResponseSerializer(serializers.Serializer):
    mode = serializers.CharField(
        help_text="llm: scored by the language model with the admin's prompt; heuristic: "
        "computed offline from grammar lints and lexical measures (see measures).",
    )
    scores = ScoresSerializer()
    cefr_level = serializers.CharField(help_text="Estimated level, A1 to C2.")
    comments = serializers.ListField(child=serializers.CharField())
    fallback_reason = serializers.CharField(required=False)
    measures = serializers.DictField(required=False)
    model = serializers.CharField(required=False)
    usage = UsageSerializer()
