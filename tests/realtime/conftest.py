from collections.abc import Iterator
from typing import Any

import pytest
from channels.layers import get_channel_layer

from realtime.testing import role_groups_after_flush as _role_groups  # noqa: F401

# The chat's "slots" action needs a teacher with hours and a gig.
from tutoring.testing import make_gig, make_listing  # noqa: F401


class GroupSends:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def events(self, type_: str | None = None) -> list[dict[str, Any]]:
        return [
            message["event"]
            for _, message in self.calls
            if "event" in message and (type_ is None or message["event"].get("type") == type_)
        ]

    def groups(self, type_: str) -> list[str]:
        return [
            group for group, message in self.calls if message.get("event", {}).get("type") == type_
        ]

    def clear(self) -> None:
        self.calls.clear()


@pytest.fixture(autouse=True)
def _fresh_channel_layer() -> Iterator[None]:
    """A new channel layer object per test: its receive locks belong to one event loop, and
    a test that restarts Redis or sends from helper threads must not leave state behind."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def group_sends(monkeypatch: pytest.MonkeyPatch) -> Iterator[GroupSends]:
    """Records every group send of the real channel layer (it still sends): Zulip's
    capture_send_event_calls, to pin how many events an action costs."""
    layer = get_channel_layer()
    recorder = GroupSends()
    original = layer.group_send

    async def recording(group: str, message: dict[str, Any]) -> None:
        recorder.calls.append((group, message))
        await original(group, message)

    monkeypatch.setattr(layer, "group_send", recording)
    yield recorder
