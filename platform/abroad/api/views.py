"""The study-abroad API (/api/v1/abroad/…): thin views over ``selectors`` and ``services``."""

from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsEmailVerified
from accounts.requests import user_of
from cms.abroad.models import (
    CoursePage,
    CourseType,
    DestinationPage,
    HomestayPage,
    InstitutePage,
    Meals,
    RoomType,
)
from cms.learning.blocks import TARGET_LANGUAGES
from cms.learning.models import Level

from .. import payments, selectors, services
from ..errors import NotBookable
from ..models import AbroadBooking, AbroadReview, WishlistItem
from . import serializers as s

MAX_AVAILABILITY_DAYS = 366


class PagedPages(viewsets.ReadOnlyModelViewSet):
    """Lists pages with their destination/institute attached in one query per page."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        items = list(page if page is not None else queryset)
        selectors.attach_ancestors(items)
        data = self.get_serializer(items, many=True).data
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        selectors.attach_ancestors([item])
        return Response(self.get_serializer(item).data)


class CourseQuery(serializers.Serializer[Any]):
    destination = serializers.IntegerField(required=False, min_value=1)
    language = serializers.ChoiceField(choices=TARGET_LANGUAGES, required=False)
    course_type = serializers.ChoiceField(choices=CourseType.choices, required=False)
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    start_date = serializers.DateField(required=False, help_text="An intake on or after")
    weeks = serializers.IntegerField(required=False, min_value=1, max_value=104)
    budget = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, min_value=0)
    ordering = serializers.ChoiceField(
        choices=list(selectors.COURSE_ORDERINGS), required=False, default="price"
    )


class HomestayQuery(serializers.Serializer[Any]):
    destination = serializers.IntegerField(required=False, min_value=1)
    room_type = serializers.ChoiceField(choices=RoomType.choices, required=False)
    meals = serializers.ChoiceField(choices=Meals.choices, required=False)
    budget = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, min_value=0, help_text="Per night"
    )
    check_in = serializers.DateField(required=False)
    check_out = serializers.DateField(required=False)
    institute = serializers.IntegerField(
        required=False, min_value=1, help_text="Only homestays near this institute"
    )
    ordering = serializers.ChoiceField(
        choices=list(selectors.HOMESTAY_ORDERINGS), required=False, default="price"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("check_in" in attrs) != ("check_out" in attrs):
            raise serializers.ValidationError("Send both check_in and check_out, or neither.")
        if "check_in" in attrs and attrs["check_out"] <= attrs["check_in"]:
            raise serializers.ValidationError({"check_out": ["After the check-in date."]})
        return attrs


class InstituteQuery(serializers.Serializer[Any]):
    destination = serializers.IntegerField(required=False, min_value=1)
    language = serializers.CharField(required=False, max_length=8)


def _query(serializer_class: Any, request: Request) -> dict[str, Any]:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


class DestinationViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.DestinationSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.destinations()

    queryset = DestinationPage.objects.none()


@extend_schema(parameters=[InstituteQuery])
class InstituteViewSet(PagedPages):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.InstituteSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[InstitutePage]:
        if getattr(self, "swagger_fake_view", False):
            return InstitutePage.objects.none()
        query = _query(InstituteQuery, self.request) if self.action == "list" else {}
        return selectors.institutes(
            destination_id=query.get("destination"), language=query.get("language", "")
        )


@extend_schema(parameters=[CourseQuery])
class CourseViewSet(PagedPages):
    """Courses with their intakes (start date, seats, seats left)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = s.CourseSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[CoursePage]:
        if getattr(self, "swagger_fake_view", False):
            return CoursePage.objects.none()
        query = _query(CourseQuery, self.request) if self.action == "list" else {}
        return selectors.courses(
            destination_id=query.get("destination"),
            language=query.get("language", ""),
            course_type=query.get("course_type", ""),
            level=query.get("level", ""),
            start_from=query.get("start_date"),
            weeks=query.get("weeks"),
            budget=query.get("budget"),
            ordering=query.get("ordering", "price"),
        )


class AvailabilityQuery(serializers.Serializer[Any]):
    start = serializers.DateField(required=False, help_text="First night (default today)")
    end = serializers.DateField(required=False, help_text="Day after the last night")

    def to_internal_value(self, data: Any) -> Any:
        return super().to_internal_value(
            {key: data[alias] for key, alias in (("start", "from"), ("end", "to")) if alias in data}
        )


class HomestayViewSet(PagedPages):
    """Homestays with their rooms; ``availability`` shows each room's booked and blocked
    nights."""

    permission_classes = [permissions.AllowAny]
    serializer_class = s.HomestaySerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[HomestayPage]:
        if getattr(self, "swagger_fake_view", False):
            return HomestayPage.objects.none()
        query = _query(HomestayQuery, self.request) if self.action == "list" else {}
        return selectors.homestays(
            destination_id=query.get("destination"),
            room_type=query.get("room_type", ""),
            meals=query.get("meals", ""),
            budget_per_night=query.get("budget"),
            check_in=query.get("check_in"),
            check_out=query.get("check_out"),
            institute_id=query.get("institute"),
            ordering=query.get("ordering", "price"),
        )

    @extend_schema(parameters=[HomestayQuery])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", date, description="First night (default today)"),
            OpenApiParameter("to", date, description="Day after the last night (≤ 366 days)"),
        ],
        responses=s.AvailabilitySerializer,
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def availability(self, request: Request, pk: str | None = None) -> Response:
        homestay = self.get_object()
        query = AvailabilityQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        start = query.validated_data.get("start") or timezone.localdate()
        end = query.validated_data.get("end") or start + timedelta(days=60)
        if end <= start or (end - start).days > MAX_AVAILABILITY_DAYS:
            raise serializers.ValidationError(
                {"to": [f"After 'from', at most {MAX_AVAILABILITY_DAYS} days later."]}
            )
        rooms = selectors.availability(homestay, start, end)
        data = {"homestay": homestay.pk, "from": start, "to": end, "rooms": rooms}
        return Response(s.AvailabilitySerializer(data).data)


class WishlistViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The learner's saved courses and homestays; ``DELETE wishlist/{page}/``."""

    serializer_class = s.WishlistItemSerializer
    filter_backends: list[Any] = []
    lookup_field = "page_id"
    lookup_url_kwarg = "page"

    def get_queryset(self) -> QuerySet[WishlistItem]:
        if getattr(self, "swagger_fake_view", False):
            return WishlistItem.objects.none()
        return selectors.wishlist_of(user_of(self.request))

    @extend_schema(request=s.WishlistAddSerializer, responses={201: s.WishlistItemSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.WishlistAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.add_to_wishlist(user_of(request), data.validated_data["page"])
        return Response(s.WishlistItemSerializer(item).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = str(kwargs["page"])
        if not page.isdigit():  # the route takes any segment: "abc" is no page, not a 500
            raise NotFound()
        services.remove_from_wishlist(user_of(request), int(page))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReviewQuery(serializers.Serializer[Any]):
    listing = serializers.IntegerField(min_value=1, help_text="A course or homestay id")


class ReviewViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Published reviews of a listing (``?listing=``); learners review what they completed,
    and the listing's owner replies once."""

    serializer_class = s.AbroadReviewSerializer
    filter_backends: list[Any] = []

    def get_permissions(self) -> list[Any]:
        if self.action == "list":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_queryset(self) -> QuerySet[AbroadReview]:
        if getattr(self, "swagger_fake_view", False):
            return AbroadReview.objects.none()
        return selectors.published_reviews(_query(ReviewQuery, self.request)["listing"])

    @extend_schema(parameters=[ReviewQuery])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.ReviewCreateSerializer, responses={201: s.AbroadReviewSerializer})
    def create(self, request: Request) -> Response:
        data = s.ReviewCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.write_review(
            user_of(request),
            booking_id=data.validated_data["booking"],
            page_id=data.validated_data["page"],
            rating=data.validated_data["rating"],
            text=data.validated_data["text"],
        )
        return Response(s.AbroadReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReviewReplySerializer, responses={200: s.AbroadReviewSerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str) -> Response:
        if not (pk.isascii() and pk.isdigit()):
            raise NotFound()
        data = s.ReviewReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.reply_to_review(
            user_of(request), review_id=int(pk), text=data.validated_data["text"]
        )
        return Response(s.AbroadReviewSerializer(review).data)


class CompareQuery(serializers.Serializer[Any]):
    ids = serializers.CharField(help_text="Up to four course or homestay ids, comma-separated")
    weeks = serializers.IntegerField(required=False, min_value=1, max_value=104)
    nights = serializers.IntegerField(required=False, min_value=1, max_value=730)

    def validate_ids(self, value: str) -> list[int]:
        try:
            ids = [int(part) for part in value.split(",") if part.strip()]
        except ValueError:
            raise serializers.ValidationError("Whole numbers, comma-separated.") from None
        if not 1 <= len(ids) <= selectors.MAX_COMPARE:
            raise serializers.ValidationError(f"From 1 to {selectors.MAX_COMPARE} ids.")
        return ids


class CompareView(APIView):
    """Up to four courses or homestays side by side, priced for the chosen weeks or nights
    (fees included)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[CompareQuery], responses=s.CompareSerializer)
    def get(self, request: Request) -> Response:
        query = _query(CompareQuery, request)
        rows = selectors.compare(query["ids"], weeks=query.get("weeks"), nights=query.get("nights"))
        return Response(s.CompareSerializer({"results": rows}).data)


class BookingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The learner's study-abroad bookings. POST one of {intake, seats} for a course,
    {room, check_in, check_out} for a stay, or both for a package: 201 with the hold and
    ``amount_due``; 409 ``seats_taken`` or ``room_taken`` when someone was faster."""

    serializer_class = s.AbroadBookingSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[AbroadBooking]:
        if getattr(self, "swagger_fake_view", False):
            return AbroadBooking.objects.none()
        return selectors.bookings_of(user_of(self.request))

    def get_permissions(self) -> Any:
        if self.action in ("create", "pay"):
            return [IsEmailVerified()]
        return super().get_permissions()

    @extend_schema(
        request=s.AbroadBookingCreateSerializer,
        responses={
            201: s.AbroadBookingSerializer,
            409: OpenApiResponse(description="seats_taken or room_taken"),
        },
    )
    def create(self, request: Request) -> Response:
        data = s.AbroadBookingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        booking = services.hold_booking(
            learner=user_of(request),
            intake_id=values.get("intake"),
            seats=values.get("seats", 1),
            weeks=values.get("weeks"),
            room_id=values.get("room"),
            check_in=values.get("check_in"),
            check_out=values.get("check_out"),
        )
        booking = selectors.own_booking(user_of(request), booking.pk)
        return Response(s.AbroadBookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AbroadPaySerializer, responses=s.AbroadCheckoutSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: str | None = None) -> Response:
        """Starts the checkout of what is due now (deposit, total or balance)."""
        booking = self.get_object()
        data = s.AbroadPaySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        provider = data.validated_data.get("provider") or payments.website_card_provider()
        checkout = payments.start_checkout(booking, provider=provider, user=user_of(request))
        return Response(
            {"booking": s.AbroadBookingSerializer(booking).data, "payment": checkout.client}
        )

    @extend_schema(request=s.AbroadCancelSerializer, responses=s.AbroadBookingSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Cancels by the booking's policy (the refund is in the answer)."""
        booking = self.get_object()
        data = s.AbroadCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.cancel_booking(
            booking.pk, by=user_of(request), reason=data.validated_data.get("reason", "")
        )
        return Response(s.AbroadBookingSerializer(booking).data)


class VendorListingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The provider's own institutes, courses and homestays."""

    serializer_class = s.VendorListingSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.vendor_listings(user_of(self.request))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        rows = [
            {
                "id": item.pk,
                "title": item.title,
                "kind": item.content_type.model.removesuffix("page"),
                "live": item.live,
                "url_path": item.url_path,
                "edit_url": f"/admin/pages/{item.pk}/edit/",
            }
            for item in page
        ]
        return self.get_paginated_response(s.VendorListingSerializer(rows, many=True).data)


class VendorBookingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Bookings of the provider's listings; requests are accepted or declined here."""

    serializer_class = s.AbroadVendorBookingSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[AbroadBooking]:
        if getattr(self, "swagger_fake_view", False):
            return AbroadBooking.objects.none()
        return selectors.vendor_bookings(user_of(self.request))

    def _answer(self, request: Request, accept: bool) -> Response:
        booking = self.get_object()
        data = s.AbroadAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.answer_request(
            booking.pk,
            vendor=user_of(request),
            accept=accept,
            note=data.validated_data.get("note", ""),
        )
        return Response(s.AbroadVendorBookingSerializer(booking).data)

    @extend_schema(request=s.AbroadAnswerSerializer, responses=s.AbroadVendorBookingSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._answer(request, True)

    @extend_schema(request=s.AbroadAnswerSerializer, responses=s.AbroadVendorBookingSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        return self._answer(request, False)


class RoomBlockView(APIView):
    """The host blocks nights of one of their rooms (409 ``room_taken`` over a booking)."""

    @extend_schema(request=s.AbroadBlockSerializer, responses={201: s.AbroadBlockSerializer})
    def post(self, request: Request, room: int) -> Response:
        selectors.vendor_room(user_of(request), room)
        data = s.AbroadBlockSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stay = services.block_dates(
            vendor=user_of(request),
            room_id=room,
            check_in=data.validated_data["check_in"],
            check_out=data.validated_data["check_out"],
            note=data.validated_data.get("note", ""),
        )
        return Response(s.AbroadBlockSerializer(stay).data, status=status.HTTP_201_CREATED)


class BlockDeleteView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        try:
            services.unblock_dates(vendor=user_of(request), stay_id=pk)
        except NotBookable as error:
            raise Http404 from error
        return Response(status=status.HTTP_204_NO_CONTENT)
