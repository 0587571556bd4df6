from celery import shared_task

from . import services


@shared_task(name="payments.reconcile_pending")
def reconcile_pending() -> dict[str, int]:
    """Settles payments whose webhook never came; scheduled by a beat row (migration 0002)."""
    return services.reconcile_pending()
