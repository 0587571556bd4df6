from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True)
def publish_scheduled_pages() -> None:
    """Wagtail's scheduled publishing (go-live / expiry dates of approved lessons) needs its
    command run periodically; the beat job from migration 0003 runs it every minute."""
    call_command("publish_scheduled", verbosity=0)
