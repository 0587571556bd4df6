"""The person's gamification data: XP ledger, streak days, badges, quests, league weeks, counts
and settings. All of it is erased on account deletion: XP is no money and no law keeps it (the
XP ledger's delete guard is lifted for this transaction only). League tables then simply have
one member fewer; a closed week's ranks of the others are kept."""

from typing import Any

from django.db import connection

from accounts.exporting import iso
from accounts.models import User

from .models import (
    BadgeAward,
    Counter,
    DailyQuest,
    LeagueMember,
    Player,
    ProcessedEvent,
    StreakDay,
    XPEntry,
)


def export_personal_data(user: User) -> dict[str, Any]:
    player = Player.objects.filter(pk=user.pk).first()
    return {
        "settings": (
            {
                "xp": player.xp,
                "level": player.level,
                "daily_goal": player.daily_goal,
                "rest_days": player.rest_days,
                "freezes": player.freezes,
                "streak": player.streak,
                "best_streak": player.best_streak,
                "league_opt_out": player.league_opt_out,
                "time_zone": player.time_zone,
            }
            if player
            else None
        ),
        "xp": [
            {
                "reason": e.reason,
                "points": e.points,
                "day": e.day.isoformat(),
                "at": iso(e.occurred_at),
            }
            for e in XPEntry.objects.filter(user=user).order_by("occurred_at", "id")
        ],
        "days": [
            {"day": d.day.isoformat(), "xp": d.xp, "goal": d.goal, "status": d.status}
            for d in StreakDay.objects.filter(user=user).order_by("day")
        ],
        "badges": [
            {
                "badge": a.badge.slug,
                "awarded_at": iso(a.awarded_at),
                "shared_moment_id": a.shared_moment_id,
            }
            for a in BadgeAward.objects.filter(user=user).select_related("badge")
        ],
        "quests": [
            {
                "day": q.day.isoformat(),
                "title": q.title,
                "progress": q.progress,
                "target": q.target,
                "completed_at": iso(q.completed_at),
            }
            for q in DailyQuest.objects.filter(user=user).order_by("day", "id")
        ],
        "leagues": [
            {
                "week_start": m.week_start.isoformat(),
                "xp": m.xp,
                "rank": m.final_rank,
                "outcome": m.outcome,
            }
            for m in LeagueMember.objects.filter(user=user).order_by("week_start")
        ],
    }


def erase_personal_data(user: User) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL gamification.erasing = 'on'")
        XPEntry.objects.filter(user=user)._raw_delete(XPEntry.objects.db)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL gamification.erasing = 'off'")
    for model in (StreakDay, BadgeAward, DailyQuest, Counter, ProcessedEvent):
        model.objects.filter(user=user).delete()
    for member in LeagueMember.objects.filter(user=user, league__closed_at__isnull=True):
        member.league.size -= 1
        member.league.save(update_fields=["size"])
    LeagueMember.objects.filter(user=user).delete()
    Player.objects.filter(pk=user.pk).delete()
