"""Room sockets: who may join, capacity, the host's and teacher's powers, shared state."""

import asyncio
import base64
import hashlib
import hmac

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction
from django.test import override_settings

from core.testing.websockets import connect, refused
from realtime.testing import drain, receive_until
from rooms import selectors, services
from rooms.models import Attendance, Member

pytestmark = pytest.mark.django_db(transaction=True)


async def test_nobody_joins_another_s_private_call(student, other_student, user_factory) -> None:
    room = await sync_to_async(services.create_call)(student, other_student)
    intruder = await sync_to_async(user_factory)()
    assert await refused(f"/ws/rooms/{room.pk}/", user=intruder) == 4403
    assert await refused(f"/ws/rooms/{room.pk}/", user=None) == 4401
    assert await refused("/ws/rooms/00000000-0000-0000-0000-000000000000/", user=intruder) == 4404
    # Nor can a peer of another room be addressed: relays go only to peers of one's room.
    other_room = await sync_to_async(services.create_voice_room)(intruder, "Charla", "es")
    sam = await connect(f"/ws/rooms/{room.pk}/", user=student)
    sam_peer = (await receive_until(sam, "room.state"))["you"]["peer_id"]
    snoop = await connect(f"/ws/rooms/{other_room.pk}/", user=intruder)
    await receive_until(snoop, "room.state")
    await snoop.send_json_to(
        {"type": "offer", "to": sam_peer, "sdp": {"type": "offer", "sdp": "x"}}
    )
    assert (await receive_until(snoop, "error"))["code"] == "unknown_peer"
    assert not [e for e in await drain(sam) if e["type"] == "offer"]
    await sam.disconnect()
    await snoop.disconnect()


async def test_capacity_is_enforced_and_joining_costs_one_event(
    student, other_student, user_factory, group_sends
) -> None:
    host = await sync_to_async(user_factory)()
    room = await sync_to_async(services.create_voice_room)(host, "Café", "fr", capacity=2)
    first = await connect(f"/ws/rooms/{room.pk}/", user=student)
    await receive_until(first, "room.state")
    group_sends.clear()
    second = await connect(f"/ws/rooms/{room.pk}/", user=other_student)
    await receive_until(second, "room.state")
    assert [m["event"]["type"] for _, m in group_sends.calls] == ["peer.joined"]
    assert await refused(f"/ws/rooms/{room.pk}/", user=host) == 4409
    group_sends.clear()
    await second.disconnect()
    await receive_until(first, "peer.left")
    assert [m["event"]["type"] for _, m in group_sends.calls] == ["peer.left"]
    await first.disconnect()


async def test_the_voice_room_host_promotes_mutes_and_removes(student, other_student) -> None:
    room = await sync_to_async(services.create_voice_room)(student, "Small talk", "en")
    host = await connect(f"/ws/rooms/{room.pk}/", user=student)
    await receive_until(host, "room.state")
    guest = await connect(f"/ws/rooms/{room.pk}/", user=other_student)
    state = await receive_until(guest, "room.state")
    assert state["you"]["role"] == "listener"

    await guest.send_json_to({"type": "hand.raise"})
    assert (await receive_until(host, "hand.raise"))["user"] == str(other_student.pk)
    await guest.send_json_to({"type": "mute", "user": str(student.pk)})
    assert (await receive_until(guest, "error"))["code"] == "forbidden"

    await host.send_json_to({"type": "speaker.set", "user": str(other_student.pk), "speaker": True})
    assert (await receive_until(guest, "role.changed"))["role"] == "speaker"
    await host.send_json_to({"type": "mute", "user": str(other_student.pk)})
    assert (await receive_until(guest, "muted"))["user"] == str(other_student.pk)

    await host.send_json_to({"type": "remove", "user": str(other_student.pk)})
    await receive_until(guest, "removed")
    assert (await guest.receive_output(timeout=5))["code"] == 4410
    assert await refused(f"/ws/rooms/{room.pk}/", user=other_student) == 4410
    await host.disconnect()


async def test_classroom_learners_wait_until_the_teacher_admits_them(
    teacher, student, user_factory
) -> None:
    room = await sync_to_async(services.create_classroom)(teacher, [student], topic="Spanish A2")
    outsider = await sync_to_async(user_factory)()
    assert await refused(f"/ws/rooms/{room.pk}/", user=outsider) == 4403
    learner = await connect(f"/ws/rooms/{room.pk}/", user=student)
    assert (await learner.receive_json_from(timeout=5))["type"] == "waiting"
    await learner.send_json_to({"type": "chat", "text": "hola"})
    assert (await receive_until(learner, "error"))["code"] == "waiting"

    teacher_socket = await connect(f"/ws/rooms/{room.pk}/", user=teacher)
    state = await receive_until(teacher_socket, "room.state")
    assert state["waiting"] == [str(student.pk)]
    await teacher_socket.send_json_to({"type": "admit", "user": str(student.pk)})
    await receive_until(learner, "admitted")
    learner_state = await receive_until(learner, "room.state")
    assert learner_state["you"]["role"] == "learner"
    await receive_until(teacher_socket, "peer.joined")

    # Shared board and pad; a stale pad edit is refused with the current text.
    await teacher_socket.send_json_to(
        {"type": "whiteboard.stroke", "stroke": {"points": [[0, 0], [5, 5]], "color": "#000"}}
    )
    assert (await receive_until(learner, "whiteboard.stroke"))["stroke"]["points"] == [
        [0, 0],
        [5, 5],
    ]
    await learner.send_json_to({"type": "pad.update", "text": "ser / estar", "base_version": 0})
    assert (await receive_until(teacher_socket, "pad"))["version"] == 1
    await teacher_socket.send_json_to({"type": "pad.update", "text": "old", "base_version": 0})
    conflict = await receive_until(teacher_socket, "pad.conflict")
    assert conflict == {"type": "pad.conflict", "text": "ser / estar", "version": 1}
    await learner.send_json_to({"type": "screen.start"})
    assert (await receive_until(teacher_socket, "screen.start"))["user"] == str(student.pk)

    # Recording needs everyone present to agree.
    await teacher_socket.send_json_to({"type": "recording.request"})
    await receive_until(learner, "recording.consent_request")
    await teacher_socket.send_json_to({"type": "recording.consent", "granted": True})
    status = await receive_until(learner, "recording.consent")
    assert status["everyone"] is False and status["missing"] == [str(student.pk)]
    await receive_until(teacher_socket, "recording.consent")
    await learner.send_json_to({"type": "recording.consent", "granted": True})
    assert (await receive_until(teacher_socket, "recording.consent"))["everyone"] is True

    late = await connect(f"/ws/rooms/{room.pk}/", user=teacher)  # a second tab sees the state
    late_state = await receive_until(late, "room.state")
    assert late_state["pad"] == {"text": "ser / estar", "version": 1}
    assert len(late_state["whiteboard"]) == 1
    for socket in (late, learner, teacher_socket):
        await socket.disconnect()


async def test_attendance_gives_the_overlap_for_billing(teacher, student) -> None:
    room = await sync_to_async(services.create_call)(teacher, student)
    a = await connect(f"/ws/rooms/{room.pk}/", user=teacher)
    b = await connect(f"/ws/rooms/{room.pk}/", user=student)
    await asyncio.sleep(1.2)
    await b.disconnect()
    await a.disconnect()
    rows = await sync_to_async(list)(Attendance.objects.filter(room=room, left_at__isnull=False))
    assert len(rows) == 2
    overlap = await sync_to_async(selectors.overlap_seconds)(room, teacher, student)
    assert 1 <= overlap <= 3


def test_overlap_merges_reconnections(teacher, student) -> None:
    import datetime as dt

    room = services.create_call(teacher, student)
    t0 = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)

    def at(minutes: int) -> dt.datetime:
        return t0 + dt.timedelta(minutes=minutes)

    for user, start, end in [
        (teacher, 0, 60),
        (teacher, 30, 45),  # a second tab: not counted twice
        (student, 10, 20),
        (student, 25, 70),  # reconnected after a drop
    ]:
        Attendance.objects.create(
            room=room, user=user, channel_name="x", joined_at=at(start), left_at=at(end)
        )
    assert selectors.overlap_seconds(room, teacher, student) == (10 + 35) * 60


@override_settings(
    TURN_URLS=["turn:turn.example.org:3478?transport=udp"],
    TURN_SECRET="s3cret",
    STUN_URLS=["stun:turn.example.org:3478"],
    TURN_CREDENTIAL_TTL_SECONDS=3600,
)
def test_turn_credentials_follow_coturn_s_rest_scheme(api_client, student) -> None:
    api_client.force_login(student)
    servers = api_client.get("/api/v1/rooms/ice-servers/").json()
    assert servers[0] == {"urls": ["stun:turn.example.org:3478"]}
    turn = servers[1]
    _expiry, user_part = turn["username"].split(":")
    assert user_part == student.pk.hex
    expected = base64.b64encode(
        hmac.new(b"s3cret", turn["username"].encode(), hashlib.sha1).digest()
    ).decode()
    assert turn["credential"] == expected
    assert (
        selectors.ice_servers(student, now=1_000_000)[1]["username"] == f"1003600:{student.pk.hex}"
    )


def test_the_directory_lists_open_voice_rooms_at_a_fixed_cost(
    api_client, student, teacher, assert_num_queries
) -> None:
    api_client.force_login(student)
    services.create_voice_room(teacher, "Tapas", "es")
    services.create_call(teacher, student)  # private: never listed
    api_client.get("/api/v1/rooms/")
    with assert_num_queries(5):
        one = api_client.get("/api/v1/rooms/").json()
    for n in range(4):
        services.create_voice_room(teacher, f"Room {n}", "es")
    with assert_num_queries(5):
        five = api_client.get("/api/v1/rooms/", {"language": "es"}).json()
    assert one["count"] == 1 and five["count"] == 5
    assert {r["kind"] for r in five["results"]} == {"voice"}
    created = api_client.post("/api/v1/rooms/", {"topic": "Tea", "language": "en"})
    assert created.status_code == 201 and created.json()["socket"].startswith("/ws/rooms/")


def test_a_call_notifies_the_callee_and_stays_private(
    api_client, student, other_student, user_factory
) -> None:
    # The callee is rung only once the call is committed: a call rolled back rings no one.
    with pytest.raises(RuntimeError), transaction.atomic():
        services.start_call(student, other_student)
        raise RuntimeError
    assert not other_student.notifications.exists()
    api_client.force_login(student)
    room = api_client.post("/api/v1/calls/", {"user": str(other_student.pk)}).json()
    assert Member.objects.filter(room_id=room["id"]).count() == 2
    assert other_student.notifications.get().type == "call.incoming"
    api_client.force_login(user_factory())
    assert api_client.get(f"/api/v1/rooms/{room['id']}/").status_code == 404
    assert api_client.get(f"/api/v1/rooms/{room['id']}/recordings/").status_code == 404
    api_client.force_login(other_student)
    assert api_client.get(f"/api/v1/rooms/{room['id']}/").status_code == 200
    assert api_client.get(f"/api/v1/rooms/{room['id']}/attendance/").status_code == 403


@override_settings(MATCHMAKING_TIMEOUT_SECONDS=1)
async def test_random_matching_pairs_same_language_and_level_or_says_no_partner(
    student, other_student, user_factory
) -> None:
    lonely = await sync_to_async(user_factory)()
    a = await connect("/ws/match/", user=student)
    await a.send_json_to({"type": "match.find", "language": "es", "level": "A2"})
    assert (await a.receive_json_from(timeout=5))["type"] == "match.waiting"
    c = await connect("/ws/match/", user=lonely)
    await c.send_json_to({"type": "match.find", "language": "es", "level": "C1"})  # other level
    assert (await c.receive_json_from(timeout=5))["type"] == "match.waiting"
    b = await connect("/ws/match/", user=other_student)
    await b.send_json_to({"type": "match.find", "language": "es", "level": "A2"})
    found_b = await b.receive_json_from(timeout=5)
    found_a = await receive_until(a, "match.found")
    assert found_a["room"] == found_b["room"]
    room_members = await sync_to_async(
        lambda: set(
            Member.objects.filter(room_id=found_a["room"]).values_list("user_id", flat=True)
        )
    )()
    assert room_members == {student.pk, other_student.pk}
    none = await receive_until(c, "match.none", timeout=5)
    assert "No partner found" in none["message"]
    for socket in (a, b, c):
        await socket.disconnect()


async def test_suspension_closes_an_open_room_socket_at_once(student, other_student, admin) -> None:
    from accounts.services import suspend_user

    room = await sync_to_async(services.create_call)(student, other_student)
    sam = await connect(f"/ws/rooms/{room.pk}/", user=student)
    await receive_until(sam, "room.state")
    lena = await connect(f"/ws/rooms/{room.pk}/", user=other_student)
    await receive_until(lena, "room.state")
    await sync_to_async(suspend_user)(student, by=admin, reason="Abuse in a call")
    for _ in range(10):  # room events may arrive before the close
        output = await sam.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            break
    assert output == {"type": "websocket.close", "code": 4401}
    await sam.disconnect()  # what the server sends the app once the socket is closed
    # The other person stays, and is told the suspended peer left.
    assert (await receive_until(lena, "peer.left"))["peer_id"]
    await lena.disconnect()
