"""Stores every announced activity (``core.activity``) in the event table, after commit."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from core.activity import Activity, activity

from . import services


@receiver(activity, dispatch_uid="analytics.store_activity")
def store_activity(sender: str, event: Activity, **kwargs: Any) -> None:
    services.store_event(event)
