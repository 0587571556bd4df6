from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.requests import user_of

from .. import selectors
from ..models import CreditPackage, Entry, Plan
from .filters import TransactionFilter
from .serializers import (
    CreditPackageSerializer,
    PlanSerializer,
    TransactionSerializer,
    WalletSerializer,
)


class WalletView(generics.GenericAPIView):
    serializer_class = WalletSerializer

    @extend_schema(summary="The signed-in user's credits, allowance, plan and earnings")
    def get(self, request: Request) -> Response:
        return Response(WalletSerializer(selectors.wallet_summary(user_of(request))).data)


class TransactionListView(generics.ListAPIView):
    serializer_class = TransactionSerializer
    filterset_class = TransactionFilter
    ordering_fields = ["created_at"]

    def get_queryset(self) -> QuerySet[Entry]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Entry.objects.none()
        return selectors.transactions_for(user_of(self.request))


class CreditPackageListView(generics.ListAPIView):
    serializer_class = CreditPackageSerializer
    permission_classes = [permissions.AllowAny]
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[CreditPackage]:
        return selectors.active_packages()


class PlanListView(generics.ListAPIView):
    serializer_class = PlanSerializer
    permission_classes = [permissions.AllowAny]
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Plan]:
        return selectors.active_plans()
