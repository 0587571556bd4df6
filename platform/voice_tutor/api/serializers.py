from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from voice_tutor.models import (
    LEVELS,
    Mode,
    PracticeContext,
    TutorReport,
    TutorSession,
    TutorTurn,
    VoiceAvatar,
)


class TutorAvatarSerializer(serializers.ModelSerializer):
    picture = serializers.SerializerMethodField()

    class Meta:
        model = VoiceAvatar
        fields = ["id", "name", "language", "accent", "gender", "tts_voice", "picture"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_picture(self, avatar: VoiceAvatar) -> str | None:
        if avatar.picture is None:
            return None
        return str(avatar.picture.get_rendition("fill-256x256").url)


class TutorContextSerializer(serializers.ModelSerializer):
    has_guided_script = serializers.BooleanField(read_only=True)
    steps = serializers.SerializerMethodField()
    vocabulary = serializers.ListField(child=serializers.CharField(), source="vocabulary_list")
    suggested_responses = serializers.ListField(
        child=serializers.CharField(), source="suggested_list"
    )
    locale = serializers.CharField(source="locale.language_code")

    class Meta:
        model = PracticeContext
        fields = [
            "id",
            "slug",
            "title",
            "language",
            "locale",
            "category",
            "difficulty",
            "summary",
            "scenario",
            "goal",
            "vocabulary",
            "suggested_responses",
            "has_guided_script",
            "steps",
        ]

    def get_steps(self, context: PracticeContext) -> int:
        return len(context.script)


class TutorReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = TutorReport
        fields = [
            "pronunciation",
            "fluency",
            "grammar",
            "vocabulary",
            "listening",
            "cefr",
            "corrections",
            "words_to_practise",
            "new_vocabulary",
            "talk_share",
            "learner_seconds",
            "duration_seconds",
            "comment",
            "definitions",
            "details",
            "created_at",
        ]


class TutorSessionSerializer(serializers.ModelSerializer):
    avatar = serializers.CharField(source="avatar.name")
    avatar_id = serializers.IntegerField()
    context = serializers.CharField(source="context.title")  # type: ignore[assignment]
    context_id = serializers.IntegerField()
    context_key = serializers.UUIDField()
    scores = serializers.SerializerMethodField()
    cefr = serializers.SerializerMethodField()

    class Meta:
        model = TutorSession
        fields = [
            "id",
            "avatar",
            "avatar_id",
            "context",
            "context_id",
            "context_key",
            "mode",
            "level",
            "language",
            "status",
            "end_reason",
            "started_at",
            "ended_at",
            "minutes_charged",
            "credits_charged",
            "scores",
            "cefr",
        ]

    @extend_schema_field(
        serializers.DictField(child=serializers.IntegerField(allow_null=True), allow_null=True)
    )
    def get_scores(self, session: TutorSession) -> dict[str, int | None] | None:
        report = getattr(session, "report", None)
        return report.scores if report else None

    def get_cefr(self, session: TutorSession) -> str | None:
        report = getattr(session, "report", None)
        return report.cefr if report else None


class TutorTurnSerializer(serializers.ModelSerializer):
    recording_url = serializers.SerializerMethodField()

    class Meta:
        model = TutorTurn
        fields = [
            "seq",
            "speaker",
            "text",
            "heard_text",
            "interrupted",
            "spoken",
            "fitted",
            "corrected_text",
            "edits",
            "failed",
            "recording_url",
            "created_at",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_recording_url(self, turn: TutorTurn) -> str | None:
        if not turn.recording:
            return None
        return reverse("tutor-recording", args=[turn.session_id, turn.seq])


class TutorSessionDetailSerializer(TutorSessionSerializer):
    turns = TutorTurnSerializer(many=True, read_only=True)
    report = serializers.SerializerMethodField()

    class Meta(TutorSessionSerializer.Meta):
        fields = [*TutorSessionSerializer.Meta.fields, "turns", "report"]

    @extend_schema_field(TutorReportSerializer(allow_null=True))
    def get_report(self, session: TutorSession) -> dict[str, Any] | None:
        report = getattr(session, "report", None)
        return TutorReportSerializer(report).data if report else None


class TutorStartRequestSerializer(serializers.Serializer):
    avatar = serializers.IntegerField(min_value=1)
    context = serializers.IntegerField(min_value=1)  # type: ignore[assignment]
    level = serializers.ChoiceField(choices=LEVELS, required=False, allow_null=True)


class TutorSettingsSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=Mode.choices)
    language = serializers.CharField()
    tts_voice = serializers.CharField()
    tts_speed = serializers.FloatField()
    silence_duration_ms = serializers.IntegerField()
    max_seconds = serializers.IntegerField()
    seconds_left = serializers.IntegerField()
    learner_name = serializers.CharField()
    notice = serializers.CharField()
    level = serializers.CharField()
    avatar_name = serializers.CharField()
    context_title = serializers.CharField()
    has_guided_script = serializers.BooleanField()


class TutorStartResponseSerializer(serializers.Serializer):
    session = TutorSessionSerializer()
    settings = TutorSettingsSerializer()
    opening = TutorTurnSerializer()


class TutorTurnRequestSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000, trim_whitespace=True)


class TutorTurnResponseSerializer(serializers.Serializer):
    learner = TutorTurnSerializer()
    tutor = TutorTurnSerializer()
    seconds_left = serializers.IntegerField()
    warn = serializers.BooleanField()
    exhausted = serializers.BooleanField()
    script_done = serializers.BooleanField()


class TutorProgressPointSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    date = serializers.DateTimeField()
    cefr = serializers.CharField()
    pronunciation = serializers.IntegerField(allow_null=True)
    fluency = serializers.IntegerField(allow_null=True)
    grammar = serializers.IntegerField(allow_null=True)
    vocabulary = serializers.IntegerField(allow_null=True)
    listening = serializers.IntegerField(allow_null=True)


class TutorProgressSerializer(serializers.Serializer):
    context_key = serializers.UUIDField()
    context_id = serializers.IntegerField(source="context.pk")
    context = serializers.CharField(source="context.title")  # type: ignore[assignment]
    language = serializers.CharField(source="context.language")
    sessions = serializers.IntegerField()
    minutes = serializers.FloatField()
    averages = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    areas_to_improve = serializers.ListField(child=serializers.CharField())
    mastered_vocabulary = serializers.ListField(child=serializers.CharField())
    history = TutorProgressPointSerializer(many=True)
