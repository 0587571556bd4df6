import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.timezones import is_time_zone

from .types import CHANNELS


def validate_time_zone(value: str) -> None:
    if value and not is_time_zone(value):
        raise ValidationError(_("Unknown time zone."))


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    type = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    pushed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} for {self.recipient_id}"


class NotificationSettings(models.Model):
    """Per user: quiet hours (no email or push; in-app still arrives) and the daily digest,
    both in the user's local time: the profile's time zone (accounts.Profile.time_zone),
    unless ``time_zone`` here overrides it (e.g. quiet hours kept at home while travelling)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        default="",
        validators=[validate_time_zone],
        help_text=_("Blank: the time zone of the user's profile."),
    )
    quiet_hours_start = models.TimeField(null=True, blank=True)
    quiet_hours_end = models.TimeField(null=True, blank=True)
    # With the digest on, emails are not sent one by one but once a day (DIGEST_HOUR local).
    daily_digest = models.BooleanField(default=False)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Notification settings of {self.user_id}"


class NotificationPreference(models.Model):
    """An explicit choice for one type on one channel; without a row the type's default
    applies (notifications.types)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    type = models.CharField(max_length=60)
    channel = models.CharField(max_length=10, choices=[(c, c) for c in CHANNELS])
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "type", "channel"], name="notification_preference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.type}/{self.channel}: {self.enabled}"


class Device(models.Model):
    class Platform(models.TextChoices):
        FCM = "fcm", "Firebase Cloud Messaging (Android, web)"
        APNS = "apns", "Apple Push Notification service (iOS)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="devices"
    )
    platform = models.CharField(max_length=10, choices=Platform.choices)
    token = models.CharField(max_length=400)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "token"], name="device_token_unique")
        ]

    def __str__(self) -> str:
        return f"{self.platform} device of {self.user_id}"


class WebPushSubscription(models.Model):
    """A browser's Push API subscription (the installed app or a tab): where to POST, and the
    keys its payloads are encrypted for (RFC 8291). Pruned when the push service answers
    404/410 (the browser unsubscribed or the subscription expired)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="web_push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Web Push subscription of {self.user_id}"
