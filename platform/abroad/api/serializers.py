"""Thin DRF serializers of the study-abroad API: reads of pages and bookings, and the
validated inputs of writes (the services decide the rest)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cms.abroad.models import (
    CourseIntake,
    CoursePage,
    DestinationPage,
    HomestayPage,
    HomestayRoom,
    InstitutePage,
    Meals,
    RoomType,
)

from .. import payments, policies
from ..models import AbroadBooking, AbroadReview, RoomStay, WishlistItem
from ..selectors import seats_left


class PlaceSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()


class DestinationSerializer(serializers.ModelSerializer[DestinationPage]):
    url = serializers.CharField(source="url_path", read_only=True)

    class Meta:
        model = DestinationPage
        fields = [
            "id",
            "title",
            "slug",
            "url",
            "country",
            "city",
            "time_zone",
            "latitude",
            "longitude",
            "summary",
            "visa_notes",
            "cost_of_living",
            "climate",
            "safety",
        ]


def _place(page: Any, attribute: str) -> dict[str, Any] | None:
    place = getattr(page, attribute, None)
    return {"id": place.pk, "title": place.title} if place is not None else None


class InstituteSerializer(serializers.ModelSerializer[InstitutePage]):
    destination = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()
    facilities = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()

    class Meta:
        model = InstitutePage
        fields = [
            "id",
            "title",
            "slug",
            "destination",
            "profile",
            "accreditation",
            "facilities",
            "address",
            "latitude",
            "longitude",
            "languages",
            "photos",
        ]

    @extend_schema_field(PlaceSerializer(allow_null=True))
    def get_destination(self, page: InstitutePage) -> dict[str, Any] | None:
        return _place(page, "destination")

    def get_languages(self, page: InstitutePage) -> list[str]:
        return page.language_list()

    def get_facilities(self, page: InstitutePage) -> list[str]:
        return page.facility_list()

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_photos(self, page: InstitutePage) -> list[dict[str, Any]]:
        return [
            {"image": photo.image.file.url, "caption": photo.caption} for photo in page.photos.all()
        ]


class IntakeSerializer(serializers.ModelSerializer[CourseIntake]):
    seats_left = serializers.SerializerMethodField()

    class Meta:
        model = CourseIntake
        fields = ["id", "start_date", "seats", "seats_left"]

    def get_seats_left(self, intake: CourseIntake) -> int:
        return seats_left(intake)


class CourseSerializer(serializers.ModelSerializer[CoursePage]):
    destination = serializers.SerializerMethodField()
    institute = serializers.SerializerMethodField()
    intakes = IntakeSerializer(many=True, read_only=True)
    rating = serializers.SerializerMethodField(help_text="Average of published reviews (1-5)")
    rating_count = serializers.SerializerMethodField()
    cancellation_policy_text = serializers.SerializerMethodField()
    url = serializers.CharField(source="url_path", read_only=True)

    class Meta:
        model = CoursePage
        fields = [
            "id",
            "title",
            "slug",
            "url",
            "destination",
            "institute",
            "description",
            "course_type",
            "language",
            "level_min",
            "level_max",
            "lessons_per_week",
            "weeks_min",
            "weeks_max",
            "price_per_week",
            "currency",
            "registration_fee",
            "material_fee",
            "requirements",
            "age_min",
            "age_max",
            "booking_mode",
            "deposit_percent",
            "cancellation_policy",
            "cancellation_policy_text",
            "intakes",
            "rating",
            "rating_count",
        ]

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_rating(self, page: Any) -> float | None:
        value = getattr(page, "rating", None)
        return round(float(value), 2) if value is not None else None

    def get_rating_count(self, page: Any) -> int:
        return int(getattr(page, "rating_count", 0) or 0)

    @extend_schema_field(PlaceSerializer(allow_null=True))
    def get_destination(self, page: CoursePage) -> dict[str, Any] | None:
        return _place(page, "destination")

    @extend_schema_field(PlaceSerializer(allow_null=True))
    def get_institute(self, page: CoursePage) -> dict[str, Any] | None:
        return _place(page, "institute")

    def get_cancellation_policy_text(self, page: CoursePage) -> str:
        return policies.explain(page.cancellation_policy)


class HomestayRoomSerializer(serializers.ModelSerializer[HomestayRoom]):
    class Meta:
        model = HomestayRoom
        fields = ["id", "name", "room_type", "private_bathroom", "price_per_night"]


class HomestaySerializer(serializers.ModelSerializer[HomestayPage]):
    destination = serializers.SerializerMethodField()
    rooms = HomestayRoomSerializer(many=True, read_only=True)
    rating = serializers.SerializerMethodField(help_text="Average of published reviews (1-5)")
    rating_count = serializers.SerializerMethodField()
    distance_km = serializers.SerializerMethodField(
        help_text="To the chosen institute (or the nearest one), when known"
    )
    check_in_days = serializers.SerializerMethodField()
    cancellation_policy_text = serializers.SerializerMethodField()
    url = serializers.CharField(source="url_path", read_only=True)

    class Meta:
        model = HomestayPage
        fields = [
            "id",
            "title",
            "slug",
            "url",
            "destination",
            "host_profile",
            "address",
            "latitude",
            "longitude",
            "meals",
            "meals_notes",
            "house_rules",
            "min_nights",
            "max_nights",
            "check_in_days",
            "currency",
            "booking_mode",
            "deposit_percent",
            "cancellation_policy",
            "cancellation_policy_text",
            "rooms",
            "rating",
            "rating_count",
            "distance_km",
        ]

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_rating(self, page: Any) -> float | None:
        value = getattr(page, "rating", None)
        return round(float(value), 2) if value is not None else None

    def get_rating_count(self, page: Any) -> int:
        return int(getattr(page, "rating_count", 0) or 0)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_km(self, page: Any) -> float | None:
        value = getattr(page, "distance", None)
        return float(value) if value is not None else None

    @extend_schema_field(PlaceSerializer(allow_null=True))
    def get_destination(self, page: HomestayPage) -> dict[str, Any] | None:
        return _place(page, "destination")

    def get_check_in_days(self, page: HomestayPage) -> list[str]:
        return [day.strip() for day in page.check_in_days.split(",") if day.strip()]

    def get_cancellation_policy_text(self, page: HomestayPage) -> str:
        return policies.explain(page.cancellation_policy)


class BusySerializer(serializers.Serializer[Any]):
    check_in = serializers.DateField()
    check_out = serializers.DateField()
    kind = serializers.ChoiceField(choices=["booked", "blocked"])


class RoomAvailabilitySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    room_type = serializers.ChoiceField(choices=RoomType.choices)
    price_per_night = serializers.DecimalField(max_digits=10, decimal_places=2)
    busy = BusySerializer(many=True)


class AvailabilitySerializer(serializers.Serializer[Any]):
    homestay = serializers.IntegerField()
    start = serializers.DateField(source="from")
    end = serializers.DateField(source="to")
    rooms = RoomAvailabilitySerializer(many=True)


class CompareRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["course", "homestay"])
    title = serializers.CharField()
    url = serializers.CharField(allow_null=True)
    currency = serializers.CharField()
    units = serializers.IntegerField()
    unit = serializers.ChoiceField(choices=["weeks", "nights"])
    base = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    fees = serializers.DecimalField(max_digits=12, decimal_places=2)
    total = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    included = serializers.ListField(child=serializers.CharField())
    cancellation_policy = serializers.CharField()
    booking_mode = serializers.CharField()
    rating = serializers.FloatField(allow_null=True)


class CompareSerializer(serializers.Serializer[Any]):
    results = CompareRowSerializer(many=True)


class WishlistItemSerializer(serializers.ModelSerializer[WishlistItem]):
    title = serializers.CharField(source="page.title", read_only=True)
    url = serializers.CharField(source="page.url_path", read_only=True)
    page = serializers.IntegerField(source="page_id")

    class Meta:
        model = WishlistItem
        fields = ["page", "title", "url", "created_at"]
        read_only_fields = ["created_at"]


class WishlistAddSerializer(serializers.Serializer[Any]):
    page = serializers.IntegerField(min_value=1)


class AbroadBookingSerializer(serializers.ModelSerializer[AbroadBooking]):
    kind = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    amount_due = serializers.SerializerMethodField()
    cancellation_policy_text = serializers.SerializerMethodField()
    course = serializers.IntegerField(source="course_id", allow_null=True)
    intake = serializers.IntegerField(source="intake_id", allow_null=True)
    homestay = serializers.IntegerField(source="homestay_id", allow_null=True)
    room = serializers.IntegerField(source="room_id", allow_null=True)

    class Meta:
        model = AbroadBooking
        fields = [
            "id",
            "kind",
            "title",
            "status",
            "course",
            "intake",
            "seats",
            "weeks",
            "course_start",
            "course_end",
            "course_amount",
            "homestay",
            "room",
            "check_in",
            "check_out",
            "stay_amount",
            "currency",
            "total",
            "due_now",
            "amount_paid",
            "amount_due",
            "refunded_amount",
            "cancellation_policy",
            "cancellation_policy_text",
            "long_stay",
            "by_request",
            "hold_expires_at",
            "respond_by",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=2))
    def get_amount_due(self, booking: AbroadBooking) -> str:
        return f"{payments.amount_due(booking):.2f}"

    def get_cancellation_policy_text(self, booking: AbroadBooking) -> str:
        return policies.explain(booking.cancellation_policy, long_stay=booking.long_stay)


class AbroadVendorBookingSerializer(AbroadBookingSerializer):
    learner_name = serializers.CharField(source="learner.get_full_name", read_only=True)

    class Meta(AbroadBookingSerializer.Meta):
        fields = [*AbroadBookingSerializer.Meta.fields, "learner_name", "awaiting_vendors"]
        read_only_fields = fields


class AbroadBookingCreateSerializer(serializers.Serializer[Any]):
    intake = serializers.IntegerField(required=False, min_value=1)
    seats = serializers.IntegerField(required=False, min_value=1, max_value=10, default=1)
    weeks = serializers.IntegerField(required=False, min_value=1, max_value=104)
    room = serializers.IntegerField(required=False, min_value=1)
    check_in = serializers.DateField(required=False)
    check_out = serializers.DateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "intake" not in attrs and "room" not in attrs:
            raise serializers.ValidationError(
                "Send {intake, seats} for a course, {room, check_in, check_out} for a stay, "
                "or both for a package."
            )
        if "room" in attrs:
            errors = {
                name: ["Required with a room."]
                for name in ("check_in", "check_out")
                if name not in attrs
            }
            if errors:
                raise serializers.ValidationError(errors)
            if attrs["check_out"] <= attrs["check_in"]:
                raise serializers.ValidationError({"check_out": ["After the check-in date."]})
        return attrs


class AbroadPaySerializer(serializers.Serializer[Any]):
    provider = serializers.CharField(required=False)


class AbroadCheckoutSerializer(serializers.Serializer[Any]):
    booking = AbroadBookingSerializer()
    payment = serializers.DictField(help_text="What the payment provider's client needs.")


class AbroadCreatedBookingSerializer(AbroadBookingSerializer):
    """The hold and what to pay now (nothing while a request waits for its provider)."""


class AbroadCancelSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=255)


class AbroadAnswerSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, max_length=255)


class VendorListingSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    live = serializers.BooleanField()
    url = serializers.CharField(source="url_path")
    edit_url = serializers.CharField()


class AbroadBlockSerializer(serializers.ModelSerializer[RoomStay]):
    class Meta:
        model = RoomStay
        fields = ["id", "room", "check_in", "check_out", "note"]
        read_only_fields = ["id", "room"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["check_out"] <= attrs["check_in"]:
            raise serializers.ValidationError({"check_out": ["After the first blocked night."]})
        return attrs


MEALS = Meals.choices


class AbroadReviewSerializer(serializers.ModelSerializer[AbroadReview]):
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = AbroadReview
        fields = [
            "id",
            "page",
            "rating",
            "text",
            "author_name",
            "vendor_reply",
            "replied_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_author_name(self, review: AbroadReview) -> str:
        return review.author.get_short_name()


class ReviewCreateSerializer(serializers.Serializer[Any]):
    booking = serializers.UUIDField()
    page = serializers.IntegerField(min_value=1, help_text="The booking's course or homestay")
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReviewReplySerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=2000)
