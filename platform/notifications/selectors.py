"""Reads on notifications. A user only ever sees their own."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import (
    Notification,
    NotificationPreference,
    NotificationSettings,
    WebPushSubscription,
)
from .types import CHANNELS, REGISTRY


def notifications_of(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def with_unread(recipient_ids: list[Any], type: str, **data: str) -> set[Any]:
    """Those of ``recipient_ids`` who have an unread notification of ``type`` whose data
    holds ``data`` (e.g. the same conversation): they've been told already."""
    lookups = {f"data__{key}": value for key, value in data.items()}
    return set(
        Notification.objects.filter(
            recipient_id__in=recipient_ids, type=type, read_at__isnull=True, **lookups
        ).values_list("recipient_id", flat=True)
    )


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def settings_of(user: Any) -> NotificationSettings:
    found = NotificationSettings.objects.filter(user=user).first()
    return found or NotificationSettings(user=user)


def preferences_of(user: Any) -> dict[str, dict[str, bool]]:
    """type → channel → enabled, defaults filled in from the registry."""
    result = {
        key: {channel: channel in kind.default_channels for channel in CHANNELS}
        for key, kind in REGISTRY.items()
    }
    for preference in NotificationPreference.objects.filter(user=user):
        if preference.type in result:
            result[preference.type][preference.channel] = preference.enabled
    return result


def local_zone(
    user_settings: NotificationSettings, profile_zone: str | None = None
) -> zoneinfo.ZoneInfo:
    """The zone quiet hours and the digest use: the settings' own override, else the
    profile's time zone (``profile_zone`` when the caller already read it), else UTC."""
    name = user_settings.time_zone or profile_zone
    if not name:
        from accounts.models import Profile

        name = (
            Profile.objects.filter(user_id=user_settings.user_id)
            .values_list("time_zone", flat=True)
            .first()
        ) or "UTC"
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def in_quiet_hours(user_settings: NotificationSettings, now: dt.datetime | None = None) -> bool:
    start, end = user_settings.quiet_hours_start, user_settings.quiet_hours_end
    if start is None or end is None or start == end:
        return False
    local = (now or timezone.now()).astimezone(local_zone(user_settings)).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end  # across midnight, e.g. 22:00-07:00


def web_push_subscriptions_of(user: Any) -> QuerySet[WebPushSubscription]:
    return WebPushSubscription.objects.filter(user=user)
