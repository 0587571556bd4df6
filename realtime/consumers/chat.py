"""The chat socket, /ws/chat/: sending, receiving, typing, read receipts, presence, resume.

Delivery guarantee on one socket: for each conversation, messages reach the client in
sequence order with no gap and no duplicate from the moment the socket opened (its
*baseline*, read at connect), and a ``resume`` fills in what the client missed before.
Events from the channel layer may arrive out of order or not at all (two senders commit
concurrently; Redis restarts): a message whose sequence is not the next one makes the
consumer read the missing ones from the database, which is the source of truth.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from channels.db import database_sync_to_async
from django.core.cache import cache

from core.api.errors import ServiceError, code_of
from core.fanout import CHAT, asend_to_users
from messaging import presence, selectors, services

# Registers the offline-nudge task in this process now: otherwise the first message's nudge
# finds it missing and Celery imports every app's tasks (seconds of imports on a pool
# thread, next to the event loop, while the first messages are being fanned out).
from messaging import tasks as _nudge_task  # noqa: F401  isort: skip
from tutoring.selectors.chat import next_slots_in_conversation

from .base import UserSocketConsumer, int_field

logger = logging.getLogger(__name__)

MAX_REPLAY = 1000
# "slots" reads a teacher's calendar (about ten queries): a user asks at most this many times
# a minute, over all their sockets.
SLOTS_PER_MINUTE = 10


def within_rate(user_id: Any, action: str, per_minute: int) -> bool:
    """A fixed one-minute window per user and action, counted in the shared cache."""
    key = f"chat-rate:{action}:{user_id}"
    cache.add(key, 0, timeout=60)
    try:
        return cache.incr(key) <= per_minute
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, timeout=60)
        return True


class RateLimited(ServiceError):
    status_code = 429
    default_code = "rate_limited"
    default_detail = "Too many requests; try again in a minute."


def ask_slots(user: Any, content: dict[str, Any]) -> dict[str, Any]:
    if not within_rate(user.pk, "slots", SLOTS_PER_MINUTE):
        raise RateLimited()
    try:
        count = int(content.get("count") or 5)
    except (TypeError, ValueError):
        count = 5
    return next_slots_in_conversation(
        user, content.get("conversation"), count=count, gig_id=content.get("gig")
    )


def in_thread_pool(func: Any) -> Any:
    """Runs blocking service code in the shared thread pool instead of the single
    "thread-sensitive" thread that database_sync_to_async uses by default: sends from many
    sockets then run in parallel (each pool thread keeps its own database connection)."""
    return database_sync_to_async(func, thread_sensitive=False)


class ChatConsumer(UserSocketConsumer):
    stream = CHAT
    require_verified_email = True
    _fanning_out: asyncio.Task[None] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._after_sends: set[asyncio.Task[None]] = set()

    async def on_open(self) -> None:
        # conversation id → highest sequence delivered on this socket; the client is known to
        # hold everything up to it once it has resumed.
        points = await database_sync_to_async(selectors.resume_points_of)(self.user)
        self.baseline: dict[str, int] = {key: seq for key, (seq, _) in points.items()}
        # conversation id → last event number at connect: edits and deletes after it arrive
        # live on this socket, those before it (and after the client's point) by resume.
        self.baseline_events: dict[str, int] = {key: event for key, (_, event) in points.items()}
        self.delivered: dict[str, int] = dict(self.baseline)
        came_online = await database_sync_to_async(presence.connected)(self.user.pk)
        if came_online:
            await self._broadcast_presence(online=True)
        await self.send_json({"type": "hello", "user": str(self.user.pk)})

    async def release(self) -> None:
        # A message acknowledged on this socket is still fanned out and nudged if the socket
        # closes right after.
        if self._after_sends:
            await asyncio.gather(*list(self._after_sends), return_exceptions=True)
        if hasattr(self, "group"):
            try:
                went_offline = await database_sync_to_async(presence.disconnected)(self.user.pk)
                if went_offline:
                    await self._broadcast_presence(online=False)
            except Exception:  # noqa: S110 - presence expires by TTL if Redis is gone
                pass
        await super().release()

    async def _broadcast_presence(self, *, online: bool) -> None:
        contacts = await database_sync_to_async(selectors.contact_ids)(self.user.pk)
        await asend_to_users(
            CHAT, contacts, {"type": "presence", "user": str(self.user.pk), "online": online}
        )

    def handlers(self) -> dict[str, Any]:
        return {
            "message.send": self.on_send,
            "typing": self.on_typing,
            "read": self.on_read,
            "resume": self.on_resume,
            "ping": self.on_ping,
            "slots": self.on_slots,
        }

    # --- client → server -------------------------------------------------------------------
    async def on_send(self, content: dict[str, Any]) -> None:
        client_id = str(content.get("client_id") or "")
        try:
            result = await in_thread_pool(services.send_message)(
                self.user,
                content.get("conversation"),
                client_id=client_id,
                body=str(content.get("body") or ""),
                defer=True,
            )
        except ServiceError as exc:
            await self.error(code_of(exc), str(exc.detail), client_id=client_id)
            return
        if result.fan_out or result.nudge is not None:
            self._after_commit(result.fan_out, result.nudge)
        await self.send_json(
            {
                "type": "message.ack",
                "client_id": client_id,
                "conversation": str(result.message.conversation_id),
                "id": str(result.message.id),
                "seq": result.message.seq,
                "duplicate": not result.created,
            }
        )

    def _after_commit(self, sends: list[tuple[list[Any], dict[str, Any]]], nudge: Any) -> None:
        """Fans a committed message out from this event loop (no thread hop: the send's
        thread has returned), then queues its offline nudge on the thread pool, off the
        path of the next message. One socket's fan-outs run one after the other, in the
        order its messages were committed."""
        previous = self._fanning_out

        async def fan_out() -> None:
            if previous is not None:
                await previous
            try:
                for user_ids, event in sends:
                    await asend_to_users(CHAT, user_ids, event)
            except Exception:  # the message is stored: resume recovers a lost event
                logger.exception("A chat fan-out failed")
            if nudge is not None:
                self._keep(asyncio.ensure_future(self._nudge(nudge)))

        self._fanning_out = self._keep(asyncio.ensure_future(fan_out()))

    async def _nudge(self, message_id: Any) -> None:
        await in_thread_pool(services.enqueue_offline_notifications)(message_id)

    def _keep(self, task: asyncio.Task[None]) -> asyncio.Task[None]:
        self._after_sends.add(task)
        task.add_done_callback(self._after_sends.discard)
        return task

    async def on_typing(self, content: dict[str, Any]) -> None:
        conversation = content.get("conversation")
        recipients = await database_sync_to_async(services.typing_recipients)(
            self.user, conversation
        )
        await asend_to_users(
            CHAT,
            recipients,
            {"type": "typing", "conversation": str(conversation), "user": str(self.user.pk)},
        )

    async def on_read(self, content: dict[str, Any]) -> None:
        try:
            await database_sync_to_async(services.mark_read)(
                self.user, content.get("conversation"), int_field(content, "seq", default=0)
            )
        except ServiceError as exc:
            await self.error("invalid_read", str(exc))

    async def on_slots(self, content: dict[str, Any]) -> None:
        """``{"type": "slots", "conversation": id, "count": 5}`` → the next free slots of the
        teacher on the other side of a direct conversation, in the asker's zone, to this
        socket only (see tutoring.selectors.chat)."""
        try:
            answer = await in_thread_pool(ask_slots)(self.user, content)
        except ServiceError as exc:
            conversation = str(content.get("conversation"))
            await self.error(code_of(exc), str(exc.detail), conversation=conversation)
            return
        await self.send_json({"type": "slots", **answer})

    async def on_ping(self, content: dict[str, Any]) -> None:
        await database_sync_to_async(presence.heartbeat)(self.user.pk)
        await self.send_json({"type": "pong"})

    async def on_resume(self, content: dict[str, Any]) -> None:
        """``{"type": "resume", "conversations": {"<id>": <point>}}`` where a point is the
        last sequence number the client holds, or ``{"seq": N, "event": E}`` with the
        highest message ``event`` it holds too. Sends the edits and deletes of messages up
        to N made after E (``message.updated`` / ``message.deleted``; without E, after
        message N was sent), then the messages after N up to this socket's baseline, then
        ``resume.done`` {replayed, changes}."""
        wanted = content.get("conversations") or {}
        if not isinstance(wanted, dict):
            await self.error("invalid_resume", "conversations maps ids to sequence numbers.")
            return
        replayed = changes = 0
        for conversation_id, point in wanted.items():
            if conversation_id not in self.baseline:
                continue  # not a participant (or a conversation newer than the socket)
            try:
                if isinstance(point, dict):
                    start = int(point.get("seq", 0))
                    event = int(point["event"]) if point.get("event") is not None else None
                else:
                    start, event = int(point), None
            except (TypeError, ValueError):
                continue
            end = self.baseline[conversation_id]
            for change in await self._changes_since(conversation_id, min(start, end), event):
                kind = "message.deleted" if change["deleted"] else "message.updated"
                await self.send_json({"type": kind, "message": change})
                changes += 1
            if start >= end:
                continue
            messages = await self._messages_between(conversation_id, start, end)
            for message in messages:
                await self.send_json({"type": "message.new", "message": message})
            replayed += len(messages)
        await self.send_json({"type": "resume.done", "replayed": replayed, "changes": changes})

    async def _changes_since(
        self, conversation_id: str, seq_up_to: int, event: int | None
    ) -> list[dict[str, Any]]:
        up_to_event = self.baseline_events.get(conversation_id, 0)

        def load() -> list[dict[str, Any]]:
            after = (
                event if event is not None else selectors.event_of_seq(conversation_id, seq_up_to)
            )
            if seq_up_to <= 0 or after >= up_to_event:
                return []
            try:
                messages = selectors.changes_between(
                    self.user, conversation_id, seq_up_to, after, up_to_event
                )
            except ServiceError:
                return []
            return [services.message_event(m) for m in messages[:MAX_REPLAY]]

        return await in_thread_pool(load)()

    # --- server → client -------------------------------------------------------------------
    async def stream_event(self, message: dict[str, Any]) -> None:
        event = message["event"]
        if event.get("type") == "message.new":
            await self._deliver_in_order(event["message"])
            return
        if event.get("type") == "conversation.new":
            self.baseline.setdefault(event["conversation"], 0)
            self.baseline_events.setdefault(event["conversation"], 0)
            self.delivered.setdefault(event["conversation"], 0)
        await self.send_json(event)

    async def _deliver_in_order(self, payload: dict[str, Any]) -> None:
        conversation_id = payload["conversation"]
        seq = int(payload["seq"])
        delivered = self.delivered.get(conversation_id, 0)
        if seq <= delivered:
            return  # already sent (gap fill read it from the database first)
        if seq > delivered + 1:
            for missing in await self._messages_between(conversation_id, delivered, seq - 1):
                await self.send_json({"type": "message.new", "message": missing})
        await self.send_json({"type": "message.new", "message": payload})
        self.delivered[conversation_id] = seq
        self.baseline.setdefault(conversation_id, 0)

    async def _messages_between(
        self, conversation_id: str, after: int, up_to: int
    ) -> list[dict[str, Any]]:
        def load() -> list[dict[str, Any]]:
            try:
                messages = selectors.messages_after(
                    self.user, conversation_id, after, min(up_to - after, MAX_REPLAY)
                )
            except ServiceError:
                return []
            return [services.message_event(m) for m in messages if m.seq <= up_to]

        return await in_thread_pool(load)()
