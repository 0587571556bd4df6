from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(name="core.purge_expired_sessions", ignore_result=False)
def purge_expired_sessions() -> int:
    """Deletes expired website sessions; scheduled daily by a beat entry editable in the admin."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
