"""Reads for the API, the pages and the header chip. A learner only ever reads their own
rows, plus the first names and weekly XP of the members of their own league (and friends)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import F, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from accounts.models import Profile

from . import clock, hooks
from .models import (
    Badge,
    BadgeAward,
    DailyQuest,
    DayStatus,
    LeagueMember,
    Level,
    Player,
    StreakDay,
)
from .services import chip_cache_key

CHIP_SECONDS = 300


def player_of(user: Any) -> Player:
    """The learner's row, or an unsaved one with the defaults before their first XP."""
    player = Player.objects.select_related("league_tier").filter(pk=user.pk).first()
    if player is None:
        zone = Profile.objects.filter(user=user).values_list("time_zone", flat=True).first()
        player = Player(user_id=user.pk, time_zone=zone or "UTC")
    return player


def today_of(player: Player) -> date:
    today = clock.local_day(timezone.now(), player.time_zone)
    if player.closed_through is not None and today <= player.closed_through:
        return player.closed_through + timedelta(days=1)
    return today


def current_streak(player: Player, today: date) -> int:
    """The stored streak, or 0 when a day before today has gone unmet and the beat job has
    not closed it yet and nothing could protect it."""
    if player.alive_through is None or player.alive_through >= today - timedelta(days=1):
        return player.streak
    if player.freezes or player.rest_days:
        return player.streak  # the closing job decides; likely protected
    return 0


def chip(user: Any) -> dict[str, Any]:
    """The header chip's numbers: one query, cached until the learner's next award."""
    key = chip_cache_key(user.pk)
    data: dict[str, Any] | None = cache.get(key)
    if data is None:
        player = Player.objects.filter(pk=user.pk).first()
        if player is None:
            data = {"xp": 0, "level": 1, "streak": 0, "active": False}
        else:
            data = {
                "xp": player.xp,
                "level": player.level,
                "streak": current_streak(player, today_of(player)),
                "active": True,
            }
        cache.set(key, data, CHIP_SECONDS)
    return data


@dataclass
class LevelInfo:
    number: int
    title: str
    xp_required: int
    next_xp: int | None
    progress: float = 0.0


def level_info(xp: int) -> LevelInfo:
    levels = list(
        Level.objects.order_by("xp_required").values_list("number", "title", "xp_required")
    )
    current = (1, "", 0)
    next_xp = None
    for row in levels:
        if row[2] <= xp:
            current = row
        elif next_xp is None:
            next_xp = row[2]
    info = LevelInfo(number=current[0], title=current[1], xp_required=current[2], next_xp=next_xp)
    if next_xp is not None and next_xp > info.xp_required:
        info.progress = round((xp - info.xp_required) / (next_xp - info.xp_required), 3)
    else:
        info.progress = 1.0
    return info


@dataclass
class LeagueInfo:
    member: LeagueMember
    rank: int
    size: int
    promote_count: int
    demote_count: int
    ends_at: Any


def league_info(player: Player) -> LeagueInfo | None:
    week = clock.week_start(timezone.now())
    member = (
        LeagueMember.objects.select_related("league__tier")
        .filter(user_id=player.pk, week_start=week)
        .first()
    )
    if member is None:
        return None
    ahead = LeagueMember.objects.filter(league_id=member.league_id, xp__gt=member.xp).count()
    tier = member.league.tier
    return LeagueInfo(
        member=member,
        rank=ahead + 1,
        size=member.league.size,
        promote_count=tier.promote_count,
        demote_count=tier.demote_count,
        ends_at=clock.week_end(week),
    )


@dataclass
class Summary:
    player: Player
    today: date
    today_xp: int
    today_status: str
    streak: int
    level: LevelInfo
    league: LeagueInfo | None
    badges: list[BadgeAward] = field(default_factory=list)
    quests: list[DailyQuest] = field(default_factory=list)


def summary(user: Any) -> Summary:
    """Everything ``GET /api/v1/gamification/me/`` and the achievements page show."""
    player = player_of(user)
    today = today_of(player)
    row = StreakDay.objects.filter(user_id=user.pk, day=today).values("xp", "status").first()
    return Summary(
        player=player,
        today=today,
        today_xp=row["xp"] if row else 0,
        today_status=row["status"] if row else DayStatus.OPEN,
        streak=current_streak(player, today),
        level=level_info(player.xp),
        league=league_info(player) if not player.league_opt_out else None,
        badges=list(BadgeAward.objects.filter(user_id=user.pk).select_related("badge__image")),
        quests=list(DailyQuest.objects.filter(user_id=user.pk, day=today)),
    )


def calendar(user: Any, days: int = 35) -> list[tuple[date, str, int]]:
    """The last ``days`` local days (oldest first) with their status and XP."""
    player = player_of(user)
    today = today_of(player)
    first = today - timedelta(days=days - 1)
    rows = {
        row.day: row
        for row in StreakDay.objects.filter(user_id=user.pk, day__gte=first, day__lte=today)
    }
    result = []
    for day in clock.days_between(first, today):
        row = rows.get(day)
        result.append((day, row.status if row else "", row.xp if row else 0))
    return result


def current_membership(user: Any) -> LeagueMember | None:
    """The learner's league membership this week, with its league and tier."""
    week = clock.week_start(timezone.now())
    return (
        LeagueMember.objects.select_related("league__tier")
        .filter(user_id=user.pk, week_start=week)
        .first()
    )


def league_board(member: LeagueMember | None) -> QuerySet[LeagueMember]:
    """This week's members of the learner's league, ranked (``rank`` annotated); ties go to
    whoever reached the XP first."""
    if member is None:
        return LeagueMember.objects.none()
    return ranked(LeagueMember.objects.filter(league_id=member.league_id))


def ranked(members: QuerySet[LeagueMember]) -> QuerySet[LeagueMember]:
    return (
        members.select_related("user")
        .annotate(
            rank=Window(
                RowNumber(), order_by=[F("xp").desc(), F("xp_reached_at").asc(), F("id").asc()]
            )
        )
        .order_by("-xp", "xp_reached_at", "id")
    )


def friends_board(user: Any) -> QuerySet[LeagueMember]:
    """This week's XP of the learner and the friends the registered sources name
    (``hooks.FRIEND_SOURCES``)."""
    week = clock.week_start(timezone.now())
    ids = {*hooks.friend_ids(user), user.pk}
    return ranked(LeagueMember.objects.filter(week_start=week, user_id__in=ids))


def badges_for(user: Any) -> QuerySet[Badge]:
    """Every active badge with ``earned_at`` (None when not earned), earned ones first."""
    earned = BadgeAward.objects.filter(user_id=user.pk, badge=OuterRef("pk")).values("awarded_at")
    return (
        Badge.objects.filter(active=True)
        .select_related("image")
        .annotate(earned_at=Subquery(earned[:1]))
        .order_by(F("earned_at").desc(nulls_last=True), "sort_order", "threshold", "name")
    )


def xp_history(user: Any) -> QuerySet[Any]:
    from .models import XPEntry

    return XPEntry.objects.filter(user_id=user.pk).order_by("-occurred_at", "-id")


def award_of(user: Any, slug: str) -> BadgeAward | None:
    """The learner's award of the badge ``slug`` (with the badge and its image), or None."""
    return (
        BadgeAward.objects.select_related("badge__image")
        .filter(user_id=user.pk, badge__slug=slug, badge__active=True)
        .first()
    )


def public_award(user_id: Any, slug: str) -> BadgeAward | None:
    """An award anyone may see: only one its learner shared in a moment the social feed shows
    to everybody (public, published, its author not limited, suspended or deleted). Without a
    registered sharer no award is public."""
    sharer = hooks.moment_sharer()
    if sharer is None:
        return None
    try:
        award = (
            BadgeAward.objects.select_related("badge__image", "user")
            .filter(
                user_id=user_id,
                badge__slug=slug,
                badge__active=True,
                shared_moment_id__isnull=False,
            )
            .first()
        )
    except (ValueError, TypeError):
        return None
    if award is None or award.shared_moment_id is None:
        return None
    return award if sharer.is_public(award.user, award.shared_moment_id) else None
