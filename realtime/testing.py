"""Helpers for tests of the real-time sockets."""

import json
from pathlib import Path
from typing import Any

import pytest
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


@pytest.fixture(autouse=True)
def role_groups_after_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests flush the database after each test, taking the role groups of
    the data migration with them: put them back for the named fixture users."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    from django.contrib.auth.models import Group

    from accounts.roles import GROUP_NAMES

    for name in GROUP_NAMES.values():
        Group.objects.get_or_create(name=name)


WEBSOCKET_SCHEMA = Path(__file__).resolve().parents[1] / "docs/api/websocket-messages.schema.json"


def assert_frames_match_schema(socket: str, side: str, frames: list[dict[str, Any]]) -> None:
    """Each frame matches exactly one of ``socket``'s documented ``side`` ("client" or
    "server") frames in docs/api/websocket-messages.schema.json (what native clients decode
    with)."""
    from jsonschema import Draft202012Validator

    schema = json.loads(WEBSOCKET_SCHEMA.read_text())
    Draft202012Validator.check_schema(schema)
    judge = Draft202012Validator({**schema, **schema["x-sockets"][socket][side]})
    for frame in frames:
        errors = [error.message for error in judge.iter_errors(frame)]
        assert not errors, (socket, side, frame, errors[:3])  # noqa: S101 - test helper
