"""The glue behind the chat's "slots" action: who may ask, in which zone the answer is, and a
query count that does not grow with the teacher's bookings (the socket tests are in
tests/realtime/test_chat_slots.py)."""

from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import Profile
from messaging import services as messaging
from tutoring.selectors.chat import next_slots_in_conversation
from tutoring.services.bookings import hold_booking

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 27, 6, 0, tzinfo=UTC)  # a Friday; Europe/Madrid moves on Sunday


def test_slots_are_written_in_the_askers_zone_across_a_dst_change_and_skip_bookings(
    make_listing, make_gig, student, other_student, teacher, assert_num_queries
) -> None:
    listing = make_listing(teacher, time_zone="Europe/Madrid")  # 09:00-17:00 Madrid time
    gig = make_gig(listing, durations={45: "20.00", 60: "30.00"})
    Profile.objects.update_or_create(user=student, defaults={"time_zone": "America/New_York"})
    conversation, _ = messaging.start_conversation(student, [teacher])

    first = next_slots_in_conversation(student, conversation.pk, count=40, now=NOW)
    assert first["teacher"] == str(listing.pk)
    assert first["tz"] == "America/New_York"
    assert first["book_url"] == f"/tutoring/teachers/{listing.pk}/?gig={gig.pk}&duration=45"
    assert len(first["slots"]) == 10  # at most ten, whatever is asked
    starts = [datetime.fromisoformat(slot["start"]) for slot in first["slots"]]
    assert all(slot["gig"] == gig.pk and slot["minutes"] == 45 for slot in first["slots"])
    assert all(slot["start"].endswith("-04:00") for slot in first["slots"])  # EDT in March
    assert starts[0].astimezone(UTC) == datetime(2026, 3, 27, 8, 0, tzinfo=UTC)  # 09:00 CET

    # Another learner holds the first slot, then one on Monday (after Madrid's change):
    # both leave the answer, and the query count does not depend on them.
    hold_booking(learner=other_student, gig=gig, start=starts[0], minutes=45, now=NOW)
    monday = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # 09:00 CEST
    hold_booking(
        learner=other_student, gig=gig, start=monday, minutes=45, now=NOW, hold_for=timedelta(7)
    )
    # conversation, participants, profile, listing (+ languages, gigs, durations),
    # weekly hours, exceptions, bookings, group sessions.
    with assert_num_queries(11):
        again = next_slots_in_conversation(student, conversation.pk, count=5, now=NOW)
    assert len(again["slots"]) == 5
    # The next start on the teacher's grid once the held 45 minutes are over.
    assert [datetime.fromisoformat(s["start"]) for s in again["slots"]] == [
        start for start in starts if start >= starts[0] + timedelta(minutes=45)
    ][:5]
    with assert_num_queries(11):
        later = next_slots_in_conversation(
            student, conversation.pk, count=5, now=datetime(2026, 3, 30, 6, 0, tzinfo=UTC)
        )
    step = timedelta(minutes=listing.slot_step_minutes)
    first_monday = datetime.fromisoformat(later["slots"][0]["start"])
    assert first_monday.astimezone(UTC) == monday + -(-timedelta(minutes=45) // step) * step
    assert first_monday.utcoffset() == timedelta(hours=-4)


def test_the_gig_asked_for_sets_the_length(make_listing, make_gig, student, teacher) -> None:
    listing = make_listing(teacher)
    make_gig(listing, title="A short one", durations={30: "10.00"})
    long = make_gig(listing, title="B long one", durations={90: "40.00"})
    conversation, _ = messaging.start_conversation(student, [teacher])

    default = next_slots_in_conversation(student, conversation.pk, count=1, now=NOW)
    assert default["slots"][0]["minutes"] == 30
    chosen = next_slots_in_conversation(student, conversation.pk, gig_id=long.pk, now=NOW)
    assert {(s["gig"], s["minutes"]) for s in chosen["slots"]} == {(long.pk, 90)}


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("stranger", "not_a_member"),
        ("no-such-conversation", "not_a_member"),
        ("not-an-id", "not_a_member"),
        ("group", "not_direct"),
        ("pending-teacher", "not_a_teacher"),
        ("classmate", "not_a_teacher"),
        ("no-gig", "no_lessons"),
    ],
)
def test_who_may_ask(case, code, make_listing, make_gig, student, other_student, teacher) -> None:
    from core.api.errors import ServiceError
    from tutoring.models import ListingStatus

    asker = student
    listing = make_listing(
        teacher, status=ListingStatus.PENDING if case == "pending-teacher" else "verified"
    )
    if case != "no-gig":
        make_gig(listing)
    conversation, _ = messaging.start_conversation(student, [teacher])
    if case == "stranger":
        asker = other_student
    elif case == "no-such-conversation":
        conversation.pk = "00000000-0000-0000-0000-000000000000"
    elif case == "not-an-id":
        conversation.pk = "nope"
    elif case == "group":
        conversation, _ = messaging.start_conversation(
            student, [teacher, other_student], title="Class"
        )
    elif case == "classmate":
        conversation, _ = messaging.start_conversation(student, [other_student])
    with pytest.raises(ServiceError) as raised:
        next_slots_in_conversation(asker, conversation.pk, now=NOW)
    assert raised.value.get_codes() == code
