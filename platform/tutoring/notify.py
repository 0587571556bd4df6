"""Telling people what happened: through the notifications app (in-app, push, email by their
preferences) when it is installed, by plain email otherwise. Called from Celery tasks only."""

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail


def notify(
    user: Any,
    *,
    kind: str,
    title: str,
    body: str,
    url: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    if apps.is_installed("notifications"):
        from notifications.services import notify as send

        send(user, kind=kind, title=title, body=body, url=url, data=data or {})
        return
    link = f"\n\n{settings.WAGTAILADMIN_BASE_URL}{url}" if url else ""
    send_mail(f"[Toto] {title}", f"{body}{link}", None, [user.email])
