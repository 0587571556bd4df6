"""Group sessions: teachers publish, change and cancel them; learners browse, filter and
book seats (held while paying through ``POST /bookings/{id}/pay/``, cancelled through
``POST /bookings/{id}/cancel/`` under the same policy as lessons)."""

from decimal import Decimal
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsEmailVerified
from accounts.requests import user_of
from core.api.filters import IsoDateTimeFilter

from ..models import Gig
from ..models.bookings import GroupSession
from ..models.teachers import CefrLevel
from ..selectors import bookings as booking_selectors
from ..selectors import group_sessions as selectors
from ..services import group_sessions as services
from .serializers import BookingSerializer, CancelSerializer

LEVEL_HELP = (
    "CEFR level the session is for; blank (the default) for all levels the teacher teaches."
)


class GroupSessionSerializer(serializers.ModelSerializer):
    teacher = serializers.SerializerMethodField()
    gig_title = serializers.CharField(source="gig.title", read_only=True)
    language = serializers.CharField(source="gig.language", read_only=True)
    category = serializers.CharField(source="gig.category.slug", read_only=True)
    minutes = serializers.SerializerMethodField()
    seats_left = serializers.SerializerMethodField()

    class Meta:
        model = GroupSession
        fields = [
            "id",
            "teacher",
            "gig",
            "gig_title",
            "language",
            "category",
            "topic",
            "description",
            "level",
            "start",
            "end",
            "minutes",
            "price",
            "currency",
            "seats",
            "seats_left",
            "cancelled",
        ]

    def get_teacher(self, session: GroupSession) -> dict[str, str]:
        return {"id": str(session.teacher_id), "name": session.teacher.user.get_full_name()}

    def get_minutes(self, session: GroupSession) -> int:
        return int((session.end - session.start).total_seconds() // 60)

    def get_seats_left(self, session: GroupSession) -> int:
        return getattr(session, "open_seats", session.seats_left)


class TeacherGroupSessionSerializer(GroupSessionSerializer):
    """What the teacher sees of their own session: also its room and taken seats."""

    class Meta(GroupSessionSerializer.Meta):
        fields = [*GroupSessionSerializer.Meta.fields, "seats_taken", "room_id", "cancelled_at"]


class GroupSessionWriteSerializer(serializers.Serializer):
    gig = serializers.PrimaryKeyRelatedField(queryset=Gig.objects.select_related("listing"))
    topic = serializers.CharField(max_length=160)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    level = serializers.ChoiceField(
        choices=CefrLevel.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=LEVEL_HELP,
    )
    start = serializers.DateTimeField()
    minutes = serializers.IntegerField(min_value=10, max_value=480)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"))
    seats = serializers.IntegerField(min_value=1, max_value=services.MAX_SEATS)


class GroupSessionEditSerializer(serializers.Serializer):
    topic = serializers.CharField(max_length=160, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    level = serializers.ChoiceField(
        choices=CefrLevel.choices,
        required=False,
        allow_blank=True,
        help_text=LEVEL_HELP + " Fixed once a seat is taken.",
    )
    start = serializers.DateTimeField(required=False)
    minutes = serializers.IntegerField(min_value=10, max_value=480, required=False)
    price = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False
    )
    seats = serializers.IntegerField(min_value=1, max_value=services.MAX_SEATS, required=False)


class GroupSessionFilter(django_filters.FilterSet):
    language = django_filters.CharFilter(field_name="gig__language")
    category = django_filters.CharFilter(field_name="gig__category__slug")
    teacher = django_filters.UUIDFilter(field_name="teacher_id")
    starts_after = IsoDateTimeFilter(field_name="start", lookup_expr="gte")
    starts_before = IsoDateTimeFilter(field_name="start", lookup_expr="lt")
    min_price = django_filters.NumberFilter(field_name="price", lookup_expr="gte")
    max_price = django_filters.NumberFilter(field_name="price", lookup_expr="lte")
    min_seats_left = django_filters.NumberFilter(field_name="open_seats", lookup_expr="gte")
    level = django_filters.ChoiceFilter(
        choices=CefrLevel.choices,
        method="filter_level",
        help_text=(
            "Sessions for a learner at this CEFR level: those set at this level, and those"
            " for all levels (blank ``level``) whose teacher teaches the language at it."
        ),
    )

    class Meta:
        model = GroupSession
        fields = ["language", "category", "teacher"]

    def filter_level(
        self, queryset: QuerySet[GroupSession], name: str, value: str
    ) -> QuerySet[GroupSession]:
        return selectors.suited_to_level(queryset, value)


class GroupSessionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """``/group-sessions/``: upcoming sessions anyone can browse (``?mine=1`` for a
    teacher's own, past and cancelled included)."""

    filterset_class = GroupSessionFilter
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"  # a session's UUID; anything else is a 404
    ordering_fields = ["start", "price", "created_at"]
    ordering = ["start", "id"]

    def _mine(self) -> bool:
        return self.request.query_params.get("mine") in ("1", "true") or self.action in (
            "partial_update",
            "cancel",
        )

    def get_queryset(self) -> QuerySet[GroupSession]:
        if self._mine() and self.request.user.is_authenticated:
            return selectors.sessions_of_teacher(self.request.user)
        return selectors.upcoming_sessions()

    def get_serializer_class(self) -> Any:
        if self._mine():
            return TeacherGroupSessionSerializer
        return GroupSessionSerializer

    def get_permissions(self) -> list[Any]:
        if self.action in ("list", "retrieve") and not self._mine():
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated(), IsEmailVerified()]

    @extend_schema(
        request=GroupSessionWriteSerializer, responses={201: TeacherGroupSessionSerializer}
    )
    def create(self, request: Request) -> Response:
        """Publishes a session at a fixed time on one of the teacher's gigs."""
        incoming = GroupSessionWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        session = services.publish(data.pop("gig"), by=user_of(request), **data)
        return self._answer(session, status.HTTP_201_CREATED)

    @extend_schema(
        request=GroupSessionEditSerializer, responses={200: TeacherGroupSessionSerializer}
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        incoming = GroupSessionEditSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        session = services.edit(session.pk, by=user_of(request), **incoming.validated_data)
        return self._answer(session)

    @extend_schema(request=CancelSerializer, responses={200: TeacherGroupSessionSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Cancels the session: every paid seat is refunded in full, every learner told."""
        session = self.get_object()
        incoming = CancelSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        session = services.cancel_session(
            session.pk, by=user_of(request), reason=incoming.validated_data["reason"]
        )
        return self._answer(session)

    @extend_schema(request=None, responses={201: BookingSerializer})
    @action(detail=True, methods=["post"])
    def book(self, request: Request, pk: str | None = None) -> Response:
        """Holds a seat while the learner pays (409 ``session_sold_out`` when none is left);
        pay it with ``POST /bookings/{id}/pay/``."""
        session = get_object_or_404(selectors.upcoming_sessions(), pk=pk)
        booking = services.book_seat(session, learner=user_of(request))
        booking = booking_selectors.bookings_of(user_of(request)).get(pk=booking.pk)
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    def _answer(self, session: GroupSession, code: int = status.HTTP_200_OK) -> Response:
        session = selectors.sessions_of_teacher(user_of(self.request)).get(pk=session.pk)
        return Response(TeacherGroupSessionSerializer(session).data, status=code)
