from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework import serializers

from core.api.fields import LanguageCodeField

from ..models import Attendance, Recording, Room

User = get_user_model()


class RoomSerializer(serializers.ModelSerializer):
    present = serializers.IntegerField(read_only=True, required=False)
    host_name = serializers.SerializerMethodField()
    socket = serializers.SerializerMethodField()

    class Meta:
        model = Room
        fields = [
            "id",
            "kind",
            "topic",
            "language",
            "level",
            "host",
            "host_name",
            "capacity",
            "starts_at",
            "created_at",
            "ended_at",
            "present",
            "socket",
        ]
        read_only_fields = fields

    def get_host_name(self, room: Room) -> str:
        return room.host.get_full_name() or room.host.email.split("@")[0]

    def get_socket(self, room: Room) -> str:
        return f"/ws/rooms/{room.pk}/"


class VoiceRoomCreateSerializer(serializers.Serializer):
    topic = serializers.CharField(max_length=200)
    language = LanguageCodeField(max_length=12)
    # A CEFR level (A1-C2) or blank; a plain string so the schema has one CEFR enum only.
    level = serializers.RegexField(r"^(|[ABC][12])$", required=False, default="")
    capacity = serializers.IntegerField(min_value=2, max_value=50, required=False)


class CallCreateSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))


class IceServerSerializer(serializers.Serializer):
    urls = serializers.ListField(child=serializers.CharField())
    username = serializers.CharField(required=False)
    credential = serializers.CharField(required=False)


class AttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["user", "joined_at", "left_at"]


def recording_url(recording: Recording) -> str:
    return reverse(
        "room-recording-file",
        kwargs={"room_id": recording.room_id, "recording_id": recording.pk},
    )


class RecordingSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Recording
        fields = ["id", "mime", "size", "created_at", "consented_user_ids", "url"]

    def get_url(self, recording: Recording) -> str:
        """The permission-checked file view (the file has no public URL)."""
        return recording_url(recording)


class RecordingUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
