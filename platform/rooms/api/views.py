from typing import Any

from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsEmailVerified
from core.downloads import PrivateFile, serve_private_file

from .. import selectors, services
from ..models import Attendance
from . import serializers

ROOM_PERMISSIONS = [IsAuthenticated, IsEmailVerified]


class VoiceRoomListView(generics.ListCreateAPIView):
    """The voice room directory (open public rooms, ``?language=``), and opening one."""

    permission_classes = ROOM_PERMISSIONS
    serializer_class = serializers.RoomSerializer
    filterset_fields = ["language", "level"]

    def get_queryset(self) -> Any:
        return selectors.voice_directory()

    @extend_schema(
        request=serializers.VoiceRoomCreateSerializer, responses={201: serializers.RoomSerializer}
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = serializers.VoiceRoomCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        room = services.create_voice_room(request.user, **data.validated_data)
        return Response(serializers.RoomSerializer(room).data, status=status.HTTP_201_CREATED)


class CallCreateView(APIView):
    """A private 1:1 call with someone; only the two of them can join its socket."""

    permission_classes = ROOM_PERMISSIONS

    @extend_schema(
        request=serializers.CallCreateSerializer, responses={201: serializers.RoomSerializer}
    )
    def post(self, request: Request) -> Response:
        data = serializers.CallCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        room = services.start_call(request.user, data.validated_data["user"])
        return Response(serializers.RoomSerializer(room).data, status=status.HTTP_201_CREATED)


class RoomDetailView(generics.RetrieveAPIView):
    permission_classes = ROOM_PERMISSIONS
    serializer_class = serializers.RoomSerializer

    def get_object(self) -> Any:
        return selectors.room_for(self.request.user, self.kwargs["room_id"])


class IceServersView(APIView):
    permission_classes = ROOM_PERMISSIONS

    @extend_schema(responses=serializers.IceServerSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(selectors.ice_servers(request.user))


class AttendanceView(generics.ListAPIView):
    """Who was in the room from when to when: for the host or teacher only."""

    permission_classes = ROOM_PERMISSIONS
    serializer_class = serializers.AttendanceSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        room = selectors.room_for(self.request.user, self.kwargs["room_id"])
        selectors.require_host(room, self.request.user)
        return Attendance.objects.filter(room=room).order_by("joined_at")


class RecordingListView(generics.ListCreateAPIView):
    """Recordings of a room, for its members to play back; the host uploads one once
    everyone present agreed to be recorded."""

    permission_classes = ROOM_PERMISSIONS
    serializer_class = serializers.RecordingSerializer
    parser_classes = [MultiPartParser]
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        selectors.room_for(self.request.user, self.kwargs["room_id"])  # 404 for strangers
        return selectors.recordings_for(self.request.user, self.kwargs["room_id"])

    @extend_schema(
        request={"multipart/form-data": serializers.RecordingUploadSerializer},
        responses={201: serializers.RecordingSerializer},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = serializers.RecordingUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        recording = services.save_recording(
            request.user, self.kwargs["room_id"], data.validated_data["file"]
        )
        return Response(
            serializers.RecordingSerializer(recording, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class RecordingFileView(APIView):
    """The recording itself, streamed to the room's participants only (404 for anyone else:
    whether a recording exists is not told). Files sit in the "private" storage, which the
    web server does not serve."""

    permission_classes = ROOM_PERMISSIONS

    @extend_schema(
        responses={
            (200, "video/webm"): OpenApiTypes.BINARY,
            302: OpenApiResponse(description="A short-lived signed URL (remote storage)"),
        }
    )
    def get(self, request: Request, room_id: Any, recording_id: Any) -> HttpResponseBase:
        recording = selectors.recording_for(request.user, room_id, recording_id)
        name = (recording.file.name or "").rsplit("/", 1)[-1]
        return serve_private_file(request, PrivateFile(recording.file, recording.mime, name))
