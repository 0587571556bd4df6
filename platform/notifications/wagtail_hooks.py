"""Notification types in the Wagtail admin: every registered type, its default channels,
and how many went out in the last 30 days (and how many are still unread). For people who
may view notifications (admins)."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .models import Notification
from .types import CHANNELS, REGISTRY

PERMISSION = "notifications.view_notification"


def notification_types(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    since = timezone.now() - dt.timedelta(days=30)
    counts: dict[str, Mapping[str, object]] = {
        row["type"]: row
        for row in Notification.objects.filter(created_at__gte=since)
        .values("type")
        .annotate(sent=Count("id"), unread=Count("id", filter=Q(read_at__isnull=True)))
    }
    rows = [
        {
            "key": kind.key,
            "label": kind.label,
            "channels": [channel for channel in CHANNELS if channel in kind.default_channels],
            "sent": counts.get(kind.key, {}).get("sent", 0),
            "unread": counts.get(kind.key, {}).get("unread", 0),
        }
        for kind in sorted(REGISTRY.values(), key=lambda kind: kind.key)
    ]
    return TemplateResponse(request, "notifications/admin/types.html", {"rows": rows})


@hooks.register("register_admin_urls")
def register_notification_admin_urls() -> list[Any]:
    return [path("notification-types/", notification_types, name="notification_types")]


class PermissionMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PERMISSION)


@hooks.register("register_settings_menu_item")
def register_notification_types_menu_item() -> MenuItem:
    return PermissionMenuItem(
        _("Notification types"), reverse("notification_types"), icon_name="mail", order=700
    )
