from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.requests import user_of

from .. import selectors, services
from ..models import Dispute, RefundRequest
from .serializers import (
    DisputeSerializer,
    EvidenceCreateSerializer,
    RefundRequestCreateSerializer,
    RefundRequestSerializer,
    ReportProblemSerializer,
)


class RefundRequestListView(generics.ListCreateAPIView):
    """My refund requests; filing one (JSON, or multipart with evidence files)."""

    serializer_class = RefundRequestSerializer
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = ["status"]

    def get_queryset(self) -> QuerySet[RefundRequest]:
        if getattr(self, "swagger_fake_view", False):
            return RefundRequest.objects.none()
        return selectors.refund_requests_of(user_of(self.request))

    @extend_schema(summary="My refund requests, newest first")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={
            "application/json": RefundRequestCreateSerializer,
            "multipart/form-data": RefundRequestCreateSerializer,
        },
        responses={201: RefundRequestSerializer},
        summary="Request a refund of one of my payments",
        description="The refund policy in force approves some requests at once (the refund "
        "is then made); the rest wait for the finance team, who decide and tell you.",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = RefundRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        refund_request = services.request_refund(
            user_of(request),
            payment_id=data["payment"],
            reason=data["reason"],
            details=data["details"],
            files=data["evidence"],
        )
        body = RefundRequestSerializer(refund_request, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class DisputeListView(generics.ListCreateAPIView):
    """Disputes about my payments, or about lessons and stays I was paid for; reporting a
    problem with one of my payments opens one."""

    serializer_class = DisputeSerializer
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = ["status", "source"]

    def get_queryset(self) -> QuerySet[Dispute]:
        if getattr(self, "swagger_fake_view", False):
            return Dispute.objects.none()
        return selectors.disputes_of(user_of(self.request))

    @extend_schema(summary="Disputes I am a side of (as the learner or the teacher/vendor)")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={
            "application/json": ReportProblemSerializer,
            "multipart/form-data": ReportProblemSerializer,
        },
        responses={201: DisputeSerializer},
        summary="Report a problem with one of my payments (a lesson, seat, package or stay)",
        description="Opens a complaint (or adds to the one already open about that payment): "
        "the teacher or vendor is told, both sides answer with evidence, and the finance team "
        "decides. A lesson waiting for your confirmation is held until then.",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ReportProblemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        dispute = services.report_problem(
            user_of(request),
            payment_id=data["payment"],
            reason=data["reason"],
            files=data["evidence"],
        )
        body = DisputeSerializer(dispute, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class DisputeEvidenceView(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = EvidenceCreateSerializer

    @extend_schema(
        request={
            "application/json": EvidenceCreateSerializer,
            "multipart/form-data": EvidenceCreateSerializer,
        },
        responses={201: DisputeSerializer},
        summary="Answer a dispute with text and files (either side, while it is open)",
    )
    def post(self, request: Request, pk: str) -> Response:
        serializer = EvidenceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dispute = services.add_dispute_evidence(
            user_of(request),
            pk,
            text=serializer.validated_data["text"],
            files=serializer.validated_data["evidence"],
        )
        body = DisputeSerializer(dispute, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)
