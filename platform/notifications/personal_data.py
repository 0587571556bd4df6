"""The person's notifications data: export, and erasure on account deletion (everything is
deleted: notifications, settings, per-type choices and push device tokens and Web Push subscriptions)."""

from typing import Any

from accounts.exporting import iso
from accounts.models import User

from .models import (
    Device,
    Notification,
    NotificationPreference,
    NotificationSettings,
    WebPushSubscription,
)


def export_personal_data(user: User) -> dict[str, Any]:
    settings = NotificationSettings.objects.filter(user=user).first()
    return {
        "notifications": [
            {
                "type": item.type,
                "title": item.title,
                "body": item.body,
                "data": item.data,
                "url": item.url,
                "created_at": iso(item.created_at),
                "read_at": iso(item.read_at),
                "emailed_at": iso(item.emailed_at),
                "pushed_at": iso(item.pushed_at),
            }
            for item in Notification.objects.filter(recipient=user).order_by("created_at")
        ],
        "settings": None
        if settings is None
        else {
            "time_zone": settings.time_zone,
            "quiet_hours_start": iso(settings.quiet_hours_start),
            "quiet_hours_end": iso(settings.quiet_hours_end),
            "daily_digest": settings.daily_digest,
        },
        "preferences": [
            {"type": choice.type, "channel": choice.channel, "enabled": choice.enabled}
            for choice in NotificationPreference.objects.filter(user=user).order_by(
                "type", "channel"
            )
        ],
        "devices": [
            {
                "platform": device.platform,
                "token": device.token,
                "active": device.active,
                "created_at": iso(device.created_at),
                "last_used_at": iso(device.last_used_at),
            }
            for device in Device.objects.filter(user=user).order_by("created_at")
        ],
        "web_push_subscriptions": [
            {
                "endpoint": subscription.endpoint,
                "user_agent": subscription.user_agent,
                "created_at": iso(subscription.created_at),
                "last_used_at": iso(subscription.last_used_at),
            }
            for subscription in WebPushSubscription.objects.filter(user=user).order_by("created_at")
        ],
    }


def erase_personal_data(user: User) -> None:
    Notification.objects.filter(recipient=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    NotificationSettings.objects.filter(user=user).delete()
    Device.objects.filter(user=user).delete()
    WebPushSubscription.objects.filter(user=user).delete()
