import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import private_storage


class Conversation(models.Model):
    """A 1:1 or group conversation. ``last_seq`` is the sequence number of its newest
    message; it is only ever increased under a row lock (services.send_message)."""

    class Kind(models.TextChoices):
        DIRECT = "direct", _("Direct")
        GROUP = "group", _("Group")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=120, blank=True)
    # For direct conversations: the two user ids, sorted, so that a pair has one conversation.
    direct_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_seq = models.PositiveBigIntegerField(default=0)
    # A second counter, for every change (new message, edit, delete): what ``resume``
    # compares to replay the edits and deletes a client missed (see Message.changed_event).
    last_event = models.PositiveBigIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-created_at"]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} {self.pk}"


class Participant(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_memberships"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    last_read_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"], name="messaging_participant_unique"
            )
        ]
        indexes = [models.Index(fields=["user", "conversation"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id}"


def attachment_path(instance: "Message", filename: str) -> str:
    # ``filename`` is ours (services.send_message: the sniffed type's extension); the
    # sender's name is kept in ``attachment_name`` for the download's Content-Disposition.
    return f"messaging/{instance.conversation_id}/{uuid.uuid4().hex}/{filename[-80:]}"


class Message(models.Model):
    class AttachmentKind(models.TextChoices):
        IMAGE = "image", _("Image")
        AUDIO = "audio", _("Audio note")
        FILE = "file", _("File")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    seq = models.PositiveBigIntegerField()
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The sender's own id for the message: resending with the same id is a no-op.
    client_id = models.CharField(max_length=64)
    # Fernet token (MultiFernet, see messaging.crypto); empty once the message is deleted.
    body_encrypted = models.TextField(blank=True)
    attachment = models.FileField(upload_to=attachment_path, storage=private_storage, blank=True)
    attachment_kind = models.CharField(max_length=10, choices=AttachmentKind.choices, blank=True)
    attachment_mime = models.CharField(max_length=100, blank=True)
    attachment_size = models.PositiveIntegerField(null=True, blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # The conversation's event counter when the message was sent, and at its last edit or
    # delete (null if never changed).
    created_event = models.PositiveBigIntegerField(default=0)
    changed_event = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="messaging_message_seq"),
            models.UniqueConstraint(
                fields=["conversation", "sender", "client_id"], name="messaging_message_client_id"
            ),
        ]
        indexes = [
            models.Index(
                fields=["conversation", "changed_event"],
                condition=Q(changed_event__isnull=False),
                name="messaging_message_changed",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.seq} in {self.conversation_id}"


class SearchToken(models.Model):
    """Blind index for search: a keyed HMAC of each normalised word of a message body.
    The database never holds the words, only tokens that equal words produce."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="search_tokens")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "token"], name="messaging_token_unique")
        ]
        indexes = [models.Index(fields=["token", "conversation"])]

    def __str__(self) -> str:
        return self.token


class Block(models.Model):
    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="messaging_block_unique"),
            models.CheckConstraint(
                condition=~Q(blocker=models.F("blocked")), name="messaging_block_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class Report(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    reported = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_received"
    )
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True)
    reason = models.TextField(max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    # What the moderator decided and why (kept for the reported user's record).
    resolution_note = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return f"Report on {self.reported_id} ({self.status})"


class MessagingPreferences(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messaging_preferences"
    )
    # Privacy: when off, others are not told when this user has read their messages.
    send_read_receipts = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"Messaging preferences of {self.user_id}"
