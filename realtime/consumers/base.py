"""What every socket shares (``JsonSocketConsumer``): frames decoded and validated in one
place, a bad frame answered with an ``error`` event while the socket stays, refusals sent as
close codes after accepting, revocation (suspension, deletion, sign-out, token expiry closes
the socket with 4401), and cleanup that runs however the socket ends, crash included.

``UserSocketConsumer`` adds what every authenticated feature socket does: refuse anonymous
users, join the user's group for its stream, and forward events from that group."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import ValidationError as DjangoValidationError
from redis.exceptions import ConnectionError as RedisConnectionError

from accounts.selectors import is_email_verified
from core.api.errors import ServiceError, code_of
from core.fanout import socket_session_group, socket_user_group, user_group

logger = logging.getLogger(__name__)

# Close codes (4000-4999 are the application's own, see RFC 6455 §7.4.2).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_FULL = 4409
CLOSE_REMOVED = 4410
CLOSE_EMAIL_NOT_VERIFIED = 4412
CLOSE_SERVER_ERROR = 1011

# Larger text frames are refused with an error event before being parsed.
MAX_FRAME_CHARS = 256 * 1024


class BadFrame(Exception):
    """A client frame that cannot be acted on: answered with an ``error`` event."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def int_field(content: dict[str, Any], name: str, default: int | None = None) -> int:
    """``content[name]`` as an integer (a JSON number without fraction, or digits)."""
    value = content.get(name, default)
    if isinstance(value, bool) or value is None:
        raise BadFrame("invalid_field", f"{name} must be an integer.")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return int(value.strip())
    raise BadFrame("invalid_field", f"{name} must be an integer.")


def uuid_field(content: dict[str, Any], name: str) -> uuid.UUID:
    """``content[name]`` as an id (a UUID string)."""
    value = content.get(name)
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return uuid.UUID(value)
    raise BadFrame("invalid_field", f"{name} must be an id.")


class JsonSocketConsumer(AsyncJsonWebsocketConsumer):
    """The base of every consumer. Subclasses put their cleanup in ``release`` (it runs
    once, on a normal disconnect, a refused handshake, a crash or a cancelled task) and
    dispatch frames in ``receive_json`` or through ``handlers``."""

    _accepted = False
    _closed = False
    _released = False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self._timers: list[asyncio.Task[Any]] = []
        self._revocation_groups: list[str] = []
        try:
            await super().__call__(scope, receive, send)
        finally:
            # An exception (or cancellation: a worker shutting down) skips
            # websocket_disconnect; seats and groups must be given back all the same.
            await self._release_once()

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' own dispatch runs ``close_old_connections`` through ``sync_to_async``
        before every handler: a hop to the one thread-sensitive thread for each frame and
        each group event of every socket, all of them queued on that single thread (at
        1,000 chat sockets, three hops a message and a tenth of the server's CPU). Our
        consumers never query on that thread: every database call goes through
        ``database_sync_to_async`` (or the tutor's ``in_thread``), which closes old
        connections in its own thread before and after the call. So the hop is skipped."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- handshake -------------------------------------------------------------------------
    async def websocket_connect(self, message: dict[str, Any]) -> None:
        user = self.scope.get("user")
        access = self.scope.get("token_access")
        if access is not None and not getattr(user, "is_authenticated", False):
            await self.close(code=CLOSE_UNAUTHENTICATED)  # expired or invalid token
            return
        try:
            if user is not None and user.is_authenticated:
                await self._join_revocation_groups(user, access)
            await super().websocket_connect(message)
        except Exception:
            logger.exception("A socket failed while opening")
            await self.close(code=CLOSE_SERVER_ERROR)
            await self._release_once()

    async def _join_revocation_groups(self, user: Any, access: Any) -> None:
        groups = [socket_user_group(user.pk)]
        session_key = access.session_key if access is not None else None
        if access is None:
            session = self.scope.get("session")
            session_key = getattr(session, "session_key", None)
        if session_key:
            groups.append(socket_session_group(session_key))
        for group in groups:
            await self.join_group(group)
            self._revocation_groups.append(group)
        if access is not None and access.expires_at is not None:
            # The app refreshes its token and reconnects; until then the socket must not
            # outlive the access it was opened with.
            self.call_later(
                max(0.0, access.expires_at - time.time()),
                lambda: self.close(code=CLOSE_UNAUTHENTICATED),
            )

    async def join_group(self, group: str) -> None:
        try:
            await self.channel_layer.group_add(group, self.channel_name)
        except (ConnectionError, RedisConnectionError):
            # After a Redis restart the pool's first connection is stale; a second try
            # gets a fresh one (a second failure propagates and closes the socket).
            await self.channel_layer.group_add(group, self.channel_name)

    async def accept(self, subprotocol: str | None = None, headers: Any = None) -> None:
        if self._accepted:
            return
        self._accepted = True
        await super().accept(subprotocol, headers)

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        """Closes with ``code``; before the handshake is accepted, accepts it first, so
        that the client receives the code instead of a bare HTTP 403."""
        if self._closed:
            return
        if not self._accepted:
            await self.accept()
        self._closed = True
        await super().close(code, reason)

    # --- timers ----------------------------------------------------------------------------
    def call_later(self, delay: float, callback: Callable[[], Awaitable[Any]]) -> None:
        """Runs ``callback`` after ``delay`` seconds unless the socket ended first."""

        async def run() -> None:
            await asyncio.sleep(delay)
            await callback()

        self._timers.append(asyncio.ensure_future(run()))

    def call_every(self, interval: float, callback: Callable[[], Awaitable[Any]]) -> None:
        """Runs ``callback`` every ``interval`` seconds while the socket lives; a failing
        call is logged and the next one still runs."""

        async def run() -> None:
            while True:
                await asyncio.sleep(interval)
                try:
                    await callback()
                except Exception:
                    logger.exception("A socket's periodic task failed")

        self._timers.append(asyncio.ensure_future(run()))

    # --- frames ----------------------------------------------------------------------------
    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        if text_data is None:
            await self.error("binary_frame", "Frames are JSON text; binary frames are refused.")
            return
        if len(text_data) > MAX_FRAME_CHARS:
            await self.error(
                "frame_too_large", f"A frame has at most {MAX_FRAME_CHARS} characters."
            )
            return
        try:
            content = json.loads(text_data)
        except (ValueError, RecursionError):
            await self.error("invalid_json", "Every frame is a JSON object with a type.")
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.error("invalid_message", "Every message is a JSON object with a type.")
            return
        try:
            await self.receive_json(content)
        except BadFrame as exc:
            await self.error(exc.code, exc.message, request=content["type"])
        except ServiceError as exc:
            await self.error(code_of(exc), str(exc.detail), request=content["type"])
        except (DjangoValidationError, ValueError, TypeError, KeyError) as exc:
            # A field of the wrong shape that a handler did not validate itself.
            logger.warning("Invalid %r frame: %s", content["type"], exc, exc_info=True)
            await self.error(
                "invalid_field", "A field of this message is invalid.", request=content["type"]
            )
        except Exception:
            logger.exception("A %r frame failed", content["type"])
            await self.error(
                "server_error",
                "This message could not be handled; try again.",
                request=content["type"],
            )

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        handler = self.handlers().get(content["type"])
        if handler is None and content["type"] == "ping":
            await self.send_json({"type": "pong"})  # every socket answers a keep-alive
            return
        if handler is None:
            raise BadFrame("unknown_type", f"Unknown message type {content['type']!r}.")
        await handler(content)

    def handlers(self) -> dict[str, Callable[[dict[str, Any]], Awaitable[None]]]:
        return {}

    async def error(self, code: str, message: str, **extra: Any) -> None:
        if self._closed:
            return
        await self.send_json({"type": "error", "code": code, "message": message, **extra})

    # --- the end ---------------------------------------------------------------------------
    async def disconnect(self, code: int) -> None:
        await self._release_once()

    async def _release_once(self) -> None:
        if self._released:
            return
        self._released = True
        for timer in getattr(self, "_timers", []):
            timer.cancel()
        try:
            await self.release()
        except Exception:
            logger.exception("A socket's cleanup failed")
        for group in getattr(self, "_revocation_groups", []):
            # With Redis gone (restarting) the group entry expires by itself.
            with contextlib.suppress(Exception):
                await self.channel_layer.group_discard(group, self.channel_name)

    async def release(self) -> None:
        """Gives back what the socket holds (seats, queue places, groups). Runs once."""

    async def auth_revoked(self, event: dict[str, Any]) -> None:
        await self.close(code=CLOSE_UNAUTHENTICATED)


class UserSocketConsumer(JsonSocketConsumer):
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

    async def release(self) -> None:
        if hasattr(self, "group"):
            # The layer may be gone (Redis restarting): the group entry then expires by itself.
            with contextlib.suppress(Exception):
                await self.channel_layer.group_discard(self.group, self.channel_name)

    async def stream_event(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])
