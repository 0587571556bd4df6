from celery import shared_task
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone


@shared_task(name="core.purge_expired_sessions", ignore_result=False)
def purge_expired_sessions() -> int:
    """Deletes expired website sessions; scheduled daily by a beat entry editable in the admin."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(name="core.publish_scheduled_pages", ignore_result=True)
def publish_scheduled_pages() -> None:
    """Wagtail's scheduled publishing (go-live and expiry dates, in every page tree and on
    snippets) needs its command run periodically; the beat row from migration 0002 runs it
    every minute."""
    call_command("publish_scheduled", verbosity=0)
