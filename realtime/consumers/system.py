from channels.generic.websocket import AsyncJsonWebsocketConsumer

from realtime.auth import RevocableSocketMixin


class EchoConsumer(RevocableSocketMixin, AsyncJsonWebsocketConsumer):
    """Answers every JSON message with itself: the baseline for real-time benchmarks and the
    smoke test that WebSockets are served at all."""

    async def receive_json(self, content, **kwargs):  # type: ignore[no-untyped-def]
        if not isinstance(content, dict) or "type" not in content:
            await self.send_json(
                {
                    "type": "error",
                    "code": "invalid_message",
                    "message": "Every message is a JSON object with a type.",
                }
            )
            return
        await self.send_json(content)
