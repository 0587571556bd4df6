"""Stores every announced activity (``core.activity``) in the event table, after commit, and
recounts a sign-up cohort when one of its people's user row is deleted."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from accounts.models import User
from core.activity import Activity, activity

from . import services


@receiver(activity, dispatch_uid="analytics.store_activity")
def store_activity(sender: str, event: Activity, **kwargs: Any) -> None:
    services.store_event(event)


@receiver(post_delete, sender=User, dispatch_uid="analytics.user_deleted")
def recount_cohort_of_deleted_user(sender: type[User], instance: User, **kwargs: Any) -> None:
    """The person's UserWeek rows went with their user row (cascade); the cohort counts
    (``CohortWeek``) are rewritten for their sign-up week. An account deleted by its owner
    (accounts.services.delete_account) keeps its anonymised row, and its counts."""
    services.recount_cohort_of(instance.date_joined)
