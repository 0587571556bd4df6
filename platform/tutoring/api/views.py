from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsEmailVerified
from accounts.requests import user_of

from .. import payments
from ..errors import NotAllowed
from ..models import Booking, Gig, GigCategory, Review, TeacherListing
from ..selectors import bookings as booking_selectors
from ..selectors import discovery, slots
from ..services import bookings as booking_services
from ..services import favourites as favourite_services
from ..services import gifts as gift_services
from ..services import reviews as review_services
from ..services import sessions as session_services
from . import serializers
from .filters import TeacherFilter

if TYPE_CHECKING:
    from rest_framework.permissions import _SupportsHasPermission


def _zone(request: Request) -> ZoneInfo:
    from rest_framework.exceptions import ValidationError

    name = request.query_params.get("tz") or "UTC"
    try:
        serializers.validate_time_zone(name)
    except ValidationError as exc:
        raise ValidationError({"tz": exc.detail}) from None
    return ZoneInfo(name)


SLOT_PARAMETERS = [
    OpenApiParameter("tz", str, description="The learner's IANA time zone (default UTC)"),
    OpenApiParameter("gig", int, description="Only this gig's durations"),
    OpenApiParameter("duration", int, description="Minutes (default: the gig's shortest)"),
]


class GigCategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = GigCategory.objects.all()
    serializer_class = serializers.GigCategorySerializer
    permission_classes = [permissions.AllowAny]


class TeacherViewSet(viewsets.ReadOnlyModelViewSet):
    """The teacher directory: verified teachers only."""

    permission_classes = [permissions.AllowAny]
    # The listing's primary key is its user's id: say so, so the schema types {id} as a UUID.
    lookup_field = "user_id"
    lookup_url_kwarg = "id"
    filterset_class = TeacherFilter
    ordering_fields = ["rating_average", "rating_count", "hourly_from", "created_at"]
    ordering = ["-rating_average", "-rating_count", "user_id"]

    def get_queryset(self) -> QuerySet[TeacherListing]:
        return discovery.listed_teachers()

    def get_serializer_class(self) -> Any:
        if self.action == "retrieve":
            return serializers.TeacherDetailSerializer
        return serializers.TeacherCardSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {
            **super().get_serializer_context(),
            "favourite_ids": discovery.favourite_ids(self.request.user),
        }

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="ISO date or date-time (in tz)"),
            OpenApiParameter("to", str, description="ISO date (inclusive) or date-time (in tz)"),
            *SLOT_PARAMETERS,
        ],
        responses=serializers.FreeSlotsSerializer,
    )
    @action(detail=True, methods=["get"])
    def slots(self, request: Request, id: str | None = None) -> Response:
        """Free slots, answered in the learner's time zone."""
        listing = get_object_or_404(discovery.listed_teachers(), pk=id)
        zone = _zone(request)
        start, end = _range(request, zone)
        minutes = _minutes(request, listing)
        found = slots.free_slots(listing, minutes, start, end)
        return Response(
            {
                "time_zone": str(zone),
                "duration": minutes,
                "slots": [
                    {
                        "start": s.start.astimezone(zone).isoformat(),
                        "end": s.end.astimezone(zone).isoformat(),
                    }
                    for s in found
                ],
            }
        )

    @extend_schema(parameters=SLOT_PARAMETERS, responses=serializers.NextFreeSlotsSerializer)
    @action(detail=True, methods=["get"], url_path="next-slots")
    def next_slots(self, request: Request, id: str | None = None) -> Response:
        """The teacher's next free slots (what a chat's "when are you free?" answers)."""
        listing = get_object_or_404(discovery.listed_teachers(), pk=id)
        zone = _zone(request)
        found = slots.next_free_slots(listing, _minutes(request, listing), count=5)
        return Response(
            {
                "time_zone": str(zone),
                "slots": [
                    {
                        "start": s.start.astimezone(zone).isoformat(),
                        "end": s.end.astimezone(zone).isoformat(),
                    }
                    for s in found
                ],
            }
        )

    @action(
        detail=True, methods=["post", "delete"], permission_classes=[permissions.IsAuthenticated]
    )
    def favourite(self, request: Request, id: str | None = None) -> Response:
        listing = get_object_or_404(discovery.listed_teachers(), pk=id)
        if request.method == "DELETE":
            favourite_services.remove_favourite(user_of(request), listing)
            return Response(status=status.HTTP_204_NO_CONTENT)
        favourite_services.save_favourite(user_of(request), listing)
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(responses=serializers.TeacherCardSerializer(many=True))
    @action(detail=False, methods=["get"], permission_classes=[permissions.IsAuthenticated])
    def favourites(self, request: Request) -> Response:
        queryset = self.filter_queryset(
            self.get_queryset().filter(favourited_by__learner=user_of(request))
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses=serializers.TeacherCardSerializer(many=True))
    @action(
        detail=False,
        methods=["get"],
        permission_classes=[permissions.IsAuthenticated],
        filter_backends=[],
    )
    def recommended(self, request: Request) -> Response:
        listings = discovery.recommended(user_of(request))
        page = self.paginate_queryset(listings)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses=serializers.TeacherCardSerializer(many=True))
    @action(detail=False, methods=["get"], filter_backends=[])
    def trending(self, request: Request) -> Response:
        page = self.paginate_queryset(discovery.trending())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @action(detail=True, methods=["get"], serializer_class=serializers.ReviewSerializer)
    def reviews(self, request: Request, id: str | None = None) -> Response:
        listing = get_object_or_404(discovery.listed_teachers(), pk=id)
        queryset = booking_selectors.published_reviews(listing)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializers.ReviewSerializer(page, many=True).data)


def _range(request: Request, zone: ZoneInfo) -> tuple[datetime, datetime]:
    def parse(name: str, *, end: bool) -> datetime | None:
        raw = request.query_params.get(name)
        if not raw:
            return None
        try:
            if len(raw) == 10:
                day = datetime.fromisoformat(raw).date() + timedelta(days=1 if end else 0)
                return datetime.combine(day, time(), tzinfo=zone)
            value = datetime.fromisoformat(raw)
        except ValueError:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({name: ["Use an ISO date or date-time."]}) from None
        return value if value.tzinfo else value.replace(tzinfo=zone)

    now = datetime.now(tz=UTC)
    start = parse("from", end=False) or now
    finish = parse("to", end=True) or start + timedelta(days=7)
    if finish <= start:
        from rest_framework.exceptions import ValidationError

        raise ValidationError({"to": ["Must be after from."]})
    return start, min(finish, start + timedelta(days=slots.MAX_SEARCH_DAYS))


def _minutes(request: Request, listing: TeacherListing) -> int:
    raw = request.query_params.get("duration")
    if raw:
        try:
            return max(5, min(600, int(raw)))
        except ValueError:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"duration": ["Minutes, as a whole number."]}) from None
    gig_id = request.query_params.get("gig")
    gigs = Gig.objects.filter(listing=listing, is_active=True)
    if gig_id:
        if not gig_id.isdigit():
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"gig": ["A gig's id, as a whole number."]})
        gigs = gigs.filter(pk=int(gig_id))
    option = (
        gigs.values_list("durations__minutes", flat=True).order_by("durations__minutes").first()
    )
    return option or 60


class BookingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Bookings of the requesting user, as learner or as teacher (``?as=teacher``)."""

    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["status"]
    ordering_fields = ["start", "created_at"]
    ordering = ["start"]

    def get_queryset(self) -> QuerySet[Booking]:
        if getattr(self, "swagger_fake_view", False):
            return Booking.objects.none()
        queryset = booking_selectors.bookings_of(
            user_of(self.request), role=self.request.query_params.get("as")
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events")
        return queryset

    def get_serializer_class(self) -> Any:
        if self.action == "retrieve":
            return serializers.BookingDetailSerializer
        if self.action == "create":
            return serializers.BookingCreateSerializer
        return serializers.BookingSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "zone": _zone(self.request)}

    def get_permissions(self) -> Sequence["_SupportsHasPermission"]:
        if self.action in ("create", "pay"):
            return [permissions.IsAuthenticated(), IsEmailVerified()]
        return super().get_permissions()

    @extend_schema(
        request=serializers.BookingCreateSerializer, responses={201: serializers.BookingSerializer}
    )
    def create(self, request: Request) -> Response:
        """Holds a slot for a few minutes while the learner pays (409 when it is taken)."""
        incoming = serializers.BookingCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        booking = booking_services.hold_booking(
            learner=user_of(request),
            gig=data["gig"],
            start=data["start"],
            minutes=data["duration"],
            lesson_type=data["lesson_type"],
            meeting_provider=data["provider"],
        )
        return Response(
            serializers.BookingSerializer(booking, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=serializers.PaySerializer, responses={200: serializers.CheckoutClientSerializer}
    )
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: str | None = None) -> Response:
        """Starts the checkout of a held booking; returns what the provider's client needs."""
        booking = self.get_object()
        if booking.learner_id != request.user.pk:
            raise NotAllowed()
        incoming = serializers.PaySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        client = payments.start_booking_checkout(
            booking, provider=incoming.validated_data["provider"], user=request.user
        )
        return Response(client)

    @extend_schema(
        request=serializers.CancelSerializer, responses={200: serializers.BookingSerializer}
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        booking = self.get_object()
        incoming = serializers.CancelSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        booking = booking_services.cancel_booking(
            booking.pk, by=user_of(request), reason=incoming.validated_data["reason"]
        )
        return self._answer(booking)

    @extend_schema(
        request=serializers.RescheduleSerializer, responses={200: serializers.BookingSerializer}
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, pk: str | None = None) -> Response:
        booking = self.get_object()
        incoming = serializers.RescheduleSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        booking = booking_services.reschedule_booking(
            booking.pk, by=user_of(request), start=incoming.validated_data["start"]
        )
        return self._answer(booking)

    @extend_schema(request=None, responses={200: serializers.BookingSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """The learner confirms a fixed-price lesson took place: the teacher is paid."""
        booking = session_services.confirm_completion(self.get_object().pk, by=user_of(request))
        return self._answer(booking)

    @extend_schema(
        request=serializers.CancelSerializer, responses={200: serializers.BookingSerializer}
    )
    @action(detail=True, methods=["post"])
    def dispute(self, request: Request, pk: str | None = None) -> Response:
        incoming = serializers.CancelSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        booking = session_services.open_dispute(
            self.get_object().pk, by=user_of(request), reason=incoming.validated_data["reason"]
        )
        return self._answer(booking)

    @extend_schema(
        request=serializers.ReviewWriteSerializer, responses={201: serializers.ReviewSerializer}
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        booking = self.get_object()
        incoming = serializers.ReviewWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        review = review_services.write_review(
            booking, by=user_of(request), **incoming.validated_data
        )
        return Response(serializers.ReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    def _answer(self, booking: Booking) -> Response:
        booking = booking_selectors.bookings_of(user_of(self.request)).get(pk=booking.pk)
        return Response(
            serializers.BookingSerializer(booking, context=self.get_serializer_context()).data
        )


class ReviewReplyView(generics.GenericAPIView):
    serializer_class = serializers.ReplySerializer

    @extend_schema(
        request=serializers.ReplySerializer, responses={200: serializers.ReviewSerializer}
    )
    def post(self, request: Request, pk: str) -> Response:
        review = get_object_or_404(
            Review.objects.select_related("booking__learner"), pk=pk, teacher_id=request.user.pk
        )
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        review = review_services.reply(
            review, by=user_of(request), text=incoming.validated_data["text"]
        )
        return Response(serializers.ReviewSerializer(review).data)


class SessionGiftView(generics.GenericAPIView):
    """POST /sessions/{id}/gifts/: a gift during the live session, where ``id`` is a
    lesson's booking or a group session (the sender's paid seat in it); answers the
    checkout the client completes with the provider."""

    serializer_class = serializers.GiftCreateSerializer
    permission_classes = [permissions.IsAuthenticated, IsEmailVerified]

    @extend_schema(
        request=serializers.GiftCreateSerializer,
        responses={201: serializers.GiftCheckoutSerializer},
    )
    def post(self, request: Request, pk: str) -> Response:
        booking = booking_selectors.bookings_of(user_of(request)).filter(pk=pk).first()
        if booking is None:
            from ..models import GroupSession
            from ..selectors.group_sessions import seat_for_gift

            get_object_or_404(GroupSession, pk=pk)  # sessions are public; lessons are not
            booking = seat_for_gift(user_of(request), pk)
            if booking is None:
                raise NotAllowed("Only learners with a seat in this session can send a gift.")
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        gift = gift_services.create_gift(
            booking, by=user_of(request), amount=data["amount"], message=data["message"]
        )
        checkout = payments.start_gift_checkout(
            gift, provider=data["provider"], user=user_of(request)
        )
        return Response(
            {"gift": serializers.GiftSerializer(gift).data, "checkout": checkout},
            status=status.HTTP_201_CREATED,
        )
