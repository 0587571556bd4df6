"""Fan-out of real-time events to users' sockets over the channel layer.

The one module where channel-group names are made and events are sent. It imports no app,
so any app's services can call it without depending on ``realtime`` (whose consumers import
the apps' services, never the reverse).

Every event reaches a user through one group per user and stream (``chat``, ``notifications``),
whatever the number of sockets (tabs, phone) the user has open, on whichever server. Services
call these after their transaction commits: the database is the truth and a lost event is
recovered by the client's resume, so a channel-layer failure is logged, never raised.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

CHAT = "chat"
NOTIFICATIONS = "notifications"


def user_group(stream: str, user_id: Any) -> str:
    return f"{stream}.{getattr(user_id, 'hex', user_id)}"


def room_group(room_id: Any) -> str:
    """Every socket present in one room (realtime.consumers.rooms)."""
    return f"room.{getattr(room_id, 'hex', str(room_id).replace('-', ''))}"


def waiting_group(room_id: Any, user_id: Any) -> str:
    """One person in a room's waiting room, told when the host admits them."""
    return f"room.{room_id.hex}.waiting.{user_id.hex}"


def socket_user_group(user_id: Any) -> str:
    """The group every signed-in socket of one user joins, whatever its stream: revoking the
    user's access closes them all (``close_user_sockets``)."""
    return f"user.{user_id}"


def socket_session_group(session_key: str) -> str:
    """The group of every socket opened under one sign-in (a browser session, or the
    session behind an app's tokens). Hashed: the key itself must not cross Redis."""
    return "session." + hashlib.sha256(session_key.encode()).hexdigest()[:40]


def send_to_group(group: str, message: dict[str, Any]) -> None:
    """A channel-layer group send from sync code (a Celery task, a signal receiver); a
    failure is logged, never raised."""

    async def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            await layer.group_send(group, message)

    try:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            async_to_sync(send)()
            return
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(async_to_sync(send)).result()
    except Exception:
        logger.exception("Could not send %s to %s", message.get("type"), group)


async def asend_to_users(stream: str, user_ids: Iterable[Any], event: dict[str, Any]) -> int:
    """Sends ``event`` (a JSON-able dict with a ``type``) to every socket of each user.
    Returns the number of group sends, which tests pin per action."""
    layer = get_channel_layer()
    sent = 0
    if layer is None:
        return sent
    for user_id in user_ids:
        try:
            await layer.group_send(
                user_group(stream, user_id), {"type": "stream.event", "event": event}
            )
            sent += 1
        except Exception:
            logger.exception("Could not fan out a %s event to %s", event.get("type"), user_id)
    return sent


def send_to_users(stream: str, user_ids: Iterable[Any], event: dict[str, Any]) -> int:
    send = async_to_sync(asend_to_users)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return send(stream, list(user_ids), event)
    # Sync code on a thread that also runs an event loop (a sync Playwright test, a Jupyter
    # shell): async_to_sync refuses to run there, so send from a helper thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(send, stream, list(user_ids), event).result()


def close_user_sockets(user_id: Any) -> None:
    """Closes every open socket of the user (code 4401) on every web node: called when
    their access is revoked (suspension, deletion)."""
    send_to_group(socket_user_group(user_id), {"type": "auth.revoked"})


def close_session_sockets(session_key: str) -> None:
    """Closes (4401) every socket opened under one session: called when it signs out."""
    send_to_group(socket_session_group(session_key), {"type": "auth.revoked"})
