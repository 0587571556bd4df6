"""The home feed read: Redis timeline ids, then the database for the truth (see timelines).

A page costs the same whatever its size: one Redis range (two if stale ids had to be
skipped), then three SQL queries (moments with authors and counts, media, topics). A cold
or expired timeline costs one more query to rebuild it from the database. Past the end of
the timeline (its cap, or the end of the feed) the page goes on from the database with the
same rules and cursor: three queries more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from accounts.models import User

from . import selectors, timelines
from .models import Moment

MAX_ROUNDS = 3


@dataclass
class FeedPage:
    moments: list[Moment]
    next_cursor: str | None
    source: str  # "redis", "rebuilt" or "database", "+database" when it went past Redis


def rebuild(user: User) -> int:
    """The timeline from the database: the newest SOCIAL_TIMELINE_MAX moments it holds."""
    rows = list(
        selectors.home_sources(user)
        .order_by("-created_at", "-id")
        .values_list("pk", "created_at")[: settings.SOCIAL_TIMELINE_MAX]
    )
    timelines.store(user.pk, [(pk, timelines.score_of(created)) for pk, created in rows])
    return len(rows)


def merge_author(follower_id: Any, author_id: Any) -> int:
    follower = User.objects.filter(pk=follower_id).first()
    if follower is None or not timelines.exists(follower_id):
        return 0
    rows = list(
        selectors.visible_moments(follower)
        .filter(author=author_id)
        .order_by("-created_at")
        .values_list("pk", "created_at")[:100]
    )
    timelines.add([follower_id], [(pk, timelines.score_of(created)) for pk, created in rows])
    return len(rows)


def _cursor(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def home_page(user: User, *, cursor: str | None, size: int) -> FeedPage:
    """A page of the home feed, newest first, below ``cursor`` (a creation time in
    microseconds, the score of the last moment of the page before).

    Redis answers first. When the timeline runs out (its cap of SOCIAL_TIMELINE_MAX ids, or
    a rebuild that kept only the newest ones), the page goes on from the database below the
    last score read, with the same visibility rules and the same cursor: a reader can page
    down to their oldest moment and each visible one comes once. A page past the timeline
    costs one Redis range more than a database page (the page where the timeline ends is
    read from the database whole when nothing was found before in Redis)."""
    before = _cursor(cursor)
    if not timelines.enabled():
        return _database_page(user, before, size)
    source = "redis"
    if not timelines.exists(user.pk):
        rebuild(user)
        source = "rebuilt"
    found: list[Moment] = []
    last_score = before
    exhausted = False
    for _round in range(MAX_ROUNDS):
        want = size - len(found)
        asked = want + want // 2 + 2
        entries = timelines.page(user.pk, before=last_score, count=asked)
        if not found and len(entries) < asked:
            # The timeline ends within this page: the database answers all of it (the same
            # rules, and the moments the timeline no longer holds), in the same queries.
            page = _database_page(user, last_score, size)
            return FeedPage(page.moments, page.next_cursor, f"{source}+database")
        if not entries:
            exhausted = True
            break
        last_score = entries[-1][1]
        ids = [pk for pk, _score in entries]
        by_id = {
            moment.pk: moment
            for moment in selectors.with_details(selectors.home_sources(user), user).filter(
                pk__in=ids
            )
        }
        for pk, score in entries:
            if pk in by_id and len(found) < size:
                found.append(by_id[pk])
                last_score = score
        if len(found) >= size:
            break
        if len(entries) < asked:
            exhausted = True
            break
    if exhausted:
        # Past the end of the timeline after stale ids: the database may hold older ones.
        rest = _database_page(user, last_score, size - len(found))
        return FeedPage(found + rest.moments, rest.next_cursor, f"{source}+database")
    next_cursor = None
    if found and last_score is not None:
        next_cursor = str(last_score)
    return FeedPage(moments=found, next_cursor=next_cursor, source=source)


def _database_page(user: User, before: int | None, size: int) -> FeedPage:
    moments = selectors.with_details(selectors.home_sources(user), user).order_by(
        "-created_at", "-id"
    )
    if before is not None:
        moments = moments.filter(created_at__lt=datetime.fromtimestamp(before / 1e6, tz=UTC))
    rows = list(moments[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = str(timelines.score_of(rows[-1].created_at))
    return FeedPage(moments=rows, next_cursor=next_cursor, source="database")
