import uuid
from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.dateparse import parse_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsEmailVerified
from accounts.requests import user_of

from .. import services
from ..models import PayoutRequest
from .serializers import PayoutRequestSerializer


class PayoutListCreateView(generics.ListCreateAPIView):
    serializer_class = PayoutRequestSerializer
    permission_classes = [permissions.IsAuthenticated, IsEmailVerified]
    filterset_fields = ["status", "currency"]

    def get_queryset(self) -> QuerySet[PayoutRequest]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return PayoutRequest.objects.none()
        return PayoutRequest.objects.filter(payee=user_of(self.request)).order_by("-requested_at")

    @extend_schema(
        parameters=[OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER)],
        summary="Ask for a payout of earnings",
    )
    def post(self, request: Request) -> Response:
        serializer = PayoutRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Without a client key every request is its own payout.
        key = request.headers.get("Idempotency-Key") or uuid.uuid4().hex
        payout = services.request_payout(
            user_of(request),
            idempotency_key=f"api:{user_of(request).pk}:{key}"[:200],
            **serializer.validated_data,
        )
        return Response(PayoutRequestSerializer(payout).data, status=status.HTTP_201_CREATED)


class StatementView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Exclusive"),
        ],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
        summary="Earnings statement as CSV",
    )
    def get(self, request: Request) -> HttpResponse:
        from datetime import UTC, time

        def bound(name: str) -> datetime | None:
            day = parse_date(request.query_params.get(name, "") or "")
            return datetime.combine(day, time.min, tzinfo=UTC) if day else None

        body = services.statement_csv(user_of(request), bound("from"), bound("to"))
        response = HttpResponse(body, content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="earnings-statement.csv"'
        return response
