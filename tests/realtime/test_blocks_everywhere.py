"""A block stops every way one person reaches another: calls, groups and random matching
all go through messaging's one block check."""

import pytest
from asgiref.sync import sync_to_async
from django.test import override_settings

from core.testing.websockets import connect
from messaging.models import Conversation
from messaging.services import block_user
from realtime.testing import receive_until
from rooms.models import MatchRequest, Room

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_blocked_person_cannot_call_the_blocker(api_client, student, other_student) -> None:
    block_user(other_student, student)
    api_client.force_login(student)
    response = api_client.post("/api/v1/calls/", {"user": str(other_student.pk)})
    assert response.status_code == 403
    assert response.json()["code"] == "blocked"
    assert not Room.objects.exists()
    assert not other_student.notifications.exists()
    # The blocker cannot call either: a block works both ways.
    api_client.force_login(other_student)
    assert api_client.post("/api/v1/calls/", {"user": str(student.pk)}).status_code == 403


def test_calling_yourself_is_a_clean_400(api_client, student) -> None:
    api_client.force_login(student)
    response = api_client.post("/api/v1/calls/", {"user": str(student.pk)})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_call"
    assert not Room.objects.exists()


def test_a_group_including_someone_who_blocked_the_creator_is_refused_naming_no_one(
    api_client, student, other_student, user_factory
) -> None:
    friend = user_factory()
    block_user(other_student, student)
    api_client.force_login(student)
    response = api_client.post(
        "/api/v1/conversations/",
        {"participants": [str(friend.pk), str(other_student.pk)], "title": "hello there"},
    )
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "blocked"
    for person in (other_student, friend):
        assert str(person.pk) not in str(body) and person.email not in str(body)
        assert person.first_name not in body["message"]
    assert not Conversation.objects.exists()
    # Without the blocker the group is fine.
    response = api_client.post(
        "/api/v1/conversations/", {"participants": [str(friend.pk), str(student.pk)]}
    )
    assert response.status_code in (200, 201)


@override_settings(MATCHMAKING_TIMEOUT_SECONDS=1)
async def test_random_matching_never_pairs_blocked_people(student, other_student) -> None:
    await sync_to_async(block_user)(student, other_student)
    a = await connect("/ws/match/", user=student)
    await a.send_json_to({"type": "match.find", "language": "es", "level": "A2"})
    assert (await a.receive_json_from(timeout=5))["type"] == "match.waiting"
    b = await connect("/ws/match/", user=other_student)
    await b.send_json_to({"type": "match.find", "language": "es", "level": "A2"})
    assert (await b.receive_json_from(timeout=5))["type"] == "match.waiting"
    await receive_until(a, "match.none", timeout=5)
    await receive_until(b, "match.none", timeout=5)
    assert not await sync_to_async(Room.objects.exists)()
    assert not await sync_to_async(MatchRequest.objects.filter(room__isnull=False).exists)()
    for socket in (a, b):
        await socket.disconnect()
