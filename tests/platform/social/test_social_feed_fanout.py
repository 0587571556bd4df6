"""Fan-out on write into Redis timelines, run by a real Celery worker: a new moment reaches
followers' timelines, an unfollow takes the author's moments out, a follow brings them in,
a delete removes them everywhere; a cold timeline is rebuilt from the database; the cap
holds; cursor pages walk the feed without gaps or repeats."""

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import override_settings

from social import feeds, services, tasks, timelines

pytestmark = pytest.mark.django_db(transaction=True)


def eventually(check: Callable[[], bool], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("the worker did not get there in time")


def test_fan_out_follow_unfollow_delete(
    celery_worker: Any, student: Any, other_student: Any, teacher: Any, client_for: Any, post: Any
) -> None:
    # Timelines exist once read (a returning reader's feed is rebuilt on read).
    for person in (student, other_student, teacher):
        client_for(person).get("/api/v1/social/feed/")
    services.follow(student, teacher.pk)
    services.follow(other_student, teacher.pk)
    first = post(teacher, "Primera clase")["id"]
    eventually(
        lambda: first in timelines.ids(student.pk) and first in timelines.ids(other_student.pk)
    )
    assert first in timelines.ids(teacher.pk)

    services.unfollow(other_student, teacher.pk)
    eventually(lambda: first not in timelines.ids(other_student.pk))
    second = post(teacher, "Segunda clase")["id"]
    eventually(lambda: second in timelines.ids(student.pk))
    assert second not in timelines.ids(other_student.pk)

    services.follow(other_student, teacher.pk)
    eventually(lambda: {first, second} <= set(timelines.ids(other_student.pk)))

    only_me = post(teacher, "Nota privada", visibility="only_me")["id"]
    eventually(lambda: only_me in timelines.ids(teacher.pk))
    assert only_me not in timelines.ids(student.pk)

    client_for(teacher).delete(f"/api/v1/social/moments/{first}/")
    eventually(lambda: first not in timelines.ids(student.pk))
    assert first not in timelines.ids(other_student.pk) and first not in timelines.ids(teacher.pk)
    feed = client_for(student).get("/api/v1/social/feed/").json()["results"]
    assert [m["id"] for m in feed] == [second]


def test_read_time_filter_beats_stale_timelines(
    student: Any, teacher: Any, client_for: Any, post: Any
) -> None:
    """No worker here: the ids stay in Redis, the read still refuses what may not be shown."""
    services.follow(student, teacher.pk)
    moment = post(teacher, "Hola")["id"]
    feeds.rebuild(student)
    assert moment in timelines.ids(student.pk)
    from messaging.services import block_user

    block_user(teacher, student)
    assert moment in timelines.ids(student.pk)
    assert client_for(student).get("/api/v1/social/feed/").json()["results"] == []


def test_cold_timeline_is_rebuilt_and_capped(student: Any, teacher: Any, client_for: Any) -> None:
    services.follow(student, teacher.pk)
    made = [services.post_moment(teacher, text=f"Palabra {n}", language="es").pk for n in range(7)]
    timelines.drop(student.pk)
    with override_settings(SOCIAL_TIMELINE_MAX=5, SOCIAL_MOMENTS_PER_HOUR=100):
        first = client_for(student).get("/api/v1/social/feed/?page_size=3").json()
        assert timelines.ids(student.pk) == list(reversed(made))[:5]
        tasks.fan_out_moment(services.post_moment(teacher, text="Nueva", language="es").pk)
        assert len(timelines.ids(student.pk)) == 5
    assert [m["id"] for m in first["results"]] == list(reversed(made))[:3]


def test_cursor_pages_walk_without_gaps(student: Any, teacher: Any, client_for: Any) -> None:
    services.follow(student, teacher.pk)
    with override_settings(SOCIAL_MOMENTS_PER_HOUR=100):
        made = [
            services.post_moment(teacher, text=f"Frase {n}", language="es").pk for n in range(11)
        ]
    client = client_for(student)
    seen: list[int] = []
    url = "/api/v1/social/feed/?page_size=4"
    while True:
        page = client.get(url).json()
        seen += [m["id"] for m in page["results"]]
        if not page["next"]:
            break
        url = f"/api/v1/social/feed/?page_size=4&cursor={page['next']}"
    assert seen == list(reversed(made))
    bad = client.get("/api/v1/social/feed/?page_size=0")
    assert bad.status_code == 400
