from celery import shared_task

from . import services


@shared_task(name="payouts.schedule_payouts")
def schedule_payouts() -> int:
    return services.schedule_payouts()
