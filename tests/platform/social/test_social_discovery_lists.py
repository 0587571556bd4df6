"""Discovery's orderings and the lists' pinned query counts: trending topics counted per
moment (only what the viewer may see) and ordered by count then name; people to follow
ranked language-exchange partners first, then learners of the same language, then shared
interests; and following/, bookmarks/, people/, reports/ and appeals/ in a fixed number of
queries whatever the page holds."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import LearningLanguage, Profile
from accounts.roles import Role
from social import services
from social.models import Interest, SocialProfile

pytestmark = pytest.mark.django_db


def speaks(user: Any, native: str, learns: str) -> Any:
    Profile.objects.filter(user=user).update(native_language=native)
    LearningLanguage.objects.create(profile=Profile.objects.get(user=user), language=learns)
    return user


def test_trending_topics_are_counted_and_ordered(
    student: Any, other_student: Any, role_user: Callable[..., Any], client_for: Any
) -> None:
    authors = [role_user(Role.STUDENT) for _ in range(3)]
    for author, topics in zip(
        authors, (["viaje", "comida"], ["viaje", "música"], ["viaje"]), strict=True
    ):
        services.post_moment(author, text=f"Hola de {author.pk}", language="es", topics=topics)
    services.post_moment(authors[1], text="Otra", language="es", topics=["comida"])
    services.post_moment(
        authors[2], text="Secreto", language="es", topics=["zzz"], visibility="only_me"
    )
    limited = role_user(Role.STUDENT)
    services.post_moment(limited, text="Spam", language="es", topics=["música", "spam"])
    SocialProfile.objects.update_or_create(user=limited, defaults={"limited_at": timezone.now()})
    answer = client_for(student).get("/api/v1/social/discover/?language=es").json()
    assert answer["trending_topics"] == [
        {"tag": "viaje", "count": 3},
        {"tag": "comida", "count": 2},
        {"tag": "música", "count": 1},
    ]
    # The limited author sees their own topics counted, as if nothing happened.
    own = client_for(limited).get("/api/v1/social/discover/?language=es").json()
    assert {"tag": "spam", "count": 1} in own["trending_topics"]
    assert {"tag": "música", "count": 2} in own["trending_topics"]


def test_people_to_follow_puts_language_exchange_partners_first(
    student: Any, role_user: Callable[..., Any], client_for: Any
) -> None:
    speaks(student, "es", "en")
    Interest.objects.create(user=student, tag="cine")
    interest = speaks(role_user(Role.STUDENT, first_name="Iris"), "de", "ja")
    Interest.objects.create(user=interest, tag="cine")
    same_target = speaks(role_user(Role.STUDENT, first_name="Olga"), "fr", "en")
    exchange = speaks(role_user(Role.STUDENT, first_name="Eve"), "en", "es")
    speaks(role_user(Role.STUDENT, first_name="Nadia"), "de", "ja")  # nothing in common
    followed = speaks(role_user(Role.STUDENT, first_name="Fede"), "en", "es")
    services.follow(student, followed.pk)
    people = client_for(student).get("/api/v1/social/people/").json()["results"]
    assert [p["id"] for p in people] == [str(exchange.pk), str(same_target.pk), str(interest.pk)]


@pytest.mark.parametrize("count", [2, 7])
def test_list_query_counts_are_pinned(
    count: int,
    student: Any,
    moderator: Any,
    role_user: Callable[..., Any],
    client_for: Any,
) -> None:
    speaks(student, "es", "en")
    for number in range(count):
        person = speaks(role_user(Role.STUDENT), "en", "es")
        services.follow(student, person.pk)
        moment = services.post_moment(person, text=f"Momento {number}", language="es")
        services.bookmark(student, moment.pk)
        speaks(role_user(Role.STUDENT), "en", "es")  # someone to suggest
        report = services.report(
            student, target="moment", target_id=moment.pk, category="spam", details="!"
        )
        mine = services.post_moment(student, text=f"Mío {number}", language="es")
        theirs = services.report(
            person, target="moment", target_id=mine.pk, category="spam", details="?"
        )
        action = services.decide_report(theirs, moderator=moderator, kind="hide", reason="Spam")
        services.appeal(student, action.pk, "Not spam")
        assert report.pk
    client = client_for(student)
    pinned = {
        "following": 3,  # person, count, page
        "bookmarks": 4,
        "people": 4,
        "reports": 2,
        "appeals": 2,
    }
    urls = {
        "following": f"/api/v1/social/users/{student.pk}/following/",
        "bookmarks": "/api/v1/social/bookmarks/",
        "people": "/api/v1/social/people/",
        "reports": "/api/v1/social/reports/",
        "appeals": "/api/v1/social/appeals/",
    }
    measured = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(url)
        assert answer.status_code == 200, url
        assert len(answer.json()["results"]) == count, url
        measured[name] = len(queries)
    assert measured == pinned
