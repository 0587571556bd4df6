from typing import TypedDict

from django.conf import settings
from rest_framework import serializers

from ai.api.serializers import UsageSerializer
from core.api.fields import LanguageCodeField, TagListField
from translation.models import (
    InterpreterSession,
    InterpreterTurn,
    PhrasebookEntry,
    Speaker,
    Translation,
)


class _LanguageLength(TypedDict):
    max_length: int
    min_length: int


LANGUAGE: _LanguageLength = {"max_length": 16, "min_length": 2}


class TextTranslationRequestSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=settings.TRANSLATION_MAX_CHARS)
    target = LanguageCodeField(**LANGUAGE)
    # DRF's metaclass pops declared fields off the class, so ``Field.source`` survives.
    source = LanguageCodeField(default="auto", also=("auto",), **LANGUAGE)  # type: ignore[assignment]


class TranslationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Translation
        fields = [
            "id",
            "mode",
            "source_language",
            "target_language",
            "source_text",
            "translated_text",
            "detected",
            "engine",
            "pivot_language",
            "created_at",
        ]


class TextTranslationResponseSerializer(TranslationSerializer):
    confidence = serializers.FloatField(allow_null=True)
    usage = UsageSerializer()

    class Meta(TranslationSerializer.Meta):
        fields = [*TranslationSerializer.Meta.fields, "confidence", "usage"]


class VoiceTranslationRequestSerializer(serializers.Serializer):
    audio = serializers.FileField(
        help_text="A recording: webm/opus from MediaRecorder, ogg, mp3, wav, m4a …"
    )
    target = LanguageCodeField(**LANGUAGE)
    # DRF's metaclass pops declared fields off the class, so ``Field.source`` survives.
    source = LanguageCodeField(required=False, also=("auto",), **LANGUAGE)  # type: ignore[assignment]


class SynthesizedAudioSerializer(serializers.Serializer):
    format = serializers.CharField()
    content_type = serializers.CharField()
    # DRF's metaclass pops declared fields off the class, so ``Serializer.data`` survives.
    data = serializers.CharField(help_text="Base64 of the audio file.")  # type: ignore[assignment]


class VoiceTranslationResponseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source_language = serializers.CharField()
    target_language = serializers.CharField()
    transcript = serializers.CharField()
    translated_text = serializers.CharField()
    engine = serializers.CharField(help_text="The engine that translated (e.g. apertium).")
    pivot_language = serializers.CharField(
        help_text="The language translated through, or empty when the pair is direct."
    )
    audio = SynthesizedAudioSerializer()
    usage = UsageSerializer()


class LanguageSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    targets = serializers.ListField(child=serializers.CharField())
    pivots = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text="Targets no engine does directly, each with the language translated through.",
    )


class InterpreterTurnSerializer(serializers.ModelSerializer):
    class Meta:
        model = InterpreterTurn
        fields = [
            "id",
            "speaker",
            "spoken",
            "source_language",
            "target_language",
            "source_text",
            "translated_text",
            "created_at",
        ]


class InterpreterSessionSerializer(serializers.ModelSerializer):
    language_a = LanguageCodeField()
    language_b = LanguageCodeField()

    class Meta:
        model = InterpreterSession
        fields = ["id", "language_a", "language_b", "created_at"]

    def validate(self, attrs: dict) -> dict:
        if attrs["language_a"] == attrs["language_b"]:
            raise serializers.ValidationError({"language_b": "Choose two different languages."})
        return attrs


class InterpreterSessionDetailSerializer(InterpreterSessionSerializer):
    turns = InterpreterTurnSerializer(many=True, read_only=True)

    class Meta(InterpreterSessionSerializer.Meta):
        fields = [*InterpreterSessionSerializer.Meta.fields, "turns"]


class TurnRequestSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=settings.TRANSLATION_MAX_CHARS, required=False)
    audio = serializers.FileField(required=False)
    speaker = serializers.ChoiceField(
        choices=Speaker.choices,
        required=False,
        help_text="Who is speaking, used when the language cannot be told apart.",
    )

    def validate(self, attrs: dict) -> dict:
        if bool(attrs.get("text")) == bool(attrs.get("audio")):
            raise serializers.ValidationError("Send either text or audio.")
        return attrs


class TurnResponseSerializer(InterpreterTurnSerializer):
    audio = SynthesizedAudioSerializer(required=False)
    usage = UsageSerializer()

    class Meta(InterpreterTurnSerializer.Meta):
        fields = [*InterpreterTurnSerializer.Meta.fields, "audio", "usage"]


class PhrasebookEntrySerializer(serializers.ModelSerializer):
    source_language = LanguageCodeField()
    target_language = LanguageCodeField()
    tags = TagListField()

    class Meta:
        model = PhrasebookEntry
        fields = [
            "id",
            "source_language",
            "target_language",
            "source_text",
            "translated_text",
            "note",
            "tags",
            "created_at",
        ]
        read_only_fields = ["created_at"]
