"""Serializers of the teacher's own side of the marketplace (``/api/v1/teacher/…``).

Validation answers 400 with field errors for everything a form could get wrong: an unknown
time zone, levels or times the wrong way round, overlapping hours, negative prices, a
per-minute gig without its rate, a currency change on a gig that has bookings…"""

from collections import Counter
from decimal import Decimal
from typing import Any, TypedDict, cast

from rest_framework import serializers

from accounts.models import TeacherCertificate, language_choices
from core.api.fields import BoundedListField, LanguageCodeField

from ..models import (
    AvailabilityException,
    Gig,
    GigCategory,
    GigDuration,
    PricingMode,
    TaughtLanguage,
    TeacherListing,
    WeeklyHours,
)
from ..models.gigs import CURRENCIES
from .serializers import GIG_FIELDS, validate_time_zone

LEVELS = ["A1", "A2", "B1", "B2", "C1", "C2"]


class PriceOptions(TypedDict):
    max_digits: int
    decimal_places: int
    min_value: Decimal


PRICE: PriceOptions = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0")}


class TaughtLanguageInputSerializer(serializers.ModelSerializer):
    language = serializers.ChoiceField(choices=language_choices())

    class Meta:
        model = TaughtLanguage
        fields = ["language", "native", "min_level", "max_level"]
        # The (listing, language) uniqueness is checked on the whole list below.
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        low = attrs.get("min_level", "A1")
        high = attrs.get("max_level", "C2")
        if LEVELS.index(low) > LEVELS.index(high):
            raise serializers.ValidationError(
                {"max_level": [f"{high} is below the minimum level {low}."]}
            )
        return attrs


class CertificateSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = TeacherCertificate
        fields = ["id", "title", "status", "uploaded_at"]


class TeacherListingProfileSerializer(serializers.ModelSerializer):
    """The listing plus the qualification and experience kept on the accounts profile."""

    id = serializers.UUIDField(source="pk", read_only=True)
    qualification = serializers.CharField(
        source="user.teacher_profile.qualification",
        required=False,
        allow_blank=True,
        max_length=200,
    )
    years_of_experience = serializers.IntegerField(
        source="user.teacher_profile.years_of_experience",
        required=False,
        min_value=0,
        max_value=80,
    )
    # The stubs lack ListSerializer's max_length (checked before any item is).
    languages = TaughtLanguageInputSerializer(many=True, required=False, max_length=20)  # type: ignore[call-arg]
    time_zone = serializers.CharField(required=False, validators=[validate_time_zone])
    certificates = serializers.SerializerMethodField()

    class Meta:
        model = TeacherListing
        fields = [
            "id",
            "status",
            "rejection_reason",
            "submitted_at",
            "reviewed_at",
            "headline",
            "about",
            "intro_video_url",
            "country",
            "time_zone",
            "qualification",
            "years_of_experience",
            "languages",
            "certificates",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "minimum_notice_minutes",
            "booking_horizon_days",
            "slot_step_minutes",
        ]
        read_only_fields = ["status", "rejection_reason", "submitted_at", "reviewed_at"]
        extra_kwargs = {
            "buffer_before_minutes": {"min_value": 0, "max_value": 240},
            "buffer_after_minutes": {"min_value": 0, "max_value": 240},
            "minimum_notice_minutes": {"min_value": 0, "max_value": 60 * 24 * 30},
            "booking_horizon_days": {"min_value": 1, "max_value": 366},
            "slot_step_minutes": {"min_value": 5, "max_value": 240},
        }

    def get_certificates(self, listing: TeacherListing) -> list[dict[str, Any]]:
        return CertificateSummarySerializer(self.context.get("certificates", []), many=True).data  # type: ignore[return-value]

    def validate_languages(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # The PATCH is partial down to the items; the list replaces them all, so each item
        # names its language (schemathesis sent one without: a KeyError, a 500).
        if any("language" not in item for item in value):
            raise serializers.ValidationError("Each item needs its language.")
        twice = [code for code, n in Counter(v["language"] for v in value).items() if n > 1]
        if twice:
            raise serializers.ValidationError(f"Listed twice: {', '.join(sorted(twice))}.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        listing = self.instance
        if listing is None and not attrs.get("headline"):
            raise serializers.ValidationError({"headline": ["Say in a line what you teach."]})
        return attrs


class GigDurationInputSerializer(serializers.ModelSerializer):
    minutes = serializers.IntegerField(min_value=10, max_value=600)
    price = serializers.DecimalField(**PRICE)

    class Meta:
        model = GigDuration
        fields = ["minutes", "price"]


class TeacherGigSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", queryset=GigCategory.objects.all())
    currency = serializers.ChoiceField(choices=CURRENCIES)
    language = LanguageCodeField(required=False, allow_blank=True)
    durations = GigDurationInputSerializer(many=True, max_length=12)  # type: ignore[call-arg]
    price_per_minute = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), required=False, allow_null=True
    )
    trial_minutes = serializers.IntegerField(
        min_value=10, max_value=120, required=False, allow_null=True
    )
    trial_price = serializers.DecimalField(**PRICE, required=False, allow_null=True)
    package_sizes = BoundedListField(
        child=serializers.IntegerField(min_value=2, max_value=50), required=False, max_length=5
    )
    package_discount_percent = serializers.IntegerField(min_value=0, max_value=90, required=False)
    lesson_types = serializers.SerializerMethodField()

    class Meta:
        model = Gig
        fields = [
            *GIG_FIELDS,
            "lesson_types",
            "is_active",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def get_lesson_types(self, gig: Gig) -> list[str]:
        """What learners can book: ``trial``, ``single``, ``package_of_N``."""
        types = ["trial"] if gig.trial_minutes and gig.trial_price is not None else []
        types.append("single")
        types += [f"package_of_{n}" for n in sorted(gig.package_sizes or [])]
        return types

    def validate_durations(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not value:
            raise serializers.ValidationError("Offer at least one lesson length.")
        twice = [m for m, n in Counter(d["minutes"] for d in value).items() if n > 1]
        if twice:
            raise serializers.ValidationError(f"{twice[0]} minutes is offered twice.")
        return sorted(value, key=lambda d: d["minutes"])

    def validate_package_sizes(self, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise serializers.ValidationError("Each package size once.")
        return sorted(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        def current(name: str) -> Any:
            if name in attrs:
                return attrs[name]
            return getattr(self.instance, name, None)

        errors: dict[str, list[str]] = {}
        mode = current("pricing_mode") or PricingMode.PER_DURATION
        if mode == PricingMode.PER_MINUTE and current("price_per_minute") is None:
            errors["price_per_minute"] = ["A per-minute gig needs its rate."]
        if (current("trial_minutes") is None) != (current("trial_price") is None):
            errors["trial_price"] = ["A trial lesson needs both its minutes and its price."]
        category = current("category")
        if category is not None and category.is_language_teaching and not current("language"):
            errors["language"] = ["Say which language this gig teaches."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class WeeklyHoursItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = WeeklyHours
        fields = ["weekday", "start_time", "end_time"]


class WeeklyHoursSerializer(serializers.Serializer):
    """The whole week at once, in the listing's time zone."""

    time_zone = serializers.CharField(read_only=True)
    # many=True hands max_length to the ListSerializer (DRF 3.14+); the stubs do not list it.
    hours = WeeklyHoursItemSerializer(many=True, max_length=7 * 24)  # type: ignore[call-arg]

    def validate_hours(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for item in value:
            if item["end_time"] <= item["start_time"]:
                raise serializers.ValidationError(
                    f"{item['end_time']:%H:%M} is not after {item['start_time']:%H:%M}."
                )
        return value


class AvailabilityExceptionSerializer(serializers.ModelSerializer):
    """``start``/``end`` without an offset are wall-clock times in the listing's zone."""

    class Meta:
        model = AvailabilityException
        fields = ["id", "kind", "start", "end", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if zone := self.context.get("zone"):
            for name in ("start", "end"):
                # The model's DateTimeFields: ModelSerializer builds them, the stubs cannot see it.
                cast(serializers.DateTimeField, self.fields[name]).timezone = zone

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = attrs.get("start", getattr(self.instance, "start", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if start and end and end <= start:
            raise serializers.ValidationError({"end": ["Must be after the start."]})
        return attrs
