"""What people do, announced once: the event bus behind analytics, XP, streaks and badges.

A service that completes something a person did (a lesson, a review, a tutor session, a
payment, a moment posted) calls :func:`record` inside its transaction. The event is sent
**after the transaction commits** (never for work that rolled back) to every receiver of
:data:`activity`: ``analytics`` stores it in its append-only event table, ``gamification``
turns it into XP, streak days, quests and badges. The emitting app imports neither: this
module imports no app, so any app may call it (``docs/architecture.md``: reacting to an app
above you is a hook, never an import).

Kinds are ``"<app>.<verb>"`` strings; the ones in :data:`KINDS` are the contract between the
apps that emit them and the apps that read them. Each kind lists the ``data`` keys its
emitters promise (receivers may rely on them; extra keys are allowed). Add a kind here before
emitting it, so a receiver never has to guess.

Each receiver runs in its own transaction (a savepoint when the caller is already inside one,
as tests are): one failing receiver is logged and rolled back, and never breaks the request
that already committed nor the other receivers' work.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import django.dispatch
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from .request_context import client_platform_var

logger = logging.getLogger(__name__)

#: Sent after commit with ``event=Activity``; ``sender`` is the kind string.
activity = django.dispatch.Signal()

#: kind -> the ``data`` keys its emitters always include.
KINDS: dict[str, tuple[str, ...]] = {
    # accounts
    "accounts.signed_up": ("role",),
    "accounts.signed_in": (),
    # lessons (learning)
    # score is 0..1; a voice exercise is announced when the ML service has scored it.
    "learning.exercise_attempted": ("lesson_id", "block_id", "exercise_type", "score"),
    # score is the lesson's best percentage 0..100; parent_path is the category page's tree
    # path (Wagtail ``path``); first_time is False when an already completed lesson is redone.
    "learning.lesson_completed": (
        "lesson_id",
        "translation_key",
        "parent_path",
        "score",
        "time_spent_seconds",
        "first_time",
    ),
    # vocabulary
    "vocabulary.word_added": ("word_id", "source"),
    "vocabulary.card_reviewed": ("card_id", "rating", "was_due", "duration_ms"),
    "vocabulary.word_mastered": ("word_id",),
    # voice tutor
    # minutes: billed minutes, possibly fractional; score: the report's mean 0..100 or None.
    "voice_tutor.session_ended": ("session_id", "minutes", "score"),
    # tutoring marketplace
    "tutoring.booking_confirmed": ("booking_id", "teacher_id"),
    "tutoring.lesson_attended": ("booking_id", "teacher_id", "minutes"),
    "tutoring.review_left": ("booking_id", "rating"),
    "tutoring.package_bought": ("package_id", "teacher_id", "lessons"),
    # translation and AI features
    "translation.translated": ("mode",),
    "ai.feature_used": ("feature",),
    # money
    "payments.paid": ("payment_id", "purpose", "amount_minor", "currency"),
    "payments.refunded": ("payment_id", "amount_minor", "currency"),
    # study abroad
    "abroad.booked": ("booking_id",),
    "abroad.reviewed": ("booking_id", "rating"),
    # social
    "social.moment_posted": ("moment_id",),
    "social.commented": ("moment_id",),
    "social.followed": ("followee_id",),
    # gamification (so analytics can count them)
    "gamification.badge_awarded": ("badge",),
    "gamification.goal_met": ("day",),
}

#: Kinds that make a person "active" on a day: a learning, social, tutoring or paid action,
#: never a page view or a sign-in alone. Analytics' DAU/WAU/MAU count these, and nothing else.
ACTIVE_KINDS: frozenset[str] = frozenset(
    kind
    for kind in KINDS
    if kind.split(".", 1)[0]
    in {
        "learning",
        "vocabulary",
        "voice_tutor",
        "tutoring",
        "translation",
        "ai",
        "payments",
        "abroad",
        "social",
    }
    and kind != "payments.refunded"
)

PLATFORM_WEB = "web"
PLATFORM_APP = "app"
PLATFORM_API = "api"


@dataclass(frozen=True)
class Activity:
    """One thing one person did. ``user_id`` is the acting user's primary key."""

    user_id: uuid.UUID | str | int
    kind: str
    occurred_at: datetime
    object_type: str = ""
    object_id: str = ""
    language: str = ""
    level: str = ""
    platform: str = PLATFORM_WEB
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def app(self) -> str:
        return self.kind.split(".", 1)[0]

    @property
    def is_active(self) -> bool:
        return self.kind in ACTIVE_KINDS


class UnknownActivity(ValueError):
    """A kind that is not in :data:`KINDS`, or an emitter that left out a promised key."""


def record(
    user: Any,
    kind: str,
    *,
    occurred_at: datetime | None = None,
    obj: Any = None,
    language: str = "",
    level: str = "",
    platform: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> Activity:
    """Announce, after the current transaction commits, that ``user`` did ``kind``.

    ``user`` is a user or a user's primary key. ``obj`` (optional) is the model instance the
    action was on; its label and primary key become ``object_type`` and ``object_id``.
    ``occurred_at`` defaults to now; an offline client's replay passes the client's time.
    ``platform`` defaults to the client of the request being served (``web`` or ``app``,
    ``core.request_context.client_platform_var``). Returns the event (sent later, or never if the transaction rolls back).
    """
    if kind not in KINDS:
        raise UnknownActivity(f"Unknown activity kind {kind!r}: add it to core.activity.KINDS.")
    payload = dict(data or {})
    missing = [key for key in KINDS[kind] if key not in payload]
    if missing:
        raise UnknownActivity(f"Activity {kind!r} is missing {', '.join(missing)}.")
    event = Activity(
        user_id=getattr(user, "pk", user),
        kind=kind,
        occurred_at=occurred_at or timezone.now(),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        language=language or "",
        level=level or "",
        platform=platform or client_platform_var.get(),
        data=payload,
    )
    transaction.on_commit(lambda: _send(event))
    return event


def _send(event: Activity) -> None:
    # Django's Signal has no public "call each receiver in its own transaction";
    # ``_live_receivers`` is what ``send_robust`` itself iterates (tests/platform/core/
    # test_activity.py fails if a Django upgrade changes it).
    sync_receivers, async_receivers = activity._live_receivers(event.kind)
    if async_receivers:
        raise ImproperlyConfigured("Activity receivers must be synchronous functions.")
    for receiver in sync_receivers:
        try:
            with transaction.atomic():
                receiver(signal=activity, sender=event.kind, event=event)
        except Exception:
            logger.exception("Activity receiver %r failed for %s", receiver, event.kind)
