import uuid

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import private_storage as core_private_storage


class Room(models.Model):
    """A place people talk: a private 1:1 call, a public voice room, or a classroom."""

    class Kind(models.TextChoices):
        CALL = "call", _("Private call")
        VOICE = "voice", _("Voice room")
        CLASSROOM = "classroom", _("Classroom")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    topic = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=12, blank=True)
    level = models.CharField(max_length=2, blank=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hosted_rooms"
    )
    capacity = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Classroom board and pad, kept in sync over the socket and stored for late joiners.
    whiteboard = models.JSONField(default=list, blank=True)
    pad_text = models.TextField(blank=True)
    pad_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "ended_at"])]

    def __str__(self) -> str:
        return self.topic or f"{self.get_kind_display()} {self.pk}"


class Member(models.Model):
    """Who may be in a room and as what. Calls and classrooms list everyone allowed in;
    voice rooms add listeners as they join."""

    class Role(models.TextChoices):
        HOST = "host", _("Host")
        SPEAKER = "speaker", _("Speaker")
        LISTENER = "listener", _("Listener")
        TEACHER = "teacher", _("Teacher")
        LEARNER = "learner", _("Learner")
        CALLER = "caller", _("Caller")
        CALLEE = "callee", _("Callee")

    class State(models.TextChoices):
        INVITED = "invited", _("Invited")
        WAITING = "waiting", _("In the waiting room")
        ADMITTED = "admitted", _("Admitted")
        REMOVED = "removed", _("Removed")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ADMITTED)
    hand_raised = models.BooleanField(default=False)
    muted = models.BooleanField(default=False)
    recording_consent = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="rooms_member_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.role}) in {self.room_id}"


class Attendance(models.Model):
    """One socket's stay in a room, from join to leave: what billing and overlap use.
    ``peer_id`` and ``channel_name`` address the socket for signalling relays."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    # Refreshed by the socket's heartbeat: a row left open by a dead server stops being
    # refreshed, and the stale-attendance sweep closes it at this time.
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["joined_at"]
        indexes = [
            models.Index(fields=["room", "left_at"]),
            models.Index(fields=["room", "user"]),
            models.Index(
                fields=["last_seen_at"],
                condition=models.Q(left_at__isnull=True),
                name="rooms_attendance_open_seen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.room_id} from {self.joined_at}"


def recording_path(instance: "Recording", filename: str) -> str:
    # ``filename`` is ours (services.save_recording: the sniffed type's extension).
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "webm"
    return f"rooms/{instance.room_id}/recordings/{uuid.uuid4().hex}.{extension}"


def private_storage() -> Storage:
    """Recordings live in the "private" storage: never served by the web server, only by
    the permission-checked view (rooms.api.views.RecordingFileView). Kept here because
    migrations name it; core.uploads.private_storage is the same storage."""
    return core_private_storage()


class Recording(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="recordings")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(upload_to=recording_path, storage=private_storage)
    mime = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    # The people who agreed to be recorded, as they were when recording started.
    consented_user_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Recording of {self.room_id}"


class MatchRequest(models.Model):
    """A learner waiting for a random 1:1 partner (same target language and level)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        MATCHED = "matched", _("Matched")
        EXPIRED = "expired", _("No partner found")
        CANCELLED = "cancelled", _("Cancelled")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=12)
    level = models.CharField(max_length=2)
    channel_name = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    room = models.ForeignKey(
        Room, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["language", "level", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} looking for {self.language}/{self.level}"
