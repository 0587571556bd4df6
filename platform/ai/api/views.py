from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.permissions import IsEmailVerified
from ai import feedback
from ai.services import Metered

from .serializers import (
    GrammarRequestSerializer,
    GrammarResponseSerializer,
    WritingRequestSerializer,
    WritingResponseSerializer,
)

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    description="Send the same key when retrying: the call is charged once.",
)


def with_usage(metered: Metered[dict[str, Any]]) -> dict[str, Any]:
    usage = metered.usage
    return {
        **metered.result,
        "usage": {"credits": f"{usage.credits:.2f}", "cached": usage.outcome == "cached"},
    }


class AIView(APIView):
    """AI endpoints spend credits: verified users only, and a stricter throttle."""

    permission_classes = [IsAuthenticated, IsEmailVerified]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "ai"


class GrammarCheckView(AIView):
    @extend_schema(
        request=GrammarRequestSerializer,
        responses=GrammarResponseSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        summary="Check grammar: corrected text and edits (also used for live suggestions)",
    )
    def post(self, request: Request) -> Response:
        serializer = GrammarRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        metered = feedback.check_grammar(
            request.user,
            serializer.validated_data["text"],
            serializer.validated_data["language"],
            client_key=request.headers.get("Idempotency-Key"),
        )
        return Response(with_usage(metered))


class WritingFeedbackView(AIView):
    @extend_schema(
        request=WritingRequestSerializer,
        responses=WritingResponseSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        summary="Score a piece of writing (by the LLM when configured, else offline heuristics)",
    )
    def post(self, request: Request) -> Response:
        serializer = WritingRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        metered = feedback.assess_writing(
            request.user,
            data["text"],
            data["task"],
            data["level"],
            data["language"],
            client_key=request.headers.get("Idempotency-Key"),
        )
        return Response(with_usage(metered))
