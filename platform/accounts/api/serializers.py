from datetime import date
from typing import Any

from django.db.models.fields.files import ImageFieldFile
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import LearningLanguage, Level, Profile, TeacherCertificate, TeacherProfile
from ..notifications import preferences_of, validate_preferences
from ..roles import Role
from ..selectors import email_verified_from_prefetch, roles_of

MIN_AGE_YEARS = 13


class AvatarSerializer(serializers.Serializer):
    original = serializers.URLField(allow_null=True)
    medium = serializers.URLField(allow_null=True)
    small = serializers.URLField(allow_null=True)


def _url(request: Any, file: ImageFieldFile) -> str | None:
    if not file:
        return None
    return request.build_absolute_uri(file.url) if request else file.url


def avatar_urls(profile: Profile, request: Any) -> dict[str, str | None]:
    return {
        "original": _url(request, profile.avatar),
        "medium": _url(request, profile.avatar_medium),
        "small": _url(request, profile.avatar_small),
    }


class LearningLanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = LearningLanguage
        fields = ["language", "level"]


class TeacherProfileSerializer(serializers.ModelSerializer):
    certificates_pending = serializers.SerializerMethodField()
    certificates_verified = serializers.SerializerMethodField()

    class Meta:
        model = TeacherProfile
        fields = [
            "qualification",
            "years_of_experience",
            "certificates_pending",
            "certificates_verified",
        ]
        read_only_fields = ["certificates_pending", "certificates_verified"]

    def get_certificates_pending(self, teacher: TeacherProfile) -> int:
        return teacher.certificates.filter(status="pending").count()

    def get_certificates_verified(self, teacher: TeacherProfile) -> int:
        return teacher.certificates.filter(status="verified").count()


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "type": "object",
            "additionalProperties": {"type": "boolean"},
        },
        "example": {"message.new": {"in_app": True, "email": False, "push": True}},
    }
)
class NotificationPreferencesField(serializers.Field):
    """The notifications app's preferences, ``{type: {channel: bool}}`` for every type (the
    same as GET /api/v1/notifications/preferences/, their one source of truth). A PATCH sends
    only the switches it changes."""

    def to_representation(self, profile: Profile) -> dict[str, dict[str, bool]]:
        return preferences_of(profile.user)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        try:
            return {"notification_preferences": validate_preferences(data)}
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc


class MeSerializer(serializers.ModelSerializer):
    """The signed-in person's own account and profile (GET/PATCH /api/v1/users/me/).

    Email and password change through the auth API (/api/auth/app/v1/account/…), which
    re-verifies a new address before it replaces the old one."""

    id = serializers.UUIDField(source="user.id", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    email_verified = serializers.SerializerMethodField()
    first_name = serializers.CharField(source="user.first_name", max_length=150, required=False)
    last_name = serializers.CharField(
        source="user.last_name", max_length=150, required=False, allow_blank=True
    )
    full_name = serializers.CharField(source="user.get_full_name", read_only=True)
    roles = serializers.SerializerMethodField()
    date_joined = serializers.DateTimeField(source="user.date_joined", read_only=True)
    avatar = serializers.SerializerMethodField()
    # The count is checked before any item (the validator below says the same in words).
    learning = LearningLanguageSerializer(many=True, required=False, max_length=20)  # type: ignore[call-arg]
    notification_preferences = NotificationPreferencesField(source="*", required=False)
    teacher = TeacherProfileSerializer(
        source="user.teacher_profile", required=False, allow_null=True
    )

    class Meta:
        model = Profile
        fields = [
            "id",
            "email",
            "email_verified",
            "first_name",
            "last_name",
            "full_name",
            "roles",
            "date_joined",
            "avatar",
            "phone",
            "gender",
            "date_of_birth",
            "bio",
            "city",
            "country",
            "postal_code",
            "status",
            "native_language",
            "learning",
            "time_zone",
            "interface_language",
            "marketing_emails",
            "notification_preferences",
            "teacher",
        ]

    def get_email_verified(self, profile: Profile) -> bool:
        return email_verified_from_prefetch(profile.user)

    def get_roles(self, profile: Profile) -> list[str]:
        return sorted(roles_of(profile.user))

    @extend_schema_field(AvatarSerializer)
    def get_avatar(self, profile: Profile) -> dict[str, str | None]:
        return avatar_urls(profile, self.context.get("request"))

    def to_representation(self, profile: Profile) -> dict[str, Any]:
        data = super().to_representation(profile)
        if not hasattr(profile.user, "teacher_profile"):
            data["teacher"] = None
        return data

    def validate_first_name(self, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise serializers.ValidationError("Enter a first name.")
        return value

    def validate_date_of_birth(self, value: date | None) -> date | None:
        if value is None:
            return value
        today = date.today()  # noqa: DTZ011 - a birthday is a calendar date, not an instant
        age = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
        if age < MIN_AGE_YEARS:
            raise serializers.ValidationError(f"You must be at least {MIN_AGE_YEARS} years old.")
        if age > 130:
            raise serializers.ValidationError("Enter a real date of birth.")
        return value

    def validate_learning(self, value: list[dict[str, str]]) -> list[dict[str, str]]:
        # A PATCH is partial all the way down, so DRF does not require an item's fields:
        # the list replaces the whole set, so each item needs its language here.
        if any("language" not in item for item in value):
            raise serializers.ValidationError("Each item needs its language.")
        value = [{"level": Level.A1, **item} for item in value]
        languages = [item["language"] for item in value]
        if len(languages) != len(set(languages)):
            raise serializers.ValidationError("Each language appears once.")
        if len(languages) > 20:
            raise serializers.ValidationError("At most 20 languages.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        teacher = attrs.get("user", {}).get("teacher_profile")
        # Bound to the signed-in person's profile (PATCH /users/me/): without one, no teacher.
        profile = self.instance
        if teacher is not None and (profile is None or Role.TEACHER not in roles_of(profile.user)):
            raise serializers.ValidationError({"teacher": ["Only teachers have these fields."]})
        return attrs

    def update(self, profile: Profile, validated_data: dict[str, Any]) -> Profile:
        from ..services import update_profile

        user_data = dict(validated_data.pop("user", {}))
        teacher_fields = user_data.pop("teacher_profile", None)
        learning = validated_data.pop("learning", None)
        notification_preferences = validated_data.pop("notification_preferences", None)
        return update_profile(
            profile.user,
            user_fields=user_data,
            profile_fields=validated_data,
            learning=learning,
            teacher_fields=teacher_fields,
            notification_preferences=notification_preferences,
        )


class PublicUserSerializer(serializers.ModelSerializer):
    """What anyone signed in may see of someone else: ``Profile.PUBLIC_FIELDS`` and the
    languages they learn. Never email, phone, birthday, address or settings."""

    id = serializers.UUIDField(source="user.id", read_only=True)
    full_name = serializers.CharField(source="user.get_full_name", read_only=True)
    is_teacher = serializers.SerializerMethodField()
    avatar = serializers.SerializerMethodField()
    learning = LearningLanguageSerializer(many=True, read_only=True)

    class Meta:
        model = Profile
        fields = ["id", "full_name", "is_teacher", "avatar", *Profile.PUBLIC_FIELDS, "learning"]
        read_only_fields = fields

    def get_is_teacher(self, profile: Profile) -> bool:
        return Role.TEACHER in roles_of(profile.user)

    @extend_schema_field(AvatarSerializer)
    def get_avatar(self, profile: Profile) -> dict[str, str | None]:
        return avatar_urls(profile, self.context.get("request"))


class AvatarUploadSerializer(serializers.Serializer):
    avatar = serializers.FileField(help_text="JPEG, PNG or WebP, at most 5 MB.")


class CertificateSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True, help_text="PDF, JPEG or PNG, at most 10 MB.")
    url = serializers.SerializerMethodField()

    class Meta:
        model = TeacherCertificate
        fields = ["id", "title", "file", "url", "content_type", "status", "uploaded_at"]
        read_only_fields = ["id", "url", "content_type", "status", "uploaded_at"]

    def get_url(self, certificate: TeacherCertificate) -> str:
        request = self.context.get("request")
        url = reverse("users-me-certificate-file", args=[certificate.pk])
        return request.build_absolute_uri(url) if request else url


class OwnRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=[Role.STUDENT.value, Role.TEACHER.value])
