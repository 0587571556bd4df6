from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rest_framework import serializers

from payments.models import Provider as PaymentProvider

from ..models import (
    Booking,
    BookingEvent,
    Gift,
    Gig,
    GigCategory,
    GigDuration,
    LessonType,
    MeetingProvider,
    Review,
    TaughtLanguage,
    TeacherListing,
)


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise serializers.ValidationError("Unknown time zone.") from None


class GigCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = GigCategory
        fields = ["id", "name", "slug", "description", "is_language_teaching"]


class GigDurationSerializer(serializers.ModelSerializer):
    class Meta:
        model = GigDuration
        fields = ["minutes", "price"]


# What learners see of a gig; the teacher's own view adds its state (teacher_serializers).
GIG_FIELDS = [
    "id",
    "title",
    "about",
    "experience",
    "education",
    "certificates",
    "language",
    "category",
    "currency",
    "pricing_mode",
    "price_per_minute",
    "durations",
    "trial_minutes",
    "trial_price",
    "package_sizes",
    "package_discount_percent",
]


class GigSerializer(serializers.ModelSerializer):
    category = GigCategorySerializer(read_only=True)
    durations = GigDurationSerializer(many=True, read_only=True)

    class Meta:
        model = Gig
        fields = GIG_FIELDS


class TaughtLanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaughtLanguage
        fields = ["language", "native", "min_level", "max_level"]


class TeacherCardSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="pk", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    languages = TaughtLanguageSerializer(many=True, read_only=True)
    gigs = GigSerializer(many=True, read_only=True)
    hourly_from = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )
    is_favourite = serializers.SerializerMethodField()

    class Meta:
        model = TeacherListing
        fields = [
            "id",
            "name",
            "headline",
            "country",
            "time_zone",
            "languages",
            "gigs",
            "rating_average",
            "rating_count",
            "rating_distribution",
            "hourly_from",
            "is_favourite",
        ]

    def get_is_favourite(self, listing: TeacherListing) -> bool:
        return listing.pk in self.context.get("favourite_ids", set())


class TeacherDetailSerializer(TeacherCardSerializer):
    qualification = serializers.SerializerMethodField()
    years_of_experience = serializers.SerializerMethodField()

    class Meta(TeacherCardSerializer.Meta):
        fields = [
            *TeacherCardSerializer.Meta.fields,
            "about",
            "intro_video_url",
            "qualification",
            "years_of_experience",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "minimum_notice_minutes",
            "booking_horizon_days",
        ]

    def _teacher_profile(self, listing: TeacherListing) -> Any:
        return getattr(listing.user, "teacher_profile", None)

    def get_qualification(self, listing: TeacherListing) -> str:
        return getattr(self._teacher_profile(listing), "qualification", "")

    def get_years_of_experience(self, listing: TeacherListing) -> int:
        return getattr(self._teacher_profile(listing), "years_of_experience", 0)


class SlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="In the asked time zone, with its offset.")
    end = serializers.DateTimeField(help_text="In the asked time zone, with its offset.")


class FreeSlotsSerializer(serializers.Serializer):
    """``teachers/{id}/slots/``: the free slots of one duration in a range."""

    time_zone = serializers.CharField(help_text="The IANA time zone the times are in.")
    duration = serializers.IntegerField(help_text="Minutes each slot lasts.")
    slots = SlotSerializer(many=True)


class NextFreeSlotsSerializer(serializers.Serializer):
    """``teachers/{id}/next-slots/``: the teacher's next free slots."""

    time_zone = serializers.CharField(help_text="The IANA time zone the times are in.")
    slots = SlotSerializer(many=True, help_text="At most five, soonest first.")


class SlotQuerySerializer(serializers.Serializer):
    from_ = serializers.DateTimeField(required=False)
    to = serializers.DateTimeField(required=False)
    tz = serializers.CharField(default="UTC", validators=[validate_time_zone])
    gig = serializers.IntegerField(required=False)
    duration = serializers.IntegerField(required=False, min_value=5, max_value=600)

    def to_internal_value(self, data: Any) -> Any:
        data = data.copy()
        if "from" in data:
            data["from_"] = data.pop("from")[0] if hasattr(data, "getlist") else data.pop("from")
        return super().to_internal_value(data)


class BookingCreateSerializer(serializers.Serializer):
    gig = serializers.PrimaryKeyRelatedField(
        queryset=Gig.objects.select_related("listing").prefetch_related("durations")
    )
    start = serializers.DateTimeField()
    duration = serializers.IntegerField(min_value=5, max_value=600)
    lesson_type = serializers.ChoiceField(
        choices=[LessonType.SINGLE, LessonType.TRIAL], default=LessonType.SINGLE
    )
    provider = serializers.ChoiceField(
        choices=MeetingProvider.choices,
        default=MeetingProvider.CLASSROOM,
        help_text="Where the lesson takes place (the meeting provider), not how it is paid.",
    )


class BookingEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = BookingEvent
        fields = ["from_status", "to_status", "note", "created_at"]


class BookingSerializer(serializers.ModelSerializer):
    provider = serializers.CharField(
        source="meeting_provider",
        read_only=True,
        help_text="Where the lesson takes place (classroom or zoom), not how it was paid.",
    )
    teacher = serializers.SerializerMethodField()
    learner = serializers.SerializerMethodField()
    gig_title = serializers.CharField(source="gig.title", read_only=True)
    minutes = serializers.IntegerField(read_only=True)
    start_local = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = [
            "id",
            "teacher",
            "learner",
            "gig",
            "gig_title",
            "lesson_type",
            "package",
            "status",
            "start",
            "end",
            "start_local",
            "minutes",
            "hold_expires_at",
            "currency",
            "price",
            "price_per_minute",
            "billed_minutes",
            "billed_amount",
            "refunded_amount",
            "provider",
            "room_id",
            "zoom_join_url",
            "paid_at",
            "completed_at",
            "cancelled_at",
        ]

    def get_teacher(self, booking: Booking) -> dict[str, str]:
        return {"id": str(booking.teacher_id), "name": booking.teacher.user.get_full_name()}

    def get_learner(self, booking: Booking) -> dict[str, str]:
        return {"id": str(booking.learner_id), "name": booking.learner.get_full_name()}

    def get_start_local(self, booking: Booking) -> str:
        zone = self.context.get("zone") or ZoneInfo("UTC")
        return booking.start.astimezone(zone).isoformat()


class BookingDetailSerializer(BookingSerializer):
    events = BookingEventSerializer(many=True, read_only=True)

    class Meta(BookingSerializer.Meta):
        fields = [*BookingSerializer.Meta.fields, "events"]


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class RescheduleSerializer(serializers.Serializer):
    start = serializers.DateTimeField()


class ReviewWriteSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class ReviewSerializer(serializers.ModelSerializer):
    learner = serializers.CharField(source="booking.learner.get_short_name", read_only=True)

    class Meta:
        model = Review
        fields = ["booking", "learner", "rating", "text", "reply", "replied_at", "created_at"]


class ReplySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)


class PaySerializer(serializers.Serializer):
    provider = serializers.ChoiceField(
        # demo: the demo provider's test cards, where the server has it on.
        choices=["stripe", "paypal", "razorpay", "bank_transfer", "demo"],
        default="stripe",
    )


class DemoTestCardSerializer(serializers.Serializer):
    number = serializers.CharField()
    outcome = serializers.CharField(help_text="What paying with this card does.")
    label = serializers.CharField()  # type: ignore[assignment]  # the key the client reads


class CheckoutClientSerializer(serializers.Serializer):
    """What a payment provider's client needs to finish paying (payments' start_checkout):
    ``payment_id`` and ``provider`` always, then the chosen provider's own fields."""

    payment_id = serializers.UUIDField(
        help_text="The payment to confirm (the demo provider: POST /payments/{id}/demo-confirm/)."
    )
    provider = serializers.ChoiceField(choices=PaymentProvider.choices)
    currency = serializers.CharField()
    amount = serializers.JSONField(
        help_text="Minor units (an integer) for card providers and the demo; a decimal string "
        "for bank transfer."
    )
    description = serializers.CharField(required=False, help_text="Razorpay and demo.")
    # Stripe (and PayPal through Stripe)
    publishable_key = serializers.CharField(required=False, allow_null=True)
    client_secret = serializers.CharField(required=False, allow_null=True)
    payment_intent = serializers.CharField(required=False)
    subscription = serializers.CharField(required=False, help_text="Stripe Billing plans.")
    payment_method_types = serializers.ListField(child=serializers.CharField(), required=False)
    # Razorpay
    key_id = serializers.CharField(required=False, allow_null=True)
    order_id = serializers.CharField(required=False)
    name = serializers.CharField(required=False)
    prefill = serializers.DictField(child=serializers.CharField(), required=False)
    # Bank transfer
    reference = serializers.CharField(required=False, help_text="Quote it with the transfer.")
    bank_details = serializers.CharField(required=False)
    # Demo (test cards, no real money)
    demo = serializers.BooleanField(required=False)
    test_cards = DemoTestCardSerializer(many=True, required=False)


class GiftCreateSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("1"))
    message = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    provider = serializers.ChoiceField(
        choices=["stripe", "paypal", "razorpay", "demo"], default="stripe"
    )


class GiftSerializer(serializers.ModelSerializer):
    class Meta:
        model = Gift
        fields = ["id", "amount", "currency", "message", "paid_at", "created_at"]


class GiftCheckoutSerializer(serializers.Serializer):
    gift = GiftSerializer()
    checkout = CheckoutClientSerializer()
