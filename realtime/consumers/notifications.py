from channels.db import database_sync_to_async

from core.fanout import NOTIFICATIONS
from notifications import selectors

from .base import UserSocketConsumer


class NotificationConsumer(UserSocketConsumer):
    """/ws/notifications/: the live unread count and new notifications (the bell)."""

    stream = NOTIFICATIONS

    async def on_open(self) -> None:
        count = await database_sync_to_async(selectors.unread_count)(self.user)
        await self.send_json({"type": "unread_count", "count": count})
