from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from accounts.requests import user_of

from .. import services
from ..models import Referral
from .serializers import ReferralSerializer


class ReferralListView(generics.ListAPIView):
    """My referral code, share link, and the people who joined with it."""

    serializer_class = ReferralSerializer
    filterset_fields = ["status"]

    def get_queryset(self) -> QuerySet[Referral]:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Referral.objects.none()
        return Referral.objects.filter(referrer=user_of(self.request)).select_related("referred")

    @extend_schema(summary="My referral code and share link, with the referrals it brought")
    def list(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        code = services.code_for(user_of(request))
        response.data = {
            "code": code.code,
            "share_link": request.build_absolute_uri(f"/r/{code.code}/"),
            **response.data,
        }
        return response
