"""Lesson packages in the API: buy (create, then pay through the checkout), list, book a
lesson from one, refund the unused lessons."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsEmailVerified
from accounts.requests import user_of

from .. import payments
from ..models import Gig, LessonPackage, MeetingProvider
from ..selectors import packages as package_selectors
from ..services import packages as package_services
from .serializers import BookingSerializer, CheckoutClientSerializer, PaySerializer

if TYPE_CHECKING:
    from rest_framework.permissions import _SupportsHasPermission


class PackageSerializer(serializers.ModelSerializer):
    gig_title = serializers.CharField(source="gig.title", read_only=True)
    teacher = serializers.SerializerMethodField()
    lessons_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = LessonPackage
        fields = [
            "id",
            "gig",
            "gig_title",
            "teacher",
            "minutes",
            "lessons",
            "lessons_used",
            "lessons_left",
            "refunded_lessons",
            "currency",
            "unit_price",
            "price",
            "refunded_amount",
            "status",
            "paid_at",
            "expires_at",
            "closed_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_teacher(self, package: LessonPackage) -> dict[str, str]:
        return {"id": str(package.teacher_id), "name": package.teacher.user.get_full_name()}


class PackageCreateSerializer(serializers.Serializer):
    gig = serializers.PrimaryKeyRelatedField(
        queryset=Gig.objects.select_related("listing").prefetch_related("durations")
    )
    duration = serializers.IntegerField(min_value=5, max_value=600, help_text="Minutes a lesson")
    lessons = serializers.IntegerField(min_value=2, max_value=100)


class PackageBookSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    provider = serializers.ChoiceField(
        choices=MeetingProvider.choices,
        default=MeetingProvider.CLASSROOM,
        help_text="Where the lesson takes place (the meeting provider), not how it is paid.",
    )


class PackageViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[LessonPackage]
):
    """The requesting learner's lesson packages, newest first."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = PackageSerializer
    filterset_fields = ["status"]
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet[LessonPackage]:
        if getattr(self, "swagger_fake_view", False):
            return LessonPackage.objects.none()
        return package_selectors.packages_of(user_of(self.request))

    def get_permissions(self) -> Sequence["_SupportsHasPermission"]:
        if self.action in ("create", "pay", "book"):
            return [permissions.IsAuthenticated(), IsEmailVerified()]
        return super().get_permissions()

    @extend_schema(request=PackageCreateSerializer, responses={201: PackageSerializer})
    def create(self, request: Request) -> Response:
        """An unpaid package of ``lessons`` lessons of ``duration`` minutes (one of the gig's
        ``package_sizes``) at the gig's package discount; pay it with ``pay``."""
        incoming = PackageCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        package = package_services.create_package(
            learner=user_of(request),
            gig=data["gig"],
            minutes=data["duration"],
            lessons=data["lessons"],
        )
        return Response(PackageSerializer(package).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PaySerializer, responses={200: CheckoutClientSerializer})
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: str | None = None) -> Response:
        """Starts the checkout of an unpaid package (purpose ``tutoring_package``); returns
        what the provider's client needs, with ``payment_id``."""
        package = self.get_object()
        incoming = PaySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        checkout = payments.package_checkout(
            package, provider=incoming.validated_data["provider"], user=user_of(request)
        )
        return Response(checkout.client)

    @extend_schema(request=PackageBookSerializer, responses={201: BookingSerializer})
    @action(detail=True, methods=["post"])
    def book(self, request: Request, pk: str | None = None) -> Response:
        """Books one lesson of the package at ``start`` (a free slot of the teacher's);
        confirmed at once, no payment. 409 when the package is used up, closed or expired,
        or the time is taken."""
        package = self.get_object()
        incoming = PackageBookSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        booking = package_services.book_from_package(
            package.pk,
            learner=user_of(request),
            start=incoming.validated_data["start"],
            meeting_provider=incoming.validated_data["provider"],
        )
        booking = (
            type(booking)
            .objects.select_related("teacher__user", "learner", "gig")
            .get(pk=booking.pk)
        )
        return Response(
            BookingSerializer(booking, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={200: PackageSerializer})
    @action(detail=True, methods=["post"])
    def refund(self, request: Request, pk: str | None = None) -> Response:
        """Closes the package and refunds its unused lessons pro rata (``unit_price`` each)
        to the payment's card; lessons already booked still take place."""
        package = package_services.refund_unused(self.get_object().pk, by=user_of(request))
        package = package_selectors.packages_of(user_of(request)).get(pk=package.pk)
        return Response(PackageSerializer(package).data)
