"""Every write of gamification. Activity events come in through :func:`handle_activity` (the
receiver in ``receivers`` is a thin adapter); learners' settings and purchases through the
functions below. A learner's rows are written under a lock on their :class:`Player` row, so
concurrent events of one learner are serialised and counts never race.

Policy, in one place:

- **XP** pays once per ``source_key`` (the exercise, the lesson, the card-day …), then only an
  XP rule's ``repeat_points``; each reason's ``daily_cap`` bounds a day. Replaying an event
  changes nothing (``ProcessedEvent``).
- **Days** are the learner's local dates (``clock``). An event counts for the day it happened,
  but never for a day already closed: a late (offline) event counts for the first open day.
  A learner's day never goes backwards: after a move west the current day simply lasts longer;
  after a move east the date skipped over is protected (``travel``) rather than missed.
- **Streaks**: a day meeting the daily goal extends the streak. When a day closes unmet it is a
  rest day if the learner chose that weekday in advance, else a held freeze is used, else the
  streak is lost (and can be repaired for credits within ``GAMIFICATION_REPAIR_DAYS``).
  Every seventh streak day earns a freeze, up to two held.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Profile, User
from core import activity, dispatch

from . import clock, hooks
from .errors import BadgeNotEarned, FreezeLimit, NothingToRepair, SharingUnavailable
from .models import (
    KEEPS_STREAK,
    MAX_FREEZES,
    Badge,
    BadgeAward,
    BadgeRule,
    Counter,
    DailyQuest,
    DayStatus,
    League,
    LeagueMember,
    LeagueTier,
    Level,
    Player,
    ProcessedEvent,
    QuestMetric,
    QuestTemplate,
    Reason,
    StreakDay,
    XPEntry,
    XPRule,
)

logger = logging.getLogger(__name__)

FREEZE_FEATURE = "streak-freeze"
REPAIR_FEATURE = "streak-repair"
QUESTS_PER_DAY = 3
FREEZE_EVERY = 7
#: Last week's XP -> activity band, so that a league holds learners of similar pace.
BANDS = (0, 1, 100, 300, 700)

HANDLED_KINDS = frozenset(
    {
        "learning.exercise_attempted",
        "learning.lesson_completed",
        "vocabulary.card_reviewed",
        "vocabulary.word_mastered",
        "voice_tutor.session_ended",
        "tutoring.lesson_attended",
    }
)


def league_size() -> int:
    return int(settings.GAMIFICATION_LEAGUE_SIZE)


def repair_days() -> int:
    return int(settings.GAMIFICATION_REPAIR_DAYS)


def chip_cache_key(user_id: Any) -> str:
    return f"gamification:chip:{user_id}"


# --- The learner's row and their day ----------------------------------------------------------


def _zone_name(user_id: Any) -> str:
    name = Profile.objects.filter(user_id=user_id).values_list("time_zone", flat=True).first()
    return name or "UTC"


def locked_player(user: Any) -> Player:
    Player.objects.get_or_create(user_id=user.pk, defaults={"time_zone": _zone_name(user.pk)})
    return Player.objects.select_for_update().get(pk=user.pk)


def rest_days_on(player: Player, day: date) -> list[int]:
    if player.rest_days_from is not None and day < player.rest_days_from:
        return list(player.previous_rest_days or [])
    return list(player.rest_days or [])


def _today(player: Player, now: datetime | None = None) -> date:
    return clock.local_day(now or timezone.now(), player.time_zone)


def sync_day(player: Player, now: datetime | None = None, *, zone_name: str | None = None) -> date:
    """Follows a change of the learner's zone, closes every day before today, and returns
    today (the first open day). The caller holds the player's lock and saves it; it may pass
    the profile's zone when it has just read it."""
    now = now or timezone.now()
    zone_name = zone_name or _zone_name(player.user_id)
    if zone_name != player.time_zone:
        old_today = _today(player, now)
        player.time_zone = zone_name
        new_today = _today(player, now)
        if new_today > old_today and player.closed_through is not None:
            # Moving east skips what was left of the old day: protect it rather than miss it.
            for day in clock.days_between(
                max(old_today, player.closed_through + timedelta(1)), new_today - timedelta(days=1)
            ):
                row, _created = StreakDay.objects.get_or_create(
                    user_id=player.user_id, day=day, defaults={"goal": player.daily_goal}
                )
                if row.status == DayStatus.OPEN:
                    row.status = DayStatus.TRAVEL
                    row.save(update_fields=["status"])
    today = _today(player, now)
    close_days(player, today - timedelta(days=1))
    if player.closed_through is not None and today <= player.closed_through:
        # After a move west the local date may lie before a closed day: the day goes on.
        return player.closed_through + timedelta(days=1)
    return today


def close_days(player: Player, through: date) -> None:
    """Gives every day up to ``through`` its final status (see the module's policy)."""
    if player.closed_through is None:
        player.closed_through = through
        return
    if through <= player.closed_through:
        return
    first = player.closed_through + timedelta(days=1)
    rows = {
        row.day: row
        for row in StreakDay.objects.filter(
            user_id=player.user_id, day__gte=first, day__lte=through
        )
    }
    for day in clock.days_between(first, through):
        row = rows.get(day)
        if row is not None and row.status in KEEPS_STREAK:
            player.alive_through = day
            continue
        if player.streak == 0:
            if row is not None:
                row.status = DayStatus.MISSED
                row.save(update_fields=["status"])
            continue
        if day.weekday() in rest_days_on(player, day):
            status = DayStatus.REST
            player.alive_through = day
        elif player.freezes > 0:
            status = DayStatus.FROZEN
            player.freezes -= 1
            player.alive_through = day
        else:
            status = DayStatus.MISSED
            player.lost_streak = player.streak
            player.lost_on = day
            player.streak = 0
        if row is None:
            StreakDay.objects.create(
                user_id=player.user_id, day=day, goal=player.daily_goal, status=status
            )
        else:
            row.status = status
            row.save(update_fields=["status"])
    player.closed_through = through


def _met(player: Player, day: date, occurred_at: datetime) -> None:
    if player.alive_through is not None and player.alive_through >= day - timedelta(days=1):
        player.streak += 1
    else:
        player.streak = 1
    player.alive_through = max(day, player.alive_through or day)
    player.best_streak = max(player.best_streak, player.streak)
    if player.streak % FREEZE_EVERY == 0 and player.freezes < MAX_FREEZES:
        player.freezes += 1
    activity.record(player.user_id, "gamification.goal_met", data={"day": day.isoformat()})
    rule = _rules().get(Reason.GOAL)
    if rule is not None and rule.points:
        award_xp(player, Reason.GOAL, rule.points, f"goal:{day.isoformat()}", day, occurred_at)


# --- XP ---------------------------------------------------------------------------------------


def _rules() -> dict[str, XPRule]:
    rules: dict[str, XPRule] | None = getattr(_rules_cache, "rules", None)
    if rules is None:
        rules = {rule.reason: rule for rule in XPRule.objects.filter(active=True)}
        _rules_cache.rules = rules
    return rules


class _RulesCache:
    rules: dict[str, XPRule] | None = None


_rules_cache = _RulesCache()


def _level_for(xp: int) -> int:
    number = (
        Level.objects.filter(xp_required__lte=xp)
        .order_by("-xp_required")
        .values_list("number", flat=True)
        .first()
    )
    return number or 1


def award_xp(
    player: Player, reason: str, points: int, source_key: str, day: date, occurred_at: datetime
) -> int:
    """Pays ``points`` once for ``source_key`` (within the reason's daily cap); returns what
    was paid. The caller holds the player's lock and saves the player."""
    if points <= 0:
        return 0
    rule = _rules().get(reason)
    entries = XPEntry.objects.filter(user_id=player.user_id)
    if rule is not None and rule.daily_cap:
        # Paid already for this source, and what the reason paid today: one read.
        once, today = Q(source_key=source_key), Q(day=day, reason=reason)
        found = entries.filter(once | today).aggregate(
            paid=Count("id", filter=once), used=Sum("points", filter=today)
        )
        if found["paid"]:
            return 0
        points = min(points, rule.daily_cap - (found["used"] or 0))
        if points <= 0:
            return 0
    elif entries.filter(source_key=source_key).exists():
        return 0
    XPEntry.objects.create(
        user_id=player.user_id,
        reason=reason,
        points=points,
        source_key=source_key,
        day=day,
        occurred_at=occurred_at,
    )
    player.xp += points
    player.level = _level_for(player.xp)
    row, _created = StreakDay.objects.get_or_create(
        user_id=player.user_id, day=day, defaults={"goal": player.daily_goal}
    )
    row.xp += points
    newly_met = row.status != DayStatus.MET and row.xp >= row.goal
    if newly_met:
        row.status = DayStatus.MET
    row.save(update_fields=["xp", "status"])
    _league_xp(player, points)
    if reason != Reason.QUEST:
        _progress_quests(player, day, QuestMetric.XP, points, occurred_at)
    if newly_met:
        _met(player, day, occurred_at)
    return points


def _first_time(player: Player, marker: str, occurred_at: datetime) -> bool:
    """True once per learner and ``marker`` (a count that must not be bumped twice)."""
    _row, created = ProcessedEvent.objects.get_or_create(
        key=f"{player.user_id}:{marker}",
        defaults={"user_id": player.user_id, "kind": "marker", "occurred_at": occurred_at},
    )
    return created


def _count(player: Player, key: str, amount: int = 1) -> None:
    updated = Counter.objects.filter(user_id=player.user_id, key=key).update(
        value=F("value") + amount
    )
    if not updated:
        Counter.objects.create(user_id=player.user_id, key=key, value=amount)


# --- Events -----------------------------------------------------------------------------------


def event_key(event: activity.Activity) -> str:
    """The same event replayed has the same key; two events differ in time, object or data."""
    data = json.dumps(dict(event.data), sort_keys=True, default=str)
    return "|".join(
        [
            str(event.user_id),
            event.kind,
            event.object_type,
            event.object_id,
            event.occurred_at.isoformat(),
            hashlib.sha256(data.encode()).hexdigest()[:32],
        ]
    )


def handle_activity(event: activity.Activity) -> bool:
    """Turns one activity event into XP, a streak day, quest progress, counts and badges.
    Returns False when the event was not for gamification or was already handled."""
    if event.kind not in HANDLED_KINDS:
        return False
    if not _valid_pk(event.user_id):
        return False
    pk = uuid.UUID(str(event.user_id))
    _rules_cache.rules = None
    with transaction.atomic():
        # The usual case, a learner who already has a row: the row locked, their zone and
        # whether they were deleted, in one query.
        found: Player | None = (
            Player.objects.select_for_update(of=("self",))
            .filter(pk=pk)
            .annotate(profile_zone=F("user__profile__time_zone"), gone=F("user__deleted_at"))
            .first()
        )
        if found is not None:
            if getattr(found, "gone", None) is not None:
                return False
            player = found
            zone_name = getattr(found, "profile_zone", None) or "UTC"
        else:
            user = User.objects.filter(pk=pk).first()
            if user is None or user.deleted_at is not None:
                return False
            player = locked_player(user)
            zone_name = None
        key = event_key(event)
        # Under the player's lock, so the same event at once is seen by the second one.
        if ProcessedEvent.objects.filter(key=key).exists():
            return False
        ProcessedEvent.objects.create(
            user_id=player.user_id,
            key=key,
            kind=event.kind,
            data=dict(event.data),
            occurred_at=event.occurred_at,
        )
        now = timezone.now()
        today = sync_day(player, now, zone_name=zone_name)
        occurred_at = min(event.occurred_at, now)
        day = max(clock.local_day(occurred_at, player.time_zone), today)
        ensure_quests(player, day)
        _HANDLERS[event.kind](player, event, day, occurred_at)
        check_badges(player)
        player.save()
        user_id = player.user_id
        transaction.on_commit(lambda: cache.delete(chip_cache_key(user_id)))
    return True


def _valid_pk(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _on_exercise(player: Player, event: activity.Activity, day: date, at: datetime) -> None:
    data = event.data
    rule = _rules().get(Reason.EXERCISE)
    score = max(0.0, min(1.0, float(data["score"] or 0)))
    if rule is not None:
        first_key = f"exercise:{data['lesson_id']}:{data['block_id']}"
        if not XPEntry.objects.filter(user_id=player.user_id, source_key=first_key).exists():
            award_xp(player, Reason.EXERCISE, round(rule.points * score), first_key, day, at)
        else:
            award_xp(
                player,
                Reason.EXERCISE,
                round(rule.repeat_points * score),
                f"{first_key}:{day.isoformat()}",
                day,
                at,
            )
    _progress_quests(player, day, QuestMetric.EXERCISES, 1, at)


def _on_lesson(player: Player, event: activity.Activity, day: date, at: datetime) -> None:
    data = event.data
    lesson = data.get("translation_key") or data["lesson_id"]
    rule = _rules().get(Reason.LESSON)
    if data["first_time"] and _first_time(player, f"lesson:{lesson}", at):
        _count(player, "lessons_completed")
        if data.get("parent_path"):
            _count(player, f"lessons_in:{data['parent_path']}")
        if rule is not None:
            award_xp(player, Reason.LESSON, rule.points, f"lesson:{lesson}", day, at)
    elif rule is not None:
        award_xp(
            player, Reason.LESSON, rule.repeat_points, f"lesson:{lesson}:{day.isoformat()}", day, at
        )
    _progress_quests(player, day, QuestMetric.LESSONS, 1, at)


def _on_review(player: Player, event: activity.Activity, day: date, at: datetime) -> None:
    data = event.data
    rule = _rules().get(Reason.REVIEW)
    _count(player, "reviews")
    if rule is not None:
        points = rule.points if data["was_due"] else rule.repeat_points
        award_xp(player, Reason.REVIEW, points, f"review:{data['card_id']}:{day}", day, at)
    if data["was_due"]:
        _progress_quests(player, day, QuestMetric.REVIEWS, 1, at)


def _on_word_mastered(player: Player, event: activity.Activity, day: date, at: datetime) -> None:
    word = event.data["word_id"]
    if _first_time(player, f"word:{word}", at):
        _count(player, "words_mastered")
        rule = _rules().get(Reason.WORD_MASTERED)
        if rule is not None:
            award_xp(player, Reason.WORD_MASTERED, rule.points, f"word:{word}", day, at)


def _on_voice_tutor(player: Player, event: activity.Activity, day: date, at: datetime) -> None:
    session = event.data["session_id"]
    minutes = Decimal(str(event.data["minutes"] or 0))
    if _first_time(player, f"voice:{session}", at):
        _count(player, "voice_sessions")
        rule = _rules().get(Reason.VOICE_TUTOR)
        if rule is not None:
            award_xp(
                player, Reason.VOICE_TUTOR, int(rule.points * minutes), f"voice:{session}", day, at
            )
        _progress_quests(player, day, QuestMetric.TUTOR_MINUTES, int(minutes), at)


def _on_tutoring(player: Player, event: activity.Activity, day: date, at: datetime) -> None:
    booking = event.data["booking_id"]
    if _first_time(player, f"tutoring:{booking}", at):
        _count(player, "tutor_sessions")
        rule = _rules().get(Reason.TUTORING)
        if rule is not None:
            award_xp(player, Reason.TUTORING, rule.points, f"tutoring:{booking}", day, at)


_HANDLERS = {
    "learning.exercise_attempted": _on_exercise,
    "learning.lesson_completed": _on_lesson,
    "vocabulary.card_reviewed": _on_review,
    "vocabulary.word_mastered": _on_word_mastered,
    "voice_tutor.session_ended": _on_voice_tutor,
    "tutoring.lesson_attended": _on_tutoring,
}


# --- Quests -----------------------------------------------------------------------------------


def ensure_quests(player: Player, day: date) -> list[DailyQuest]:
    """Three quests a day, drawn from the active templates (the same draw for a learner and
    day, so that a retry after a conflict draws the same three). Returns the day's quests and
    keeps them on the player for the rest of the event (``_progress_quests``)."""
    quests = list(DailyQuest.objects.filter(user_id=player.user_id, day=day))
    if not quests:
        templates = list(QuestTemplate.objects.filter(active=True).order_by("slug"))
        chosen = random.Random(f"{player.user_id}:{day}").sample(  # noqa: S311 - not security
            templates, min(QUESTS_PER_DAY, len(templates))
        )
        DailyQuest.objects.bulk_create(
            [
                DailyQuest(
                    user_id=player.user_id,
                    day=day,
                    template=template,
                    title=template.title,
                    metric=template.metric,
                    target=template.target,
                    reward_xp=template.reward_xp,
                )
                for template in chosen
            ],
            ignore_conflicts=True,
        )
        quests = list(DailyQuest.objects.filter(user_id=player.user_id, day=day))
    player.quests_of_day = (day, quests)
    return quests


def _progress_quests(
    player: Player, day: date, metric: str, amount: int, occurred_at: datetime
) -> None:
    if amount <= 0:
        return
    loaded = player.quests_of_day
    quests = (
        [q for q in loaded[1] if q.metric == metric and q.completed_at is None]
        if loaded is not None and loaded[0] == day
        else DailyQuest.objects.filter(
            user_id=player.user_id, day=day, metric=metric, completed_at__isnull=True
        )
    )
    for quest in quests:
        quest.progress = min(quest.target, quest.progress + amount)
        if quest.progress >= quest.target:
            quest.completed_at = occurred_at
        quest.save(update_fields=["progress", "completed_at"])
        if quest.completed_at is not None:
            _count(player, "quests")
            award_xp(player, Reason.QUEST, quest.reward_xp, f"quest:{quest.pk}", day, occurred_at)


# --- Badges -----------------------------------------------------------------------------------


def _badge_values(player: Player, counters: dict[str, int]) -> dict[str, int]:
    in_category = [value for key, value in counters.items() if key.startswith("lessons_in:")]
    return {
        BadgeRule.STREAK_DAYS: player.best_streak,
        BadgeRule.XP_TOTAL: player.xp,
        BadgeRule.LEVEL: player.level,
        BadgeRule.LESSONS_COMPLETED: counters.get("lessons_completed", 0),
        BadgeRule.LESSONS_IN_CATEGORY: max(in_category, default=0),
        BadgeRule.WORDS_MASTERED: counters.get("words_mastered", 0),
        BadgeRule.REVIEWS: counters.get("reviews", 0),
        BadgeRule.TUTOR_SESSIONS: counters.get("tutor_sessions", 0),
        BadgeRule.VOICE_SESSIONS: counters.get("voice_sessions", 0),
        BadgeRule.QUESTS: counters.get("quests", 0),
    }


def check_badges(player: Player) -> list[BadgeAward]:
    """Awards every active badge the learner has now reached and does not hold (once: the
    unique constraint and the player's lock)."""
    pending = list(Badge.objects.filter(active=True).exclude(awards__user_id=player.user_id))
    if not pending:
        return []
    counters = dict(Counter.objects.filter(user_id=player.user_id).values_list("key", "value"))
    values = _badge_values(player, counters)
    awards = []
    for badge in pending:
        if values.get(badge.rule, 0) >= badge.threshold:
            awards.append(_award_badge(player, badge))
    return awards


def _award_badge(player: Player, badge: Badge) -> BadgeAward:
    from notifications.services import notify

    award = BadgeAward.objects.create(user_id=player.user_id, badge=badge)
    user = User.objects.get(pk=player.user_id)
    notify(
        user,
        "gamification.badge_awarded",
        _("New badge: %(name)s") % {"name": badge.name},
        badge.description,
        {"badge": badge.slug},
        url="/achievements/#badges",
    )
    activity.record(user, "gamification.badge_awarded", obj=award, data={"badge": badge.slug})
    transaction.on_commit(
        lambda: hooks.badge_awarded.send_robust(sender=Badge, user=user, award=award)
    )
    return award


def share_badge(user: Any, slug: str, *, text: str, visibility: str) -> tuple[str, bool]:
    """Posts the learner's badge card as a social moment with their ``text``; returns the
    moment's URL and whether it was made now. Idempotent per award: while the moment it made
    exists, sharing again (a double click, a retried form) returns that one; after the
    learner deleted it, sharing makes a new one."""
    from .cards import badge_card

    sharer = hooks.moment_sharer()
    if sharer is None:
        raise SharingUnavailable()
    with transaction.atomic():
        award = (
            BadgeAward.objects.select_for_update(of=("self",))
            .select_related("badge__image")
            .filter(user_id=user.pk, badge__slug=slug)
            .first()
        )
        if award is None:
            raise BadgeNotEarned()
        if award.shared_moment_id is not None:
            url = sharer.url_of(user, award.shared_moment_id)
            if url is not None:
                return url, False
        zone = Player.objects.filter(pk=user.pk).values_list("time_zone", flat=True).first()
        image = badge_card(award, learner_name(user), zone or "UTC")
        moment_id, url = sharer.post(user, text=text, image=image, visibility=visibility)
        award.shared_moment_id = moment_id
        award.save(update_fields=["shared_moment_id"])
    return url, True


def learner_name(user: Any) -> str:
    return str(user.get_full_name() or user.first_name or _("A Toto learner"))


# --- Leagues ----------------------------------------------------------------------------------


def _band(last_week_xp: int) -> int:
    return max(index for index, floor in enumerate(BANDS) if last_week_xp >= floor)


def _league_xp(player: Player, points: int) -> None:
    if player.league_opt_out:
        return
    now = timezone.now()
    week = clock.week_start(now)
    updated = LeagueMember.objects.filter(user_id=player.user_id, week_start=week).update(
        xp=F("xp") + points, xp_reached_at=now
    )
    if updated:
        return
    tier = player.league_tier or LeagueTier.objects.order_by("rank").first()
    if tier is None:
        return
    last_week = (
        LeagueMember.objects.filter(user_id=player.user_id, week_start=week - timedelta(days=7))
        .values_list("xp", flat=True)
        .first()
    )
    band = _band(last_week or 0)
    league = (
        League.objects.select_for_update(skip_locked=True)
        .filter(week_start=week, tier=tier, band=band, size__lt=league_size())
        .order_by("-size", "id")
        .first()
    )
    if league is None:
        league = League.objects.create(week_start=week, tier=tier, band=band)
    League.objects.filter(pk=league.pk).update(size=F("size") + 1)
    LeagueMember.objects.create(
        league=league, week_start=week, user_id=player.user_id, xp=points, xp_reached_at=now
    )


def close_week(start: date) -> int:
    """Ranks every league of the week starting ``start``, decides promotions and demotions
    and moves the learners' tiers; returns the number of leagues closed. Idempotent: a
    closed league is never ranked again."""
    tiers = list(LeagueTier.objects.order_by("rank"))
    if not tiers:
        return 0
    mapping = [
        (
            tier.pk,
            tiers[min(index + 1, len(tiers) - 1)].pk,
            tiers[max(index - 1, 0)].pk,
        )
        for index, tier in enumerate(tiers)
    ]
    values = ", ".join(["(%s, %s, %s)"] * len(mapping))
    params: list[Any] = [value for row in mapping for value in row]
    with transaction.atomic(), connection.cursor() as cursor:
        open_leagues = list(
            League.objects.select_for_update()
            .filter(week_start=start, closed_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if not open_leagues:
            return 0
        cursor.execute(
            """
            UPDATE gamification_leaguemember m SET final_rank = r.rank
            FROM (SELECT id, ROW_NUMBER() OVER (
                    PARTITION BY league_id ORDER BY xp DESC, xp_reached_at, id) AS rank
                  FROM gamification_leaguemember WHERE league_id = ANY(%s)) r
            WHERE m.id = r.id
            """,
            [open_leagues],
        )
        cursor.execute(
            """
            UPDATE gamification_leaguemember m SET outcome = CASE
                WHEN m.final_rank <= t.promote_count AND t.rank < %s AND m.xp > 0
                    THEN 'promoted'
                WHEN m.final_rank > l.size - t.demote_count AND m.final_rank > t.promote_count
                     AND t.rank > %s THEN 'demoted'
                ELSE 'stayed' END
            FROM gamification_league l JOIN gamification_leaguetier t ON t.id = l.tier_id
            WHERE m.league_id = l.id AND l.id = ANY(%s)
            """,
            [tiers[-1].rank, tiers[0].rank, open_leagues],
        )
        cursor.execute(
            f"""
            UPDATE gamification_player p SET league_tier_id = CASE m.outcome
                WHEN 'promoted' THEN map.up WHEN 'demoted' THEN map.down ELSE map.tier END
            FROM gamification_leaguemember m
            JOIN gamification_league l ON l.id = m.league_id
            JOIN (VALUES {values}) AS map(tier, up, down) ON map.tier = l.tier_id
            WHERE p.user_id = m.user_id AND l.id = ANY(%s)
            """,  # noqa: S608 - only placeholders are interpolated
            [*params, open_leagues],
        )
        League.objects.filter(pk__in=open_leagues).update(closed_at=timezone.now())
        dispatch.enqueue_on_commit("gamification.notify_league_results", open_leagues)
    return len(open_leagues)


LEAGUE_RESULT_WORDS = {
    "promoted": gettext_noop(
        "You finished #%(rank)s in the %(tier)s league and move up to %(next)s."
    ),
    "demoted": gettext_noop(
        "You finished #%(rank)s in the %(tier)s league and move down to %(next)s."
    ),
    "stayed": gettext_noop("You finished #%(rank)s in the %(tier)s league and stay there."),
}


def notify_league_results(league_ids: list[int]) -> int:
    """Tells every member of closed leagues their rank and outcome (``gamification.
    league_result``; after the week closed, from a task, as a league may hold thousands
    across all leagues of a week). Members who earned no XP that week are not told."""
    from notifications.services import notify

    members = (
        LeagueMember.objects.filter(league_id__in=league_ids, xp__gt=0, final_rank__isnull=False)
        .select_related("league__tier", "user")
        .order_by("pk")
    )
    players = dict(
        Player.objects.filter(user_id__in=[m.user_id for m in members]).values_list(
            "user_id", "league_tier__name"
        )
    )
    told = 0
    for member in members:
        words = LEAGUE_RESULT_WORDS.get(member.outcome)
        if words is None or not member.user.is_active:
            continue
        notify(
            member.user,
            "gamification.league_result",
            _("Your league week is over"),
            _(words)
            % {
                "rank": member.final_rank,
                "tier": member.league.tier.name,
                "next": players.get(member.user_id) or member.league.tier.name,
            },
            {
                "league_id": member.league_id,
                "rank": member.final_rank,
                "outcome": member.outcome,
            },
            url="/achievements/",
        )
        told += 1
    return told


def close_finished_weeks(now: datetime | None = None) -> int:
    current = clock.week_start(now or timezone.now())
    weeks = (
        League.objects.filter(closed_at__isnull=True, week_start__lt=current)
        .values_list("week_start", flat=True)
        .distinct()
    )
    return sum(close_week(week) for week in sorted(set(weeks)))


# --- Days closed by the beat job --------------------------------------------------------------


def close_days_for_zone(zone_name: str, now: datetime | None = None) -> int:
    """Closes yesterday (and any older open day) for every learner last seen in ``zone_name``."""
    now = now or timezone.now()
    yesterday = clock.local_day(now, zone_name) - timedelta(days=1)
    closed = 0
    ids = list(
        Player.objects.filter(time_zone=zone_name, closed_through__lt=yesterday).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        with transaction.atomic():
            player = Player.objects.select_for_update().get(pk=pk)
            sync_day(player, now)
            player.save()
            closed += 1
        cache.delete(chip_cache_key(pk))
    return closed


def close_days_everywhere(now: datetime | None = None) -> int:
    zones = Player.objects.values_list("time_zone", flat=True).distinct()
    return sum(close_days_for_zone(name, now) for name in sorted(set(zones)))


# --- The learner's choices --------------------------------------------------------------------


def update_settings(
    user: User,
    *,
    daily_goal: int | None = None,
    rest_days: Iterable[int] | None = None,
    league_opt_out: bool | None = None,
) -> Player:
    """Rest days chosen now apply from tomorrow: a missed day can't be turned into rest."""
    with transaction.atomic():
        player = locked_player(user)
        today = sync_day(player)
        if daily_goal is not None:
            player.daily_goal = daily_goal
            StreakDay.objects.filter(user_id=user.pk, day=today, status=DayStatus.OPEN).update(
                goal=daily_goal
            )
        if rest_days is not None:
            new = sorted(set(rest_days))
            if new != sorted(player.rest_days or []):
                player.previous_rest_days = rest_days_on(player, today)
                player.rest_days = new
                player.rest_days_from = today + timedelta(days=1)
        if league_opt_out is not None and league_opt_out != player.league_opt_out:
            player.league_opt_out = league_opt_out
            if league_opt_out:
                week = clock.week_start(timezone.now())
                member = LeagueMember.objects.filter(user_id=user.pk, week_start=week).first()
                if member is not None:
                    League.objects.filter(pk=member.league_id).update(size=F("size") - 1)
                    member.delete()
        player.save()
        # A goal lowered to what today already holds meets it now.
        row = StreakDay.objects.filter(user_id=user.pk, day=today).first()
        if row is not None and row.status == DayStatus.OPEN and row.xp >= row.goal:
            row.status = DayStatus.MET
            row.save(update_fields=["status"])
            _met(player, today, timezone.now())
            player.save()
        transaction.on_commit(lambda: cache.delete(chip_cache_key(user.pk)))
    return player


def buy_freeze(user: User, idempotency_key: str) -> Player:
    """One streak freeze for credits (the ``streak-freeze`` price), at most two held."""
    from credits.models import UsageCharge
    from credits.services import charge

    key = f"gamification:freeze:{user.pk}:{idempotency_key}"
    with transaction.atomic():
        player = locked_player(user)
        sync_day(player)
        if UsageCharge.objects.filter(idempotency_key=key).exists():
            player.save()
            return player  # a retry of a purchase already made
        if player.freezes >= MAX_FREEZES:
            player.save()
            raise FreezeLimit()
        charge(user, FREEZE_FEATURE, 1, key)
        player.freezes += 1
        player.save()
        transaction.on_commit(lambda: cache.delete(chip_cache_key(user.pk)))
    return player


def repair_streak(user: User, idempotency_key: str) -> Player:
    """Restores the streak lost within the last ``GAMIFICATION_REPAIR_DAYS`` days for credits
    (the ``streak-repair`` price); days met since the loss are added to it."""
    from credits.services import charge

    with transaction.atomic():
        player = locked_player(user)
        today = sync_day(player)
        if (
            player.lost_on is None
            or not player.lost_streak
            or (today - player.lost_on).days > repair_days()
        ):
            player.save()
            raise NothingToRepair()
        charge(user, REPAIR_FEATURE, 1, f"gamification:repair:{user.pk}:{idempotency_key}")
        StreakDay.objects.filter(
            user_id=user.pk, day__gte=player.lost_on, status=DayStatus.MISSED
        ).update(status=DayStatus.REPAIRED)
        player.streak = player.lost_streak + player.streak
        player.best_streak = max(player.best_streak, player.streak)
        player.alive_through = max(player.alive_through or today, today - timedelta(days=1))
        player.lost_streak = 0
        player.lost_on = None
        player.save()
        transaction.on_commit(lambda: cache.delete(chip_cache_key(user.pk)))
    return player
