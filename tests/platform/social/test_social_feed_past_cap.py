"""The home feed past its Redis cap: a reader pages down through more moments than the
timeline keeps and gets every moment they may see, once, newest first, ending with their
oldest; never one they may not see (blocked either way, limited author, suspended or
deleted account, hidden or held, only-me of others, deleted moments whose ids went stale in
Redis); the cursor stays the score (microseconds) on both sides of the cap; the SQL queries
per page are pinned, whatever the page size."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from messaging.services import block_user
from social import feeds, services, timelines
from social.models import Moment, SocialProfile

pytestmark = pytest.mark.django_db

CAP = 10


def walk(client: Any, size: int) -> tuple[list[int], list[str], list[int]]:
    """Every page of the feed: the moment ids in order, the cursors, SQL queries per page."""
    ids: list[int] = []
    cursors: list[str] = []
    queries: list[int] = []
    url = f"/api/v1/social/feed/?page_size={size}"
    for _ in range(100):
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(url)
        assert answer.status_code == 200
        page = answer.json()
        queries.append(len(captured))
        ids += [m["id"] for m in page["results"]]
        if not page["next"]:
            return ids, cursors, queries
        cursors.append(page["next"])
        url = f"/api/v1/social/feed/?page_size={size}&cursor={page['next']}"
    raise AssertionError("the feed never ended")


@pytest.mark.parametrize("size", [2, 4])
def test_paging_past_the_cap_shows_every_visible_moment_once(
    size: int, student: Any, role_user: Callable[..., Any], client_for: Any
) -> None:
    people = {
        name: role_user(Role.STUDENT, first_name=name.title())
        for name in ("ana", "bo", "blocker", "blocked", "limited", "gone", "suspended", "stranger")
    }
    for name, person in people.items():
        if name != "stranger":
            services.follow(student, person.pk)
    start = timezone.now() - timedelta(days=30)
    made: list[Moment] = []

    def moment(author: Any, **fields: Any) -> Moment:
        made.append(
            Moment.objects.create(
                author=author,
                text=f"Momento {len(made)}",
                language="es",
                created_at=start + timedelta(minutes=7 * len(made)),
                **fields,
            )
        )
        return made[-1]

    visible: list[Moment] = []
    hidden: list[Moment] = []
    for round_ in range(5):
        visible.append(moment(people["ana"]))
        visible.append(moment(people["bo"], visibility="followers"))
        visible.append(moment(student, visibility="only_me" if round_ % 2 else "public"))
        hidden.append(moment(people["ana"], visibility="only_me"))
        hidden.append(moment(people["bo"], status=Moment.Status.HIDDEN))
        hidden.append(moment(people["ana"], status=Moment.Status.HELD))
        for name in ("blocker", "blocked", "limited", "gone", "suspended", "stranger"):
            hidden.append(moment(people[name]))
    doomed = moment(people["ana"])  # deleted below, its id left behind in Redis
    assert len(visible) > CAP

    client = client_for(student)
    with override_settings(SOCIAL_TIMELINE_MAX=CAP):
        # A timeline filled before the blocks, limits and deletions: stale ids at the top.
        feeds.rebuild(student)
        every = [(m.pk, timelines.score_of(m.created_at)) for m in made]
        timelines.add([student.pk], every)
        assert len(timelines.ids(student.pk)) == CAP
        block_user(people["blocker"], student)
        block_user(student, people["blocked"])
        SocialProfile.objects.update_or_create(
            user=people["limited"], defaults={"limited_at": timezone.now()}
        )
        type(student).objects.filter(pk=people["gone"].pk).update(deleted_at=timezone.now())
        type(student).objects.filter(pk=people["suspended"].pk).update(is_active=False)
        services.delete_moment(people["ana"], doomed.pk)
        ids, cursors, queries = walk(client, size)

    expected = [m.pk for m in sorted(visible, key=lambda m: m.created_at, reverse=True)]
    assert ids == expected  # every visible moment once, newest first, down to the oldest
    assert not set(ids) & {m.pk for m in hidden}
    # The cursor is the score of the page's last moment, in Redis and past it alike.
    by_id = {m.pk: m for m in visible}
    ends = [ids[size * (n + 1) - 1] for n in range(len(cursors))]
    assert cursors == [str(timelines.score_of(by_id[pk].created_at)) for pk in ends]
    # The first page skips the stale ids at the top of the timeline (one query per Redis
    # round that found nothing visible), then the database page: moments, media, topics.
    # Every later page: the same three queries, past the cap as before it.
    assert queries[0] == {2: 5, 4: 4}[size]
    assert queries[1:] == [3] * (len(queries) - 1)


def test_a_cold_timeline_past_its_cap_continues_from_the_database(
    student: Any, teacher: Any, client_for: Any
) -> None:
    services.follow(student, teacher.pk)
    start = timezone.now() - timedelta(days=3)
    made = [
        Moment.objects.create(
            author=teacher, text=f"Frase {n}", language="es", created_at=start + timedelta(hours=n)
        ).pk
        for n in range(2 * CAP + 1)
    ]
    timelines.drop(student.pk)
    with override_settings(SOCIAL_TIMELINE_MAX=CAP):
        ids, _cursors, queries = walk(client_for(student), 5)
        assert len(timelines.ids(student.pk)) == CAP  # rebuilt, capped
    assert ids == list(reversed(made))
    assert queries[0] == 4  # the rebuild, then moments, media, topics
    assert max(queries[1:]) <= 3
