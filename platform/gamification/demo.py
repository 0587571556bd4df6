"""Demo data: the demo learner (student@toto.localhost) has a 12-day streak with its XP
history, a freeze, two badges, today's quests and a Bronze league this week with 29 demo
rivals (users without a password who can't sign in). Idempotent: a learner who already has
XP is left alone; the rivals are reused."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from . import clock, services
from .models import (
    Badge,
    BadgeAward,
    DayStatus,
    League,
    LeagueMember,
    LeagueTier,
    Player,
    Reason,
    StreakDay,
    XPEntry,
)

LEARNER = "student@toto.localhost"
RIVAL_NAMES = [
    "Aiko", "Bruno", "Chen", "Dalia", "Emeka", "Farah", "Gustav", "Hana", "Ivan", "Jamila",
    "Kofi", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq",
    "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zara", "Aarav", "Beatriz", "Ciaran",
]  # fmt: skip
STREAK_DAYS = 12


def _rivals() -> list[User]:
    rivals = []
    for number, name in enumerate(RIVAL_NAMES, start=1):
        email = f"rival{number:02d}@demo.toto.localhost"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, first_name=name, last_name="Demo")
            user.set_unusable_password()
            user.save()
        rivals.append(user)
    return rivals


@transaction.atomic
def ensure_learner_progress() -> str:
    learner = User.objects.filter(email=LEARNER).first()
    if learner is None:
        return "gamification: no demo learner"
    if XPEntry.objects.filter(user=learner).exists():
        return "gamification: demo learner already has XP"
    now = timezone.now()
    player = services.locked_player(learner)
    today = clock.local_day(now, player.time_zone)
    rng = random.Random(17)  # noqa: S311 - demo numbers
    total = 0
    for back in range(STREAK_DAYS, 0, -1):
        day = today - timedelta(days=back)
        at = datetime.combine(day, time(18, 0), tzinfo=clock.zone(player.time_zone))
        points = [20, 2 * rng.randint(3, 10), 5]
        reasons = [Reason.LESSON, Reason.REVIEW, Reason.GOAL]
        for n, (reason, xp) in enumerate(zip(reasons, points, strict=True)):
            XPEntry.objects.create(
                user=learner, reason=reason, points=xp, source_key=f"demo:{day}:{n}",
                day=day, occurred_at=at,
            )  # fmt: skip
        StreakDay.objects.create(
            user=learner, day=day, xp=sum(points), goal=20, status=DayStatus.MET
        )
        total += sum(points)
    player.xp = total
    player.level = services._level_for(total)
    player.streak = player.best_streak = STREAK_DAYS
    player.alive_through = player.closed_through = today - timedelta(days=1)
    player.freezes = 1
    player.save()
    for slug in ("first-lesson", "streak-7"):
        badge = Badge.objects.filter(slug=slug).first()
        if badge is not None:
            BadgeAward.objects.get_or_create(user=learner, badge=badge)
    services.ensure_quests(player, today)
    return f"gamification: demo learner has a {STREAK_DAYS}-day streak and {total} XP"


@transaction.atomic
def ensure_league() -> str:
    learner = User.objects.filter(email=LEARNER).first()
    tier = LeagueTier.objects.order_by("rank").first()
    if learner is None or tier is None:
        return "gamification: no league (no learner or no tiers)"
    week = clock.week_start(timezone.now())
    if LeagueMember.objects.filter(user=learner, week_start=week).exists():
        return "gamification: demo league exists"
    league = League.objects.create(week_start=week, tier=tier, band=2, size=0)
    rng = random.Random(29)  # noqa: S311 - demo numbers
    members = [(user, rng.randint(10, 320)) for user in _rivals()]
    members.append((learner, 140))
    started = clock.week_end(week) - timedelta(days=7)
    for user, xp in members:
        Player.objects.get_or_create(user=user)
        LeagueMember.objects.create(
            league=league, week_start=week, user=user, xp=xp,
            xp_reached_at=started + timedelta(minutes=rng.randint(1, 5000)),
        )  # fmt: skip
    league.size = len(members)
    league.save(update_fields=["size"])
    return f"gamification: a {tier.name} league with {len(members) - 1} demo rivals"


DEMO_STEPS: list[Callable[[], str]] = [ensure_learner_progress, ensure_league]
