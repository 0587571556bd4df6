from celery import shared_task
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone


@shared_task(name="core.purge_expired_sessions", ignore_result=False)
def purge_expired_sessions() -> int:
    """Deletes expired website sessions; scheduled daily by a beat entry editable in the admin."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(name="core.purge_old_security_events", ignore_result=False)
def purge_old_security_events() -> int:
    """Deletes security events (with the addresses and user agents they keep) older than
    SECURITY_EVENT_RETENTION_DAYS: kept as long as a security review needs them, no longer."""
    from datetime import timedelta

    from django.conf import settings

    from .models import SecurityEvent

    cutoff = timezone.now() - timedelta(days=settings.SECURITY_EVENT_RETENTION_DAYS)
    deleted, _ = SecurityEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@shared_task(name="core.publish_scheduled_pages", ignore_result=True)
def publish_scheduled_pages() -> None:
    """Wagtail's scheduled publishing (go-live and expiry dates, in every page tree and on
    snippets) needs its command run periodically; the beat row from migration 0002 runs it
    every minute."""
    call_command("publish_scheduled", verbosity=0)
