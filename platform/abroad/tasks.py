"""Periodic and after-commit jobs (schedules: migration 0003, editable in the admin)."""

from decimal import Decimal

from celery import shared_task


@shared_task(name="abroad.expire_holds")
def expire_holds() -> dict[str, int]:
    from .services import expire_due

    return expire_due()


@shared_task(name="abroad.complete_finished")
def complete_finished() -> int:
    from .services import complete_due

    return complete_due()


@shared_task(name="abroad.refund_booking", autoretry_for=(OSError,), retry_backoff=True)
def refund_booking(booking_id: str, amount: str, reason: str) -> None:
    from . import payments
    from .models import AbroadBooking

    booking = AbroadBooking.objects.get(pk=booking_id)
    payments.refund_now(booking, Decimal(amount), reason=reason)


def _send(event: str, booking_id: str) -> None:
    from . import notify
    from .models import AbroadBooking

    booking = AbroadBooking.objects.select_related("course", "homestay").get(pk=booking_id)
    notify.send(event, booking)


@shared_task(name="abroad.notify_request")
def notify_request(booking_id: str) -> None:
    _send("request", booking_id)


@shared_task(name="abroad.notify_answer")
def notify_answer(booking_id: str) -> None:
    _send("answer", booking_id)


@shared_task(name="abroad.notify_paid")
def notify_paid(booking_id: str) -> None:
    _send("paid", booking_id)
