"""Sending notifications: ``notify(user, type, title, body, data)`` is what other apps call.

The notification is stored, then after commit: pushed live to the user's sockets, and
handed to Celery for email and mobile push, each only if the user's preferences allow it
and (for email and push) not during their quiet hours. With the daily digest on, email
waits for the digest.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from core import dispatch
from core.api.errors import ServiceError
from core.fanout import NOTIFICATIONS, send_to_users

from . import selectors
from .errors import (
    NotificationNotFound,
    UnknownNotificationType,
)
from .models import (
    Device,
    Notification,
    NotificationPreference,
    NotificationSettings,
    WebPushSubscription,
)
from .types import CHANNELS, EMAIL, IN_APP, PUSH, REGISTRY


def notification_event(notification: Notification) -> dict[str, Any]:
    return {
        "id": str(notification.id),
        "type": notification.type,
        "title": notification.title,
        "body": notification.body,
        "data": notification.data,
        "url": notification.url,
        "created_at": notification.created_at.isoformat(),
        "read": notification.read_at is not None,
    }


def notify(
    user: Any,
    type: str,
    title: str,
    body: str = "",
    data: dict[str, Any] | None = None,
    *,
    url: str = "",
    group: str = "",
) -> Notification | None:
    """Notifies ``user``. Returns the stored notification, or None when the user turned
    every channel of this type off.

    With ``group`` (e.g. ``"like:moment:12"``) an unread notification of the same type and
    group is updated in place ("Ana and 4 others liked your moment") and moved to the top
    instead of stacking a new one; only the first of a group goes out by email or push, so a
    popular moment does not buzz its author's phone for every like."""
    if type not in REGISTRY:
        raise UnknownNotificationType(f"Unknown notification type {type!r}.")
    channels = {c for c, on in selectors.preferences_of(user)[type].items() if on}
    if not channels:
        return None
    if group:
        data = {**(data or {}), "group": group}
        grouped = (
            Notification.objects.select_for_update()
            .filter(recipient=user, type=type, read_at__isnull=True, data__group=group)
            .first()
        )
        if grouped is not None:
            grouped.title, grouped.body, grouped.data = title[:200], body, data
            grouped.url, grouped.created_at = url, timezone.now()
            grouped.save(update_fields=["title", "body", "data", "url", "created_at"])
            transaction.on_commit(
                lambda: send_to_users(
                    NOTIFICATIONS,
                    [user.pk],
                    {
                        "type": "notification.new",
                        "notification": notification_event(grouped),
                        "unread_count": selectors.unread_count(user),
                    },
                )
            )
            return grouped
    notification = Notification.objects.create(
        recipient=user,
        type=type,
        title=title[:200],
        body=body,
        data=data or {},
        url=url,
        read_at=None if IN_APP in channels else timezone.now(),
    )
    user_settings = selectors.settings_of(user)
    quiet = selectors.in_quiet_hours(user_settings)

    def after_commit() -> None:
        if IN_APP in channels:
            send_to_users(
                NOTIFICATIONS,
                [user.pk],
                {
                    "type": "notification.new",
                    "notification": notification_event(notification),
                    "unread_count": selectors.unread_count(user),
                },
            )
        if EMAIL in channels and not quiet and not user_settings.daily_digest:
            dispatch.enqueue("notifications.send_notification_email", str(notification.pk))
        if PUSH in channels and not quiet:
            dispatch.enqueue("notifications.send_notification_push", str(notification.pk))

    transaction.on_commit(after_commit)
    return notification


def _announce_count(user: Any) -> None:
    count = selectors.unread_count(user)
    transaction.on_commit(
        lambda: send_to_users(NOTIFICATIONS, [user.pk], {"type": "unread_count", "count": count})
    )


def mark_read(user: Any, notification_id: Any) -> None:
    updated = Notification.objects.filter(
        recipient=user, pk=notification_id, read_at__isnull=True
    ).update(read_at=timezone.now())
    if not updated and not Notification.objects.filter(recipient=user, pk=notification_id).exists():
        raise NotificationNotFound()
    if updated:
        _announce_count(user)


def mark_all_read(user: Any) -> int:
    updated = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if updated:
        _announce_count(user)
    return updated


def set_preferences(user: Any, preferences: dict[str, dict[str, bool]]) -> None:
    for type_key, channels in preferences.items():
        if type_key not in REGISTRY:
            raise UnknownNotificationType(f"Unknown notification type {type_key!r}.")
        for channel, enabled in channels.items():
            if channel not in CHANNELS:
                raise ServiceError(f"Unknown channel {channel!r}.")
            NotificationPreference.objects.update_or_create(
                user=user, type=type_key, channel=channel, defaults={"enabled": bool(enabled)}
            )


def update_settings(user: Any, **fields: Any) -> NotificationSettings:
    user_settings, _ = NotificationSettings.objects.get_or_create(user=user)
    for name, value in fields.items():
        setattr(user_settings, name, value)
    user_settings.full_clean()
    user_settings.save()
    return user_settings


def register_device(user: Any, platform: str, token: str) -> Device:
    """A token moves to whoever registers it last (a phone changing hands)."""
    device, _ = Device.objects.update_or_create(
        platform=platform, token=token, defaults={"user": user, "active": True}
    )
    return device


def unregister_device(user: Any, token: str) -> int:
    deleted, _ = Device.objects.filter(user=user, token=token).delete()
    return deleted


def subscribe_web_push(
    user: Any, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> tuple[WebPushSubscription, bool]:
    """Keeps a browser's push subscription. An endpoint moves to whoever subscribes it last
    (a shared computer); the push service only accepts endpoints of the configured hosts
    (the server POSTs to this URL, so it must not be anything a user likes)."""
    _check_push_endpoint(endpoint)
    subscription, created = WebPushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"user": user, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:300]},
    )
    return subscription, created


def unsubscribe_web_push(user: Any, endpoint: str) -> int:
    deleted, _ = WebPushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted


def _check_push_endpoint(endpoint: str) -> None:
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    allowed = any(
        host == pattern or (pattern.startswith(".") and host.endswith(pattern))
        for pattern in (p.lower() for p in settings.WEB_PUSH_ENDPOINT_HOSTS)
    )
    if parts.scheme != "https" and not settings.DEBUG and host not in {"127.0.0.1", "localhost"}:
        allowed = False
    if not allowed:
        raise ValidationError({"endpoint": ["Not a push service this site sends to."]})
