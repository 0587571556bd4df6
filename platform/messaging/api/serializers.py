from typing import Any, cast

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import BoundedListField

from ..models import Block, Conversation, Report
from ..services import message_event

User = get_user_model()


class UserSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user: Any) -> str:
        return user.get_full_name() or user.email.split("@")[0]


class PersonSerializer(serializers.Serializer):
    """Someone found by name to start a chat with: nothing but the id and the name."""

    id = serializers.UUIDField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user: Any) -> str:
        return str(user.get_full_name())


class ChatConversationSerializer(serializers.ModelSerializer):
    participants = serializers.SerializerMethodField()
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Conversation
        fields = [
            "id",
            "kind",
            "title",
            "created_at",
            "last_seq",
            "last_message_at",
            "participants",
            "unread",
        ]

    @extend_schema_field(UserSummarySerializer(many=True))
    def get_participants(self, conversation: Conversation) -> list[dict[str, Any]]:
        users = [p.user for p in conversation.participants.all()]
        # many=True: DRF's __new__ makes a ListSerializer, whose data is a list (a ReturnList).
        return cast(list[dict[str, Any]], UserSummarySerializer(users, many=True).data)

    def get_unread(self, conversation: Conversation) -> int:
        last_read = getattr(conversation, "my_last_read_seq", None)
        if last_read is None:
            user = self.context["request"].user
            last_read = next(
                (p.last_read_seq for p in conversation.participants.all() if p.user_id == user.pk),
                0,
            )
        return max(0, conversation.last_seq - last_read)


class ChatConversationCreateSerializer(serializers.Serializer):
    participants = BoundedListField(child=serializers.UUIDField(), min_length=1, max_length=100)
    title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")

    def validate_participants(self, value: list[Any]) -> list[Any]:
        users = list(User.objects.filter(pk__in=value, is_active=True))
        if len(users) != len(set(value)):
            raise serializers.ValidationError("Some of these people do not exist.")
        return users


class AttachmentSerializer(serializers.Serializer):
    kind = serializers.CharField()
    mime = serializers.CharField()
    size = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField()


class MessageSerializer(serializers.Serializer):
    """A message as on the socket (messaging.services.message_event)."""

    id = serializers.UUIDField(read_only=True)
    conversation = serializers.UUIDField(read_only=True)
    seq = serializers.IntegerField(read_only=True)
    sender = serializers.UUIDField(read_only=True, allow_null=True)
    client_id = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    attachment = AttachmentSerializer(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    edited_at = serializers.DateTimeField(read_only=True, allow_null=True)
    deleted = serializers.BooleanField(read_only=True)
    hidden = serializers.BooleanField(
        read_only=True, help_text="The sender is someone you blocked (groups): no content."
    )
    event = serializers.IntegerField(
        read_only=True, help_text="The conversation's event number at this version."
    )

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return message_event(instance)


class MessageCreateSerializer(serializers.Serializer):
    client_id = serializers.CharField(max_length=64)
    body = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=True)
    attachment = serializers.FileField(required=False)


class MessageEditSerializer(serializers.Serializer):
    body = serializers.CharField()


class ReadSerializer(serializers.Serializer):
    seq = serializers.IntegerField(min_value=0)


class BlockSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(
        source="blocked", queryset=User.objects.filter(is_active=True)
    )

    class Meta:
        model = Block
        fields = ["user", "created_at"]
        read_only_fields = ["created_at"]


class ReportSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(source="reported", queryset=User.objects.all())
    message = serializers.UUIDField(required=False, allow_null=True)

    class Meta:
        model = Report
        fields = ["id", "user", "message", "reason", "status", "created_at"]
        read_only_fields = ["id", "status", "created_at"]


class MessagingPreferencesSerializer(serializers.Serializer):
    send_read_receipts = serializers.BooleanField()


class PresenceSerializer(serializers.Serializer):
    user = serializers.UUIDField()
    online = serializers.BooleanField()
    last_seen = serializers.DateTimeField(allow_null=True)
