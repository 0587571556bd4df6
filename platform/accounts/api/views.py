from typing import Any
from uuid import UUID

from django.contrib.auth import logout
from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from core.api.schema import ErrorSerializer

from .. import selectors, services
from ..downloads import serve_certificate
from ..models import TeacherCertificate
from ..requests import user_of
from .serializers import (
    AvatarSerializer,
    AvatarUploadSerializer,
    CertificateSerializer,
    MeSerializer,
    OwnRoleSerializer,
    PublicUserSerializer,
    avatar_urls,
)


class MeView(APIView):
    """The signed-in person's account and profile."""

    serializer_class = MeSerializer

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        profile = selectors.own_profile(user_of(request))
        return Response(MeSerializer(profile, context={"request": request}).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        profile = selectors.own_profile(user_of(request))
        serializer = MeSerializer(
            profile, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        serializer.save()
        fresh = selectors.own_profile(user_of(request))
        return Response(MeSerializer(fresh, context={"request": request}).data)

    @extend_schema(
        responses={
            204: OpenApiResponse(description="Deactivated and anonymised."),
            409: OpenApiResponse(
                ErrorSerializer,
                description=(
                    "Money is still owed to the person: `payout_pending` (a bank-transfer "
                    "payout awaits payment) or `earnings_unpaid` (earnings not yet asked "
                    "for). The message says what to do; delete again once it is paid."
                ),
            ),
        },
        description=(
            "Deletes the account: it is deactivated at once (every token and session stops "
            "working) and everything personal is erased. Records the law requires us to keep, "
            "such as invoices, stay attached to the anonymised account. Upcoming lessons are "
            "cancelled first: as a learner, refunded in full; as a teacher, every learner "
            "refunded in full; held bookings released; the other side is notified."
        ),
    )
    def delete(self, request: Request) -> Response:
        services.delete_account(user_of(request))
        if hasattr(request, "session"):
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyAvatarView(APIView):
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = AvatarUploadSerializer

    @extend_schema(request=AvatarUploadSerializer, responses={201: AvatarSerializer})
    def post(self, request: Request) -> Response:
        serializer = AvatarUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = services.set_avatar(user_of(request), serializer.validated_data["avatar"])
        return Response(avatar_urls(profile, request), status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def delete(self, request: Request) -> Response:
        services.remove_avatar(user_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyDataExportView(APIView):
    @extend_schema(
        responses={200: OpenApiResponse(description="All personal data as JSON.")},
    )
    def get(self, request: Request) -> Response:
        data = selectors.export_personal_data(user_of(request))
        return Response(
            data, headers={"Content-Disposition": 'attachment; filename="toto-my-data.json"'}
        )


class PublicUserView(APIView):
    serializer_class = PublicUserSerializer

    @extend_schema(responses=PublicUserSerializer)
    def get(self, request: Request, user_id: UUID) -> Response:
        profile = selectors.public_profile(user_id)
        return Response(PublicUserSerializer(profile, context={"request": request}).data)


class MyCertificatesView(generics.ListCreateAPIView):
    """A teacher's certificates; new ones wait for a moderator's verification."""

    serializer_class = CertificateSerializer
    parser_classes = [MultiPartParser, FormParser]
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return TeacherCertificate.objects.none()
        return selectors.certificates_of(user_of(self.request))

    def perform_create(self, serializer: BaseSerializer[TeacherCertificate]) -> None:
        serializer.instance = services.add_certificate(
            user_of(self.request),
            title=serializer.validated_data["title"],
            upload=serializer.validated_data["file"],
        )


class MyCertificateFileView(APIView):
    """A certificate's file, for the teacher who uploaded it and for moderators; 404 for
    anyone else."""

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            302: OpenApiResponse(description="A short-lived signed URL (remote storage)"),
        }
    )
    def get(self, request: Request, pk: UUID) -> HttpResponseBase:
        certificate = selectors.certificate_file_for(user_of(request), pk)
        return serve_certificate(request, certificate)


class MyRolesView(APIView):
    serializer_class = OwnRoleSerializer

    @extend_schema(
        request=OwnRoleSerializer,
        responses={201: MeSerializer},
        description="Take on the student or teacher role (a learner who starts teaching).",
    )
    def post(self, request: Request) -> Response:
        from ..roles import Role

        serializer = OwnRoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.add_own_role(user_of(request), Role(serializer.validated_data["role"]))
        profile = selectors.own_profile(user_of(request))
        return Response(
            MeSerializer(profile, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )
