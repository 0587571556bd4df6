"""Two real WebRTC stacks (aiortc) open a data channel through our signalling: offer,
answer and ICE go over /ws/rooms/<id>/ of the real ASGI app and the Redis channel layer;
media (here, data) then flows peer to peer on loopback host candidates."""

import asyncio

import aioice.ice
import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from asgiref.sync import sync_to_async

from core.testing.websockets import connect
from realtime.testing import receive_until
from rooms import services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def loopback_candidates(monkeypatch):
    # Host candidates on 127.0.0.1 only: no network, STUN or TURN needed.
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1"])


def description(pc: RTCPeerConnection) -> dict:
    return {"type": pc.localDescription.type, "sdp": pc.localDescription.sdp}


async def test_two_aiortc_peers_open_a_data_channel_through_our_signalling(student, other_student):
    room = await sync_to_async(services.create_call)(student, other_student)
    caller_socket = await connect(f"/ws/rooms/{room.pk}/", user=student)
    caller_state = await receive_until(caller_socket, "room.state")
    assert caller_state["peers"] == [] and caller_state["you"]["role"] == "caller"

    callee_socket = await connect(f"/ws/rooms/{room.pk}/", user=other_student)
    callee_state = await receive_until(callee_socket, "room.state")
    caller_peer_id = caller_state["you"]["peer_id"]
    assert [p["peer_id"] for p in callee_state["peers"]] == [caller_peer_id]
    joined = await receive_until(caller_socket, "peer.joined")
    callee_peer_id = joined["peer_id"]
    assert "channel_name" not in joined  # internal addressing stays on the server

    config = RTCConfiguration(iceServers=[])
    caller, callee = RTCPeerConnection(config), RTCPeerConnection(config)
    received: asyncio.Queue[str] = asyncio.Queue()
    replies: asyncio.Queue[str] = asyncio.Queue()

    @callee.on("datachannel")
    def on_datachannel(channel):  # type: ignore[no-untyped-def]
        @channel.on("message")
        def on_message(message):  # type: ignore[no-untyped-def]
            received.put_nowait(message)
            channel.send(f"eco: {message}")

    channel = caller.createDataChannel("lesson")
    opened = asyncio.Event()
    channel.on("open", opened.set)
    channel.on("message", replies.put_nowait)

    try:
        await caller.setLocalDescription(await caller.createOffer())
        await caller_socket.send_json_to(
            {"type": "offer", "to": callee_peer_id, "sdp": description(caller)}
        )

        offer = await receive_until(callee_socket, "offer")
        assert offer["from"] == caller_peer_id
        await callee.setRemoteDescription(RTCSessionDescription(**offer["sdp"]))
        await callee.setLocalDescription(await callee.createAnswer())
        await callee_socket.send_json_to(
            {"type": "answer", "to": caller_peer_id, "sdp": description(callee)}
        )

        answer = await receive_until(caller_socket, "answer")
        assert answer["from"] == callee_peer_id
        await caller.setRemoteDescription(RTCSessionDescription(**answer["sdp"]))

        await asyncio.wait_for(opened.wait(), timeout=20)
        channel.send("¡hola!")
        assert await asyncio.wait_for(received.get(), timeout=10) == "¡hola!"
        assert await asyncio.wait_for(replies.get(), timeout=10) == "eco: ¡hola!"
    finally:
        await caller.close()
        await callee.close()
        await caller_socket.disconnect()
        left = await receive_until(callee_socket, "peer.left")
        assert left["peer_id"] == caller_peer_id
        await callee_socket.disconnect()
