"""/ws/match/: random 1:1 partner by target language and level.

``{"type": "match.find", "language": "es", "level": "A2"}`` → ``match.waiting``, then either
``match.found`` {room} (both sides get it) or, after MATCHMAKING_TIMEOUT_SECONDS,
``match.none`` with a plain message. The queue is in the database (rows locked with SKIP
LOCKED), so seekers on different servers meet; the timer is only a reminder to give up.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from rooms import selectors, services
from rooms.models import MatchRequest

from .base import UserSocketConsumer

NO_PARTNER = "No partner found right now. Try again in a few minutes, or another level."


class MatchConsumer(UserSocketConsumer):
    stream = "match"
    require_verified_email = True

    async def on_open(self) -> None:
        self.timer: asyncio.Task[None] | None = None

    def handlers(self) -> dict[str, Any]:
        return {"match.find": self.on_find, "match.cancel": self.on_cancel}

    async def on_find(self, content: dict[str, Any]) -> None:
        language = str(content.get("language") or "").strip()[:12]
        level = str(content.get("level") or "").upper()
        if not language or level not in services.LEVELS:
            await self.error("invalid_match", "Choose a language and a level from A1 to C2.")
            return
        request = await database_sync_to_async(services.find_partner)(
            self.user, language, level, self.channel_name
        )
        if request.status == MatchRequest.Status.MATCHED:
            partner = await database_sync_to_async(selectors.match_partner)(request)
            event = {
                "type": "match.found",
                "room": str(request.room_id),
                "url": f"/calls/{request.room_id}/",
            }
            await self.send_json(event)
            if partner is not None:
                await self.channel_layer.send(
                    partner.channel_name, {"type": "match.event", "event": event}
                )
            return
        await self.send_json(
            {"type": "match.waiting", "timeout": settings.MATCHMAKING_TIMEOUT_SECONDS}
        )
        self._cancel_timer()
        self.timer = asyncio.ensure_future(self._give_up(request.pk))

    async def _give_up(self, request_id: Any) -> None:
        await asyncio.sleep(settings.MATCHMAKING_TIMEOUT_SECONDS)
        if await database_sync_to_async(services.expire_match)(request_id):
            await self.send_json({"type": "match.none", "message": NO_PARTNER})

    def _cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    async def on_cancel(self, content: dict[str, Any]) -> None:
        self._cancel_timer()
        await database_sync_to_async(services.cancel_match)(self.user)
        await self.send_json({"type": "match.cancelled"})

    async def match_event(self, message: dict[str, Any]) -> None:
        self._cancel_timer()
        await self.send_json(message["event"])

    async def release(self) -> None:
        if getattr(self, "timer", None) is not None:
            self._cancel_timer()
            with contextlib.suppress(Exception):
                await database_sync_to_async(services.cancel_match)(self.user)
        await super().release()
