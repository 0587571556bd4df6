"""The teacher's own side of the marketplace, under ``/api/v1/teacher/``.

Only users holding the teacher role get in (403 ``not_a_teacher``), and every query is
scoped to the requesting teacher's listing: another teacher's gig or exception is a 404.

- ``profile/`` GET, PATCH (creates the listing on the first PATCH); ``profile/submit/`` POST
- ``gigs/`` CRUD; deleting a booked gig deactivates it
- ``hours/`` GET, PUT (replaces the week, in the listing's time zone)
- ``exceptions/`` CRUD (time off, extra hours)

Certificates are uploaded through the accounts API (``POST /api/v1/users/me/certificates/``,
checked by content, pending a moderator) and listed in ``profile/``.
"""

from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from accounts.requests import user_of
from accounts.roles import Role
from accounts.selectors import has_role

from ..errors import ListingMissing
from ..models import AvailabilityException, Gig, TeacherListing
from ..selectors import teaching
from ..services import teachers as services
from . import teacher_serializers as serializers


class IsTeacher(permissions.BasePermission):
    message = "Only teachers have a teacher listing."
    code = "not_a_teacher"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and has_role(user, Role.TEACHER))


TEACHER_ONLY = [permissions.IsAuthenticated, IsTeacher]


def _profile_answer(listing: TeacherListing, code: int = status.HTTP_200_OK) -> Response:
    certificates = teaching.certificates_of(listing)
    serializer = serializers.TeacherListingProfileSerializer(
        listing, context={"certificates": certificates}
    )
    return Response(serializer.data, status=code)


class TeacherProfileView(APIView):
    permission_classes = TEACHER_ONLY
    serializer_class = serializers.TeacherListingProfileSerializer

    @extend_schema(responses=serializers.TeacherListingProfileSerializer)
    def get(self, request: Request) -> Response:
        """The teacher's listing; 409 ``listing_missing`` until the first PATCH."""
        listing = teaching.listing_profile(user_of(request))
        if listing is None:
            raise ListingMissing()
        return _profile_answer(listing)

    @extend_schema(
        request=serializers.TeacherListingProfileSerializer,
        responses={
            200: serializers.TeacherListingProfileSerializer,
            201: OpenApiResponse(
                serializers.TeacherListingProfileSerializer,
                description="The first save created the listing.",
            ),
        },
    )
    def patch(self, request: Request) -> Response:
        """Creates (201) or updates the listing; ``languages`` replaces the languages taught."""
        listing = teaching.listing_profile(user_of(request))
        incoming = serializers.TeacherListingProfileSerializer(
            listing, data=request.data, partial=True
        )
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        profile_fields = data.pop("user", {}).get("teacher_profile", {})
        services.save_listing_profile(
            user_of(request), listing_fields=data, teacher_fields=profile_fields
        )
        return _profile_answer(
            teaching.listing_profile(user_of(request)),  # type: ignore[arg-type]  # saved just above
            status.HTTP_201_CREATED if listing is None else status.HTTP_200_OK,
        )


class SubmitForVerificationView(APIView):
    permission_classes = TEACHER_ONLY

    @extend_schema(request=None, responses={200: serializers.TeacherListingProfileSerializer})
    def post(self, request: Request) -> Response:
        """Puts the listing in the moderators' verification queue."""
        services.submit_for_verification(teaching.own_listing(user_of(request)))
        # own_listing found it just above.
        return _profile_answer(teaching.listing_profile(user_of(request)))  # type: ignore[arg-type]


class TeacherGigViewSet(viewsets.ModelViewSet):
    permission_classes = TEACHER_ONLY
    serializer_class = serializers.TeacherGigSerializer
    filterset_fields = ["is_active", "category__slug"]
    ordering_fields = ["title", "created_at"]
    ordering = ["title", "id"]

    def get_queryset(self) -> QuerySet[Gig]:
        if getattr(self, "swagger_fake_view", False):
            return Gig.objects.none()
        return teaching.own_gigs(user_of(self.request))

    def perform_create(self, serializer: BaseSerializer[Gig]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = services.save_gig(teaching.own_listing(user_of(self.request)), **data)

    def perform_update(self, serializer: BaseSerializer[Gig]) -> None:
        data = dict(serializer.validated_data)
        gig = serializer.instance
        assert gig is not None  # noqa: S101 - update() built the serializer on the object
        serializer.instance = services.save_gig(gig.listing, gig, **data)

    def perform_destroy(self, instance: Gig) -> None:
        services.remove_gig(instance)


class WeeklyHoursView(generics.GenericAPIView):
    permission_classes = TEACHER_ONLY
    serializer_class = serializers.WeeklyHoursSerializer

    def get_object(self) -> TeacherListing:
        # DRF's OPTIONS answer calls get_object() for PUT; without a queryset it asserted (500).
        return teaching.own_listing(user_of(self.request))

    def _answer(self, listing: TeacherListing) -> Response:
        return Response(
            serializers.WeeklyHoursSerializer(
                {"time_zone": listing.time_zone, "hours": listing.weekly_hours.all()}
            ).data
        )

    def get(self, request: Request) -> Response:
        """The weekly hours, as wall-clock times in ``time_zone``."""
        return self._answer(teaching.own_listing(user_of(request)))

    def put(self, request: Request) -> Response:
        """Replaces the whole week. Overlapping intervals of a day are a 400."""
        listing = teaching.own_listing(user_of(request))
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.replace_weekly_hours(
            listing,
            [
                (item["weekday"], item["start_time"], item["end_time"])
                for item in incoming.validated_data["hours"]
            ],
        )
        return self._answer(listing)


class AvailabilityExceptionViewSet(viewsets.ModelViewSet):
    permission_classes = TEACHER_ONLY
    serializer_class = serializers.AvailabilityExceptionSerializer
    filterset_fields = ["kind"]
    ordering = ["start", "id"]

    def get_queryset(self) -> QuerySet[AvailabilityException]:
        if getattr(self, "swagger_fake_view", False):
            return AvailabilityException.objects.none()
        return teaching.own_exceptions(user_of(self.request))

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        user = self.request.user
        if getattr(self, "swagger_fake_view", False) or not user.is_authenticated:
            return context
        zone_name = teaching.teaching_zone_name(user_of(self.request))
        if zone_name is not None:
            context["zone"] = ZoneInfo(zone_name)
        return context

    def perform_create(self, serializer: BaseSerializer[AvailabilityException]) -> None:
        serializer.instance = services.add_exception(
            teaching.own_listing(user_of(self.request)), **serializer.validated_data
        )

    def perform_update(self, serializer: BaseSerializer[AvailabilityException]) -> None:
        exception = serializer.instance
        assert exception is not None  # noqa: S101 - update() built the serializer on the object
        serializer.instance = services.update_exception(exception, **serializer.validated_data)

    def perform_destroy(self, instance: AvailabilityException) -> None:
        services.remove_exception(instance)
