import uuid
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import BoundedListField, LanguageCodeField

from ..models import (
    Appeal,
    Comment,
    Correction,
    ModerationAction,
    Moment,
    MomentMedia,
    Report,
    Visibility,
)


def _avatar(user: Any, request: Any) -> str | None:
    profile = getattr(user, "profile", None)
    if profile is None or not profile.avatar_small:
        return None
    url = profile.avatar_small.url
    return request.build_absolute_uri(url) if request else url


class SocialPersonSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.SerializerMethodField()
    avatar = serializers.SerializerMethodField()
    native_language = serializers.SerializerMethodField()
    followed_by_me = serializers.BooleanField(read_only=True, default=False)

    def get_name(self, user: Any) -> str:
        return str(user.get_full_name() or user.get_short_name())

    def get_avatar(self, user: Any) -> str | None:
        return _avatar(user, self.context.get("request"))

    def get_native_language(self, user: Any) -> str:
        profile = getattr(user, "profile", None)
        return profile.native_language if profile else ""


class MediaSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = MomentMedia
        fields = [
            "id",
            "kind",
            "mime",
            "width",
            "height",
            "duration_seconds",
            "url",
            "thumbnail_url",
            "transcript",
            "transcript_language",
        ]
        read_only_fields = ["transcript", "transcript_language"]

    def get_url(self, media: MomentMedia) -> str:
        return reverse("social-media", args=[media.pk])

    def get_thumbnail_url(self, media: MomentMedia) -> str | None:
        if not media.thumbnail:
            return None
        return reverse("social-media", args=[media.pk]) + "?size=thumbnail"


class MomentSerializer(serializers.ModelSerializer):
    author = SocialPersonSerializer(read_only=True)
    media = MediaSerializer(many=True, read_only=True)
    topics = serializers.SerializerMethodField()
    like_count = serializers.IntegerField(read_only=True, default=0)
    comment_count = serializers.IntegerField(read_only=True, default=0)
    liked = serializers.BooleanField(read_only=True, default=False)
    bookmarked = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = Moment
        fields = [
            "id",
            "author",
            "text",
            "language",
            "level",
            "visibility",
            "status",
            "sensitive",
            "correct_me",
            "topics",
            "media",
            "like_count",
            "comment_count",
            "liked",
            "bookmarked",
            "created_at",
            "edited_at",
        ]

    def get_topics(self, moment: Moment) -> list[str]:
        return [topic.tag for topic in moment.topics.all()]


class MomentCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    language = LanguageCodeField()
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PUBLIC)
    images = BoundedListField(
        child=serializers.FileField(), required=False, max_length=settings.SOCIAL_MAX_IMAGES
    )
    voice = serializers.FileField(required=False)
    video = serializers.FileField(
        required=False,
        help_text=(
            "One video instead of photos or a voice clip: H.264/AAC MP4 or VP8/VP9/AV1 WebM "
            "(MOV and Matroska holding those are accepted), checked with ffprobe, limited in "
            "size, length and resolution (SOCIAL_MAX_VIDEO_*), stored without its metadata; "
            "its media item's thumbnail_url is a poster frame."
        ),
    )
    topics = BoundedListField(
        child=serializers.CharField(max_length=40), required=False, max_length=20
    )
    mentions = BoundedListField(
        child=serializers.UUIDField(),
        required=False,
        max_length=20,
        help_text="People to mention by id; @Name in the text also mentions (see the docs).",
    )
    correct_me = serializers.BooleanField(
        required=False, default=False, help_text="Ask others to suggest corrections."
    )


class MomentUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    topics = BoundedListField(
        child=serializers.CharField(max_length=40), required=False, max_length=20
    )
    correct_me = serializers.BooleanField(required=False)


class DiffPartSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=["equal", "delete", "insert"])
    text = serializers.CharField()


class CorrectionSerializer(serializers.ModelSerializer):
    author = SocialPersonSerializer(read_only=True)
    origin = serializers.ChoiceField(
        choices=Correction.Source.choices,
        source="source",
        read_only=True,
        help_text="Suggested by a person, or by the grammar engine at the author's request.",
    )
    accepted = serializers.SerializerMethodField()
    diff = serializers.SerializerMethodField()

    class Meta:
        model = Correction
        fields = ["id", "author", "origin", "text", "note", "accepted", "diff", "created_at"]

    def get_accepted(self, correction: Correction) -> bool:
        return correction.accepted_at is not None

    @extend_schema_field(DiffPartSerializer(many=True))
    def get_diff(self, correction: Correction) -> list[dict[str, str]]:
        from ..selectors import word_diff

        return word_diff(correction.moment.text, correction.text)


class CorrectionCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000, help_text="The whole text, corrected.")
    note = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)


class TranscriptRequestSerializer(serializers.Serializer):
    translate_to = LanguageCodeField(
        required=False, help_text="Also translate the transcript into this language."
    )


class TranslationPartSerializer(serializers.Serializer):
    language = serializers.CharField()
    text = serializers.CharField(allow_blank=True)


class TranscriptSerializer(serializers.Serializer):
    media = serializers.IntegerField()
    transcript = serializers.CharField(allow_blank=True)
    language = serializers.CharField(allow_blank=True)
    translation = TranslationPartSerializer(allow_null=True)


class ReplySerializer(serializers.ModelSerializer):
    author = SocialPersonSerializer(read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "author", "text", "parent", "created_at"]


class CommentSerializer(serializers.ModelSerializer):
    author = SocialPersonSerializer(read_only=True)
    replies = ReplySerializer(many=True, read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "author", "text", "parent", "created_at", "replies"]


class CommentCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=1000)
    parent_id = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, source="parent"
    )
    mentions = BoundedListField(child=serializers.UUIDField(), required=False, max_length=20)


class FeedSerializer(serializers.Serializer):
    next = serializers.CharField(allow_null=True, help_text="The cursor of the next page.")
    results = MomentSerializer(many=True)


class TopicSerializer(serializers.Serializer):
    tag = serializers.CharField()
    count = serializers.IntegerField()


class DiscoverSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    trending_topics = TopicSerializer(many=True)
    results = MomentSerializer(many=True)


class FollowStateSerializer(serializers.Serializer):
    following = serializers.BooleanField()
    followers = serializers.IntegerField()


class ProfileSerializer(SocialPersonSerializer):
    followers = serializers.IntegerField()
    following = serializers.IntegerField()
    connections_visible = serializers.BooleanField()


class InterestsSerializer(serializers.Serializer):
    interests = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=50, allow_empty=True
    )


class InterestSuggestionSerializer(serializers.Serializer):
    tag = serializers.CharField()
    score = serializers.FloatField()
    reason = serializers.CharField(help_text="Why it is suggested, in the person's language")


class InterestSuggestionsSerializer(serializers.Serializer):
    results = InterestSuggestionSerializer(many=True)


class SettingsSerializer(serializers.Serializer):
    connections_visibility = serializers.ChoiceField(choices=Visibility.choices)


class SocialReportSerializer(serializers.ModelSerializer):
    target_id = serializers.CharField(write_only=True)
    category = serializers.ChoiceField(
        choices=[c for c in Report.Category.choices if c[0] != Report.Category.AUTOMATIC]
    )

    class Meta:
        model = Report
        fields = [
            "id",
            "target",
            "target_id",
            "category",
            "details",
            "status",
            "outcome",
            "created_at",
        ]
        read_only_fields = ["status", "outcome", "created_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """A moment or comment is named by its number, a profile by its person's UUID: any
        other id is a field error here, not a failed lookup later."""
        target_id = str(attrs.get("target_id", "")).strip()
        try:
            if attrs.get("target") == Report.Target.PROFILE:
                uuid.UUID(target_id)
            elif not (target_id.isascii() and target_id.isdigit() and 0 < int(target_id) < 2**63):
                raise ValueError(target_id)
        except ValueError:
            raise serializers.ValidationError(
                {"target_id": [_("Not an id of this kind of item.")]}
            ) from None
        attrs["target_id"] = target_id
        return attrs


class ActionSerializer(serializers.ModelSerializer):
    appealed = serializers.SerializerMethodField()

    class Meta:
        model = ModerationAction
        fields = [
            "id",
            "kind",
            "reason",
            "moment",
            "comment",
            "created_at",
            "appealable_until",
            "appealed",
        ]

    @extend_schema_field(serializers.BooleanField())
    def get_appealed(self, action: ModerationAction) -> bool:
        return hasattr(action, "appeal")


class AppealSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appeal
        fields = ["id", "action", "text", "status", "decision_reason", "created_at", "decided_at"]
        read_only_fields = ["status", "decision_reason", "created_at", "decided_at"]


class AppealCreateSerializer(serializers.Serializer):
    action = serializers.IntegerField(min_value=1)
    text = serializers.CharField(max_length=2000)


class MomentShareSerializer(serializers.Serializer):
    conversation = serializers.UUIDField(help_text="One of your chats.")
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    client_id = serializers.CharField(
        max_length=64, required=False, default="", help_text="Makes a retry send nothing twice."
    )


class MomentSharedSerializer(serializers.Serializer):
    message = serializers.CharField(help_text="The chat message's id.")
