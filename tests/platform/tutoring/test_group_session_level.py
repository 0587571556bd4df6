"""A group session's own CEFR level: set by the teacher in the form and the API, fixed once a
seat is taken, shown on the pages, and what the ``level`` filter goes by.

The filter's rule (``selectors.group_sessions.suited_to_level``): a session at a level is
found by that level only; a session for all levels (no level set) is found by every level
its teacher teaches in the session's language."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tutoring.models import GroupSession
from tutoring.services import group_sessions as services

pytestmark = pytest.mark.django_db
LIST = "/tutoring/group-sessions/"
API = "/api/v1/group-sessions/"


def at(days: int, hour: int = 18) -> datetime:
    return (datetime.now(tz=UTC) + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def sessions(make_listing, make_gig):  # type: ignore[no-untyped-def]
    """A B1 session and an all-levels one by an A1-C2 teacher; a C1 session and an all-levels
    one by a teacher of C1-C2 only; an A1 French session."""
    wide = make_listing(languages=[("es", "A1", "C2"), ("fr", "A1", "A2")])
    narrow = make_listing(languages=[("es", "C1", "C2")])

    def publish(listing, day: int, level: str, language: str = "es"):  # type: ignore[no-untyped-def]
        return services.publish(
            make_gig(listing, language=language),
            by=listing.user,
            topic=f"{language} {level or 'all'} by {listing.user.first_name}",
            level=level,
            start=at(day),
            minutes=60,
            price=Decimal("10.00"),
            seats=4,
        )

    return {
        "b1": publish(wide, 10, "B1"),
        "wide_all": publish(wide, 11, ""),
        "c1": publish(narrow, 12, "C1"),
        "narrow_all": publish(narrow, 13, ""),
        "french_a1": publish(wide, 14, "A1", language="fr"),
    }


def _names(sessions: dict[str, GroupSession], ids: list[object]) -> set[str]:
    by_id = {str(session.pk): name for name, session in sessions.items()}
    return {by_id[str(pk)] for pk in ids}


@pytest.mark.parametrize(
    ("level", "language", "expected"),
    [
        ("B1", "", {"b1", "wide_all"}),
        ("C1", "", {"wide_all", "c1", "narrow_all"}),
        ("A1", "", {"wide_all", "french_a1"}),
        ("A1", "es", {"wide_all"}),
        ("B2", "fr", set()),
    ],
)
def test_the_level_filter_on_the_page_and_the_api(
    client, api_client, sessions, level, language, expected
) -> None:
    query = {"level": level, **({"language": language} if language else {})}
    page = client.get(LIST, query).context["sessions"]
    assert _names(sessions, [s.pk for s in page]) == expected
    rows = api_client.get(API, query).json()["results"]
    assert _names(sessions, [row["id"] for row in rows]) == expected


def test_the_level_filter_keeps_a_fixed_number_of_queries(
    client, api_client, sessions, make_listing, make_gig, assert_num_queries
) -> None:
    client.get(LIST)  # warms the per-process caches (site, settings)
    with assert_num_queries(4):
        assert len(client.get(LIST, {"level": "C1"}).context["sessions"]) == 3
    with assert_num_queries(2):  # count, page
        assert api_client.get(API, {"level": "C1"}).json()["count"] == 3
    listing = make_listing(languages=[("es", "B2", "C2")])
    for day in range(3):
        services.publish(
            make_gig(listing),
            by=listing.user,
            topic="More",
            level="C1" if day % 2 else "",
            start=at(20 + day),
            minutes=60,
            price=Decimal("10.00"),
            seats=4,
        )
    with assert_num_queries(4):
        assert len(client.get(LIST, {"level": "C1"}).context["sessions"]) == 6
    with assert_num_queries(2):
        assert api_client.get(API, {"level": "C1"}).json()["count"] == 6


def test_pages_show_the_level_or_all_levels(client, sessions) -> None:
    listed = client.get(LIST).content.decode()
    assert '<span class="tag" data-testid="session-level">B1</span>' in listed
    assert '<span class="tag" data-testid="session-level">All levels</span>' in listed
    detail = client.get(f"{LIST}{sessions['c1'].pk}/").content.decode()
    assert '<dd data-testid="session-level">C1</dd>' in detail
    detail = client.get(f"{LIST}{sessions['wide_all'].pk}/").content.decode()
    assert '<dd data-testid="session-level">All levels</dd>' in detail
    client.force_login(sessions["b1"].teacher.user)
    mine = client.get("/tutoring/teach/group-sessions/").content.decode()
    assert '<span class="tag">B1</span>' in mine and '<span class="tag">All levels</span>' in mine


def test_the_teacher_sets_and_changes_the_level_in_the_form_until_a_seat_is_taken(
    client, make_listing, make_gig, teacher, student
) -> None:
    listing = make_listing(teacher)
    gig = make_gig(listing)
    client.force_login(teacher)
    base = {
        "gig": gig.pk,
        "topic": "Subjunctive",
        "start": at(10).strftime("%Y-%m-%dT%H:%M"),
        "minutes": 60,
        "price": "9.00",
        "seats": 3,
    }
    assert client.post("/tutoring/teach/group-sessions/new/", {**base, "level": "Z9"}).context[
        "form"
    ].errors == {"level": ["Select a valid choice. Z9 is not one of the available choices."]}
    client.post("/tutoring/teach/group-sessions/new/", {**base, "level": "B2"})
    session = GroupSession.objects.get()
    assert session.level == "B2"
    edit = f"/tutoring/teach/group-sessions/{session.pk}/"
    assert client.get(edit).context["form"].initial["level"] == "B2"
    unchanged = {k: v for k, v in base.items() if k != "gig"}
    client.post(edit, {**unchanged, "level": ""})
    session.refresh_from_db()
    assert session.level == ""  # now for all levels

    services.book_seat(session, learner=student)
    answer = client.post(edit, {**unchanged, "topic": "Subjunctive II", "level": "C1"})
    session.refresh_from_db()
    assert answer.status_code == 302
    # The disabled field keeps its value: the learner keeps the level they booked.
    assert (session.topic, session.level) == ("Subjunctive II", "")


def test_the_api_publishes_shows_and_edits_the_level(
    api_client, make_listing, make_gig, student
) -> None:
    listing = make_listing()
    gig = make_gig(listing)
    api_client.force_login(listing.user)
    body = {
        "gig": gig.pk,
        "topic": "Tapas",
        "start": at(10).isoformat(),
        "minutes": 60,
        "price": "12.00",
        "seats": 5,
    }
    bad = api_client.post(API, {**body, "level": "D1"}, format="json")
    assert bad.status_code == 400 and "level" in bad.json()["fields"]
    unset = api_client.post(API, body, format="json")
    assert unset.status_code == 201 and unset.json()["level"] == ""
    created = api_client.post(
        API, {**body, "level": "A2", "start": at(11).isoformat()}, format="json"
    )
    assert created.status_code == 201 and created.json()["level"] == "A2"
    url = f"{API}{created.json()['id']}/"
    assert api_client.get(url).json()["level"] == "A2"
    changed = api_client.patch(url, {"level": "B1"}, format="json")
    assert changed.status_code == 200 and changed.json()["level"] == "B1"

    services.book_seat(GroupSession.objects.get(pk=created.json()["id"]), learner=student)
    api_client.force_login(listing.user)
    locked = api_client.patch(url, {"level": "C1"}, format="json")
    assert locked.status_code == 409, locked.json()
    assert locked.json()["code"] == "invalid_booking_state"
    assert "level" in locked.json()["message"]
    assert GroupSession.objects.get(pk=created.json()["id"]).level == "B1"
