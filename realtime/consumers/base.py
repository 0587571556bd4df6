"""What every authenticated socket does: refuse anonymous users with a clear close code,
join the user's group for its stream, and forward events from that group."""

from __future__ import annotations

import contextlib
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from redis.exceptions import ConnectionError as RedisConnectionError

from accounts.selectors import is_email_verified
from realtime.auth import RevocableSocketMixin
from realtime.events import user_group

# Close codes (4000-4999 are the application's own, see RFC 6455 §7.4.2).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_FULL = 4409
CLOSE_REMOVED = 4410
CLOSE_EMAIL_NOT_VERIFIED = 4412


class UserSocketConsumer(RevocableSocketMixin, AsyncJsonWebsocketConsumer):
    stream: str = ""
    require_verified_email = False

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if self.require_verified_email and not await database_sync_to_async(is_email_verified)(
            self.user
        ):
            await self.close(code=CLOSE_EMAIL_NOT_VERIFIED)
            return
        self.group = user_group(self.stream, self.user.pk)
        await self.join_group(self.group)
        await self.accept()
        await self.on_open()

    async def on_open(self) -> None:
        pass

    async def join_group(self, group: str) -> None:
        try:
            await self.channel_layer.group_add(group, self.channel_name)
        except (ConnectionError, RedisConnectionError):
            # After a Redis restart the pool's first connection is stale; a second try
            # gets a fresh one (a second failure propagates and closes the socket).
            await self.channel_layer.group_add(group, self.channel_name)

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            # The layer may be gone (Redis restarting): the group entry then expires by itself.
            with contextlib.suppress(Exception):
                await self.channel_layer.group_discard(self.group, self.channel_name)

    async def error(self, code: str, message: str, **extra: Any) -> None:
        await self.send_json({"type": "error", "code": code, "message": message, **extra})

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.error("invalid_message", "Every message is a JSON object with a type.")
            return
        handler = self.handlers().get(content["type"])
        if handler is None:
            await self.error("unknown_type", f"Unknown message type {content['type']!r}.")
            return
        await handler(content)

    def handlers(self) -> dict[str, Any]:
        return {}

    async def stream_event(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])
