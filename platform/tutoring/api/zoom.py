"""``POST /zoom/webhook/``: Zoom's event notifications for lessons held on Zoom."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..services import zoom_webhooks


class ZoomWebhookView(APIView):
    # Zoom calls this without a session or token: the signature is the authentication, and
    # CSRF does not apply to a request that carries no credentials.
    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes: list[type] = []

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        answer = zoom_webhooks.receive(
            request.body,
            request.headers.get("x-zm-request-timestamp"),
            request.headers.get("x-zm-signature"),
        )
        return Response(answer)
