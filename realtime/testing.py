"""Helpers for tests of the real-time sockets."""

from typing import Any

from channels.testing import WebsocketCommunicator


async def receive_until(
    socket: WebsocketCommunicator, type_: str, timeout: float = 5
) -> dict[str, Any]:
    """The next event of ``type_``, skipping others (presence, hello …)."""
    while True:
        event = await socket.receive_json_from(timeout=timeout)
        if event.get("type") == type_:
            return event


async def drain(socket: WebsocketCommunicator, settle: float = 0.3) -> list[dict[str, Any]]:
    """Every event that arrives until none has for ``settle`` seconds."""
    events = []
    while not await socket.receive_nothing(timeout=settle):
        events.append(await socket.receive_json_from())
    return events
