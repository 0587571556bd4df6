from celery import shared_task

from . import services


@shared_task(name="analytics.tasks.roll_up_recent")
def roll_up_recent() -> int:
    """Beat job (every hour: migration 0002): yesterday's and today's rollups."""
    return len(services.roll_up_recent())
