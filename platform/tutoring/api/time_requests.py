"""Time requests: ``/api/v1/time-requests/``.

A learner asks for a time outside the posted hours (POST), and may withdraw while it is
pending; the teacher accepts (a held booking is made, 409 ``slot_taken`` when the time is no
longer free) or declines with a note. Each side lists its own (``?as=teacher|learner``)."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsEmailVerified
from accounts.requests import user_of

from ..models import Gig, TimeRequest
from ..selectors.time_requests import time_requests_of
from ..services import time_requests as services

if TYPE_CHECKING:
    from rest_framework.permissions import _SupportsHasPermission


class TimeRequestCreateSerializer(serializers.Serializer):
    gig = serializers.PrimaryKeyRelatedField(
        queryset=Gig.objects.select_related("listing").prefetch_related("durations")
    )
    start = serializers.DateTimeField()
    duration = serializers.IntegerField(min_value=5, max_value=600)
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class DeclineSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")


class TimeRequestSerializer(serializers.ModelSerializer):
    gig_title = serializers.CharField(source="gig.title", read_only=True)
    teacher = serializers.SerializerMethodField()
    learner = serializers.SerializerMethodField()
    duration = serializers.IntegerField(source="minutes", read_only=True)
    booking_status = serializers.CharField(
        source="booking.status", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = TimeRequest
        fields = [
            "id",
            "gig",
            "gig_title",
            "teacher",
            "learner",
            "start",
            "duration",
            "message",
            "status",
            "decline_reason",
            "booking",
            "booking_status",
            "created_at",
            "answered_at",
        ]
        read_only_fields = fields

    def get_teacher(self, time_request: TimeRequest) -> dict[str, str]:
        user = time_request.gig.listing.user
        return {"id": str(user.pk), "name": user.get_full_name()}

    def get_learner(self, time_request: TimeRequest) -> dict[str, str]:
        return {"id": str(time_request.learner_id), "name": time_request.learner.get_full_name()}


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "as", str, enum=["teacher", "learner"], description="Only one side's requests"
            )
        ]
    )
)
class TimeRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = TimeRequestSerializer
    filterset_fields = ["status"]
    ordering_fields = ["start", "created_at"]
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet[TimeRequest]:
        if getattr(self, "swagger_fake_view", False):
            return TimeRequest.objects.none()
        return time_requests_of(user_of(self.request), role=self.request.query_params.get("as"))

    def get_permissions(self) -> Sequence["_SupportsHasPermission"]:
        if self.action == "create":
            return [permissions.IsAuthenticated(), IsEmailVerified()]
        return super().get_permissions()

    def _answer(self, time_request: TimeRequest, code: int = status.HTTP_200_OK) -> Response:
        fresh = time_requests_of(user_of(self.request)).get(pk=time_request.pk)
        return Response(TimeRequestSerializer(fresh).data, status=code)

    @extend_schema(request=TimeRequestCreateSerializer, responses={201: TimeRequestSerializer})
    def create(self, request: Request) -> Response:
        """Asks the gig's teacher for a time outside their posted hours."""
        incoming = TimeRequestCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        time_request = services.request_time(
            learner=user_of(request),
            gig=data["gig"],
            start=data["start"],
            minutes=data["duration"],
            message=data["message"],
        )
        return self._answer(time_request, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: TimeRequestSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """The teacher accepts: the time is held for the learner to pay (409 if taken)."""
        time_request = services.accept(self.get_object().pk, by=user_of(request))
        return self._answer(time_request)

    @extend_schema(request=DeclineSerializer, responses={200: TimeRequestSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        incoming = DeclineSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        time_request = services.decline(
            self.get_object().pk, by=user_of(request), note=incoming.validated_data["note"]
        )
        return self._answer(time_request)

    @extend_schema(request=None, responses={200: TimeRequestSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        time_request = services.withdraw(self.get_object().pk, by=user_of(request))
        return self._answer(time_request)
