from typing import Any

from .base import JsonSocketConsumer


class EchoConsumer(JsonSocketConsumer):
    """Answers every JSON message with itself: the baseline for real-time benchmarks and the
    smoke test that WebSockets are served at all (frames are checked by the base)."""

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        await self.send_json(content)
