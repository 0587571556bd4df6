from datetime import timedelta

from celery import shared_task

from ai.errors import AIUnavailable

from . import selectors, services


@shared_task(bind=True, max_retries=8, acks_late=True, ignore_result=True)
def assess_voice_attempt(self, attempt_id: str) -> None:  # type: ignore[no-untyped-def]
    try:
        services.assess_voice_attempt(attempt_id)
    except AIUnavailable as exc:
        # 15 s, 30 s, 1 min … capped at 10 min; after that the periodic sweep below re-sends.
        raise self.retry(exc=exc, countdown=min(600, 15 * 2**self.request.retries)) from exc


@shared_task(ignore_result=True)
def retry_pending_voice_attempts() -> int:
    """Re-enqueues recordings still waiting for the ML service (it was down for long)."""
    attempt_ids = selectors.stale_pending_voice_attempts(older_than=timedelta(minutes=15))
    for attempt_id in attempt_ids:
        assess_voice_attempt.delay(str(attempt_id))
    return len(attempt_ids)
