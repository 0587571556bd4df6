from typing import Any

from celery import shared_task

from . import services


@shared_task(name="messaging.reencrypt_messages")
def reencrypt_messages(after_pk: Any = None, batch_size: int = 500) -> int:
    """Moves every message body to the newest encryption key, one batch per task run (each
    batch re-queues the next, so a long rotation never holds one worker for long)."""
    count, last_pk = services.reencrypt_batch(after_pk, batch_size)
    if count == batch_size:
        reencrypt_messages.delay(str(last_pk), batch_size)
    return count


@shared_task(name="messaging.notify_offline_recipients")
def notify_offline_recipients(message_id: str) -> int:
    """Notifies the recipients of a message who had no chat socket open (idempotent enough
    for acks_late: at most one unread message notification per conversation and person)."""
    return services.notify_offline_recipients(message_id)
