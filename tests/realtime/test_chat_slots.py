"""The chat's "slots" action over the real ASGI app and Redis: a learner asks the teacher of
a direct conversation for their next free times and only the asking socket gets the answer."""

from datetime import UTC, datetime, timedelta

import pytest
from asgiref.sync import sync_to_async

from core.testing.websockets import connect
from messaging import services
from realtime.testing import drain, receive_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def gig(teacher, make_listing, make_gig):
    """Tomás, a verified teacher in UTC, free 09:00-17:00 every day, with a 60-minute gig."""
    return make_gig(make_listing(teacher), title="Conversation")


@pytest.fixture
def with_teacher(student, teacher, gig):
    from accounts.models import Profile

    Profile.objects.update_or_create(user=student, defaults={"time_zone": "Asia/Kolkata"})
    conversation, _ = services.start_conversation(student, [teacher])
    return conversation


async def test_the_learner_gets_the_teachers_next_free_slots_in_their_zone(
    student, other_student, teacher, gig, with_teacher
) -> None:
    from tutoring.selectors.slots import next_free_slots
    from tutoring.services.bookings import hold_booking

    # Someone else holds the teacher's first free hour.
    first = (await sync_to_async(next_free_slots)(gig.listing, 60, 1))[0].start
    await sync_to_async(hold_booking)(learner=other_student, gig=gig, start=first, minutes=60)
    learner = await connect("/ws/chat/", user=student)
    learner_elsewhere = await connect("/ws/chat/", user=student)
    tomas = await connect("/ws/chat/", user=teacher)
    for socket in (learner, learner_elsewhere, tomas):
        await drain(socket)

    await learner.send_json_to({"type": "slots", "conversation": str(with_teacher.pk), "count": 40})
    answer = await receive_until(learner, "slots")

    assert answer["conversation"] == str(with_teacher.pk)
    assert answer["teacher"] == str(teacher.pk)
    assert answer["tz"] == "Asia/Kolkata"
    assert answer["book_url"] == f"/tutoring/teachers/{teacher.pk}/?gig={gig.pk}&duration=60"
    assert len(answer["slots"]) == 10  # capped
    starts = [datetime.fromisoformat(slot["start"]) for slot in answer["slots"]]
    assert starts == sorted(starts)
    assert starts[0] >= first + timedelta(minutes=60)
    for slot, start in zip(answer["slots"], starts, strict=True):
        assert slot["start"].endswith("+05:30") and slot["end"].endswith("+05:30")
        assert datetime.fromisoformat(slot["end"]) - start == timedelta(minutes=60)
        assert (slot["gig"], slot["minutes"]) == (gig.pk, 60)
        assert 9 <= start.astimezone(UTC).hour < 17
        assert not first - timedelta(minutes=60) < start < first + timedelta(minutes=60)
    # The answer went to the asking socket only: not to the teacher, nor the learner's tab.
    assert await drain(tomas) == []
    assert await drain(learner_elsewhere) == []
    for socket in (learner, learner_elsewhere, tomas):
        await socket.disconnect()


async def test_asking_someone_who_is_not_a_teacher_or_in_someone_elses_chat_is_an_error(
    student, other_student, teacher, with_teacher
) -> None:
    classmates, _ = await sync_to_async(services.start_conversation)(student, [other_student])
    sam = await connect("/ws/chat/", user=student)
    lena = await connect("/ws/chat/", user=other_student)
    tomas = await connect("/ws/chat/", user=teacher)
    for socket in (sam, lena, tomas):
        await drain(socket)

    await sam.send_json_to({"type": "slots", "conversation": str(classmates.pk)})
    error = await receive_until(sam, "error")
    assert (error["code"], error["conversation"]) == ("not_a_teacher", str(classmates.pk))
    assert await drain(lena) == []

    await lena.send_json_to({"type": "slots", "conversation": str(with_teacher.pk)})
    assert (await receive_until(lena, "error"))["code"] == "not_a_member"
    assert await drain(sam) == []
    assert await drain(tomas) == []
    for socket in (sam, lena, tomas):
        await socket.disconnect()


async def test_asking_too_often_is_refused_for_a_minute(student, with_teacher, monkeypatch) -> None:
    from realtime.consumers import chat

    monkeypatch.setattr(chat, "SLOTS_PER_MINUTE", 2)
    sam = await connect("/ws/chat/", user=student)
    other_tab = await connect("/ws/chat/", user=student)
    ask = {"type": "slots", "conversation": str(with_teacher.pk), "count": 1}
    for _ in range(2):
        await sam.send_json_to(ask)
        assert len((await receive_until(sam, "slots"))["slots"]) == 1
    await other_tab.send_json_to(ask)  # the limit is the user's, over all their sockets
    assert (await receive_until(other_tab, "error"))["code"] == "rate_limited"
    await sam.disconnect()
    await other_tab.disconnect()
