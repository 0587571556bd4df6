from typing import Any

from django.http import HttpResponseBase
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import IsEmailVerified
from accounts.requests import user_of
from core.api.pagination import CursorPagination
from core.api.parsers import JSONParser
from core.downloads import PrivateFile, serve_private_file

from .. import presence, selectors, services
from ..models import Block, Message
from . import serializers

MESSAGING_PERMISSIONS = [IsAuthenticated, IsEmailVerified]


class MessageCursorPagination(CursorPagination):
    """Newest first for history; oldest first from ``?after=<seq>`` (catching up)."""

    ordering = "-seq"
    page_size = 50

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        return ("seq",) if request.query_params.get("after") else ("-seq",)


class ConversationListView(generics.ListCreateAPIView):
    permission_classes = MESSAGING_PERMISSIONS
    serializer_class = serializers.ChatConversationSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.conversations_of(user_of(self.request))

    @extend_schema(
        request=serializers.ChatConversationCreateSerializer,
        responses={
            201: serializers.ChatConversationSerializer,
            200: serializers.ChatConversationSerializer,
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = serializers.ChatConversationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        conversation, created = services.start_conversation(
            user_of(request),
            data.validated_data["participants"],
            title=data.validated_data["title"],
        )
        conversation = selectors.conversations_of(user_of(request)).get(pk=conversation.pk)
        return Response(
            self.get_serializer(conversation).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ConversationDetailView(generics.RetrieveAPIView):
    permission_classes = MESSAGING_PERMISSIONS
    serializer_class = serializers.ChatConversationSerializer

    def get_object(self) -> Any:
        return get_object_or_404(
            selectors.conversations_of(user_of(self.request)), pk=self.kwargs["conversation_id"]
        )


class MessageListView(generics.ListCreateAPIView):
    permission_classes = MESSAGING_PERMISSIONS
    serializer_class = serializers.MessageSerializer
    pagination_class = MessageCursorPagination
    filter_backends: list[Any] = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> Any:
        queryset = selectors.visible_messages(user_of(self.request), self.kwargs["conversation_id"])
        after = self.request.query_params.get("after")
        if after:
            try:
                queryset = queryset.filter(seq__gt=int(after))
            except ValueError as exc:
                raise ValidationError({"after": ["A sequence number."]}) from exc
        return queryset

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "after", OpenApiTypes.INT, description="Only messages after this seq, oldest first."
            )
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={
            "application/json": serializers.MessageCreateSerializer,
            "multipart/form-data": serializers.MessageCreateSerializer,
        },
        responses={201: serializers.MessageSerializer, 200: serializers.MessageSerializer},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Sends a message without a socket (same idempotency on client_id: 200 on a repeat)."""
        data = serializers.MessageCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.send_message(
            user_of(request),
            self.kwargs["conversation_id"],
            client_id=data.validated_data["client_id"],
            body=data.validated_data["body"],
            attachment=data.validated_data.get("attachment"),
        )
        return Response(
            services.message_event(result.message, result.body),
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class MessageDetailView(APIView):
    permission_classes = MESSAGING_PERMISSIONS

    @extend_schema(
        request=serializers.MessageEditSerializer, responses=serializers.MessageSerializer
    )
    def patch(self, request: Request, conversation_id: Any, message_id: Any) -> Response:
        data = serializers.MessageEditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.edit_message(
            user_of(request), conversation_id, message_id, data.validated_data["body"]
        )
        return Response(services.message_event(message))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, conversation_id: Any, message_id: Any) -> Response:
        services.delete_message(user_of(request), conversation_id, message_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttachmentView(APIView):
    permission_classes = MESSAGING_PERMISSIONS

    """A message's attachment, for the conversation's members only (404 for anyone else):
    images and audio notes inline, other files to download, always as the sniffed type."""

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            302: OpenApiResponse(description="A short-lived signed URL (remote storage)"),
        }
    )
    def get(self, request: Request, conversation_id: Any, message_id: Any) -> HttpResponseBase:
        message = get_object_or_404(
            selectors.visible_messages(user_of(request), conversation_id)
            .exclude(attachment="")
            .filter(hidden=False),
            pk=message_id,
            deleted_at__isnull=True,
        )
        item = PrivateFile(
            message.attachment,
            message.attachment_mime,
            message.attachment_name,
            inline=message.attachment_kind != Message.AttachmentKind.FILE,
        )
        return serve_private_file(request, item)


class ReadView(APIView):
    permission_classes = MESSAGING_PERMISSIONS

    @extend_schema(request=serializers.ReadSerializer, responses=serializers.ReadSerializer)
    def post(self, request: Request, conversation_id: Any) -> Response:
        data = serializers.ReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        seq = services.mark_read(user_of(request), conversation_id, data.validated_data["seq"])
        return Response({"seq": seq})


class SearchView(generics.ListAPIView):
    """Whole-word search (case and accents ignored) over the caller's conversations, newest
    first, at most 50 results: see messaging.crypto for how it searches encrypted bodies."""

    permission_classes = MESSAGING_PERMISSIONS
    serializer_class = serializers.MessageSerializer
    pagination_class = None
    filter_backends: list[Any] = []

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True),
            OpenApiParameter("conversation", OpenApiTypes.UUID),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        query = self.request.query_params.get("q", "").strip()
        if not query:
            raise ValidationError({"q": ["Type something to search for."]})
        return selectors.search_messages(
            user_of(self.request), query, self.request.query_params.get("conversation") or None
        )


class BlockListView(generics.ListCreateAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = serializers.BlockSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return Block.objects.filter(blocker=user_of(self.request)).order_by("-created_at")

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.block_user(
            user_of(self.request), serializer.validated_data["blocked"]
        )


class BlockDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request: Request, user_id: Any) -> Response:
        services.unblock_user(user_of(request), user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReportCreateView(generics.CreateAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = serializers.ReportSerializer

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = services.report_user(
            user_of(self.request), data["reported"], data["reason"], data.get("message")
        )


class PreferencesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=serializers.MessagingPreferencesSerializer)
    def get(self, request: Request) -> Response:
        return Response({"send_read_receipts": selectors.sends_read_receipts(user_of(request))})

    @extend_schema(
        request=serializers.MessagingPreferencesSerializer,
        responses=serializers.MessagingPreferencesSerializer,
    )
    def put(self, request: Request) -> Response:
        data = serializers.MessagingPreferencesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        preferences = services.set_preferences(user_of(request), **data.validated_data)
        return Response({"send_read_receipts": preferences.send_read_receipts})


class PresenceView(APIView):
    """Online status and last seen of the caller's contacts (people they share a
    conversation with); nobody else's."""

    permission_classes = MESSAGING_PERMISSIONS

    @extend_schema(responses=serializers.PresenceSerializer(many=True))
    def get(self, request: Request) -> Response:
        contacts = sorted(selectors.contact_ids(request.user.pk), key=str)
        statuses = presence.status_of(contacts)
        return Response([{"user": user_id, **status_} for user_id, status_ in statuses.items()])


class PeopleSearchView(generics.ListAPIView):
    """GET /people/?q=<name>: people to start a chat with, by name (paginated). See
    ``selectors.find_people`` for who can be found."""

    permission_classes = MESSAGING_PERMISSIONS
    serializer_class = serializers.PersonSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="Words of the name")]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        return selectors.find_people(user_of(self.request), self.request.query_params.get("q", ""))
