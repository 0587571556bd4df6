"""GET /api/v1/legal/ and POST /api/v1/legal/accept/ (cms.site.legal)."""

from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import legal
from .models import LegalDocument


class LegalDocumentSerializer(serializers.Serializer):
    document = serializers.CharField(help_text="terms, privacy or cookies.")
    title = serializers.CharField()
    version = serializers.IntegerField(help_text="What acceptance is recorded against.")
    url = serializers.CharField(help_text="The document's page on the website.")
    effective_date = serializers.DateField()
    accepted = serializers.BooleanField(
        allow_null=True,
        help_text="Whether the signed-in user accepted this version; null when signed out.",
    )


class LegalListSerializer(serializers.Serializer):
    documents = LegalDocumentSerializer(many=True)
    all_accepted = serializers.BooleanField(allow_null=True)


class AcceptSerializer(serializers.Serializer):
    documents = serializers.ListField(
        child=serializers.ChoiceField(choices=LegalDocument.choices),
        required=False,
        help_text="Which documents to accept (their current versions); all when left out.",
    )


def _answer(request: Request) -> Response:
    documents = legal.documents_for(request.user)
    signed_in = request.user.is_authenticated
    return Response(
        {
            "documents": documents,
            "all_accepted": all(d["accepted"] for d in documents) if signed_in else None,
        }
    )


class LegalView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="The current legal documents and whether the signed-in user accepted them",
        description="Until every current version is accepted, other endpoints answer 409 "
        "`terms_not_accepted` with the documents to accept.",
        responses=LegalListSerializer,
    )
    def get(self, request: Request) -> Response:
        return _answer(request)


class AcceptLegalView(APIView):
    @extend_schema(
        summary="Accept the current versions of the legal documents",
        request=AcceptSerializer,
        responses=LegalListSerializer,
        examples=[OpenApiExample("Everything", value={})],
    )
    def post(self, request: Request) -> Response:
        data = AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        legal.accept(request.user, data.validated_data.get("documents"))
        return _answer(request)


urlpatterns = [
    path("legal/", LegalView.as_view(), name="legal"),
    path("legal/accept/", AcceptLegalView.as_view(), name="legal-accept"),
]
