"""Sockets fail safe: a bad frame gets an error event and the socket stays usable, in every
consumer; a room seat is given back however its socket ends (disconnect, crash, a killed
task), and seats a dead server left are released by the heartbeat sweep."""

import asyncio
import datetime as dt

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.test import override_settings
from django.utils import timezone

from core.testing.websockets import connect
from realtime.testing import drain, receive_until
from rooms import services
from rooms.models import Attendance

pytestmark = pytest.mark.django_db(transaction=True)

# (what is sent, the error code expected). Sent as text unless bytes.
BAD_FRAMES = [
    (b"\x00\x01binary", "binary_frame"),
    ("{not json", "invalid_json"),
    ("[1, 2, 3]", "invalid_message"),
    ('{"no": "type"}', "invalid_message"),
    ('{"type": 7}', "invalid_message"),
    ('{"type": "no.such.thing"}', "unknown_type"),
]
# Frames of a known type whose fields are of the wrong shape.
BAD_ROOM_FRAMES = [
    ('{"type": "mute", "user": "not-an-id"}', "invalid_field"),
    ('{"type": "admit", "user": 12}', "invalid_field"),
    ('{"type": "speaker.set", "user": {"x": 1}}', "invalid_field"),
    ('{"type": "pad.update", "text": "x", "base_version": "seven"}', "invalid_field"),
    ('{"type": "pad.update", "text": "x", "base_version": [1]}', "invalid_field"),
    ('{"type": "recording.saved", "id": "nope"}', "invalid_field"),
]


async def _send_raw(socket, frame) -> None:  # type: ignore[no-untyped-def]
    if isinstance(frame, bytes):
        await socket.send_to(bytes_data=frame)
    else:
        await socket.send_to(text_data=frame)


async def _assert_survives(socket, frames, alive) -> None:  # type: ignore[no-untyped-def]
    """Each bad frame is answered with its error code, and ``alive`` (a valid frame and the
    type of its answer) still works afterwards."""
    for frame, code in frames:
        await _send_raw(socket, frame)
        error = await receive_until(socket, "error")
        assert error["code"] == code, (frame, error)
        assert error["message"]
    request, answer = alive
    await socket.send_json_to(request)
    assert (await receive_until(socket, answer))["type"] == answer


@pytest.mark.parametrize(
    ("path", "alive"),
    [
        ("/ws/echo/", ({"type": "hello"}, "hello")),
        ("/ws/chat/", ({"type": "ping"}, "pong")),
        ("/ws/notifications/", ({"type": "ping"}, "pong")),
        ("/ws/match/", ({"type": "match.cancel"}, "match.cancelled")),
    ],
)
async def test_every_consumer_answers_bad_frames_with_an_error_and_stays(
    student, path, alive
) -> None:
    socket = await connect(path, user=student)
    # The echo socket answers any well-formed message with itself, unknown types included.
    frames = BAD_FRAMES if path != "/ws/echo/" else BAD_FRAMES[:-1]
    await _assert_survives(socket, frames, alive)
    await socket.disconnect()


async def test_the_chat_validates_fields_without_closing(student, other_student) -> None:
    from messaging import services as messaging

    conversation, _ = await sync_to_async(messaging.start_conversation)(student, [other_student])
    socket = await connect("/ws/chat/", user=student)
    frames = [
        (
            f'{{"type": "read", "conversation": "{conversation.pk}", "seq": "many"}}',
            "invalid_field",
        ),
        ('{"type": "resume", "conversations": [1]}', "invalid_resume"),
    ]
    await _assert_survives(socket, frames, ({"type": "ping"}, "pong"))
    await socket.disconnect()


async def test_a_room_socket_answers_bad_frames_and_bad_fields_and_keeps_its_seat(
    student, other_student
) -> None:
    room = await sync_to_async(services.create_voice_room)(student, "Café", "fr")
    host = await connect(f"/ws/rooms/{room.pk}/", user=student)
    await receive_until(host, "room.state")
    await _assert_survives(host, BAD_FRAMES + BAD_ROOM_FRAMES, ({"type": "ping"}, "pong"))
    # Still in the room: a newcomer sees the host and the host hears of the newcomer.
    guest = await connect(f"/ws/rooms/{room.pk}/", user=other_student)
    state = await receive_until(guest, "room.state")
    assert [p["user"] for p in state["peers"]] == [str(student.pk)]
    assert (await receive_until(host, "peer.joined"))["user"] == str(other_student.pk)
    await guest.disconnect()
    await host.disconnect()


async def _wait_ended(socket) -> None:  # type: ignore[no-untyped-def]
    """Waits for a socket's application to end (a crash or cancellation), and takes its
    exception so that asyncio does not report it as never retrieved."""
    await asyncio.wait([socket.future], timeout=10)
    assert socket.future.done()
    if not socket.future.cancelled():
        socket.future.exception()


async def test_crashed_and_killed_room_sockets_give_their_seats_back(
    student, other_student, user_factory
) -> None:
    host_user = await sync_to_async(user_factory)()
    third = await sync_to_async(user_factory)()
    room = await sync_to_async(services.create_voice_room)(host_user, "Tertulia", "es", capacity=3)
    sockets = []
    for user in (student, other_student, third):
        socket = await connect(f"/ws/rooms/{room.pk}/", user=user)
        await receive_until(socket, "room.state")
        await _assert_survives(socket, BAD_FRAMES[:3], ({"type": "ping"}, "pong"))
        sockets.append(socket)
    crashing, killed, leaving = sockets
    channel = await sync_to_async(
        lambda: Attendance.objects.get(room=room, user=student).channel_name
    )()

    # A crash inside the consumer (an event it has no handler for raises in dispatch).
    await get_channel_layer().send(channel, {"type": "no.such.handler"})
    await _wait_ended(crashing)
    # A consumer task cancelled from outside (a worker shutting down).
    killed.future.cancel()
    await _wait_ended(killed)
    # And an ordinary disconnect.
    await leaving.disconnect()

    open_rows = await sync_to_async(
        lambda: Attendance.objects.filter(room=room, left_at__isnull=True).count()
    )()
    assert open_rows == 0
    # The room is not full: its host gets in.
    host = await connect(f"/ws/rooms/{room.pk}/", user=host_user)
    state = await receive_until(host, "room.state")
    assert state["peers"] == []
    await host.disconnect()


async def test_the_sweep_releases_seats_a_dead_server_left_and_tells_the_room(
    student, other_student
) -> None:
    from rooms.tasks import release_stale_attendance

    room = await sync_to_async(services.create_voice_room)(student, "Café", "fr", capacity=2)
    # A seat taken through a server that then died: nothing refreshes or closes it.
    ghost, _ = await sync_to_async(services.join)(room.pk, other_student, "specific.dead!")
    last_seen = timezone.now() - dt.timedelta(minutes=10)
    await sync_to_async(
        lambda: Attendance.objects.filter(pk=ghost.pk).update(last_seen_at=last_seen)
    )()
    host = await connect(f"/ws/rooms/{room.pk}/", user=student)
    state = await receive_until(host, "room.state")
    assert [p["peer_id"] for p in state["peers"]] == [str(ghost.pk)]

    # A client's ping refreshes the live seat too (the server heartbeat is 30 s away).
    host_rows = Attendance.objects.filter(room=room, user=student)
    await sync_to_async(lambda: host_rows.update(last_seen_at=last_seen))()
    await host.send_json_to({"type": "ping"})
    await receive_until(host, "pong")

    assert await sync_to_async(release_stale_attendance)() == 1
    left = await receive_until(host, "peer.left")
    assert left == {"type": "peer.left", "peer_id": str(ghost.pk), "user": str(other_student.pk)}
    ghost_row = await sync_to_async(Attendance.objects.get)(pk=ghost.pk)
    # Closed when it was last seen, so billing and overlap do not count the dead time.
    assert ghost_row.left_at == last_seen
    # The live socket's seat stays, and a second sweep finds nothing.
    assert await sync_to_async(release_stale_attendance)() == 0
    assert await sync_to_async(
        lambda: Attendance.objects.filter(room=room, user=student, left_at__isnull=True).exists()
    )()
    # The freed seat can be taken again.
    back = await connect(f"/ws/rooms/{room.pk}/", user=other_student)
    await receive_until(back, "room.state")
    await back.disconnect()
    await host.disconnect()


@override_settings(ROOMS_HEARTBEAT_SECONDS=1, ROOMS_ATTENDANCE_STALE_SECONDS=60)
async def test_a_live_socket_keeps_its_seat_fresh_by_heartbeat(student) -> None:
    from rooms.tasks import release_stale_attendance

    room = await sync_to_async(services.create_voice_room)(student, "Café", "fr")
    host = await connect(f"/ws/rooms/{room.pk}/", user=student)
    await receive_until(host, "room.state")
    old = timezone.now() - dt.timedelta(minutes=10)

    def age_and_read() -> dt.datetime:
        row = Attendance.objects.get(room=room, user=student)
        return row.last_seen_at

    rows = Attendance.objects.filter(room=room, user=student)
    # The server's own heartbeat refreshes it (every ROOMS_HEARTBEAT_SECONDS).
    await sync_to_async(lambda: rows.update(last_seen_at=old))()
    await asyncio.sleep(2.5)
    assert await sync_to_async(age_and_read)() > timezone.now() - dt.timedelta(seconds=5)
    assert await sync_to_async(release_stale_attendance)() == 0
    await drain(host, settle=0.1)
    await host.disconnect()


@pytest.mark.django_db(transaction=False)
def test_the_sweep_is_scheduled_every_minute() -> None:
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="rooms.release_stale_attendance")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (1, "minutes")
