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
    email_booking.delay(booking_id, "confirmation")


@shared_task(name="abroad.email_booking", autoretry_for=(OSError,), retry_backoff=True)
def email_booking(booking_id: str, kind: str) -> None:
    from . import emails
    from .models import AbroadBooking

    booking = AbroadBooking.objects.select_related("course", "homestay", "learner").get(
        pk=booking_id
    )
    emails.send(booking, kind)


@shared_task(name="abroad.send_reminders")
def send_reminders() -> int:
    from .services import send_due_reminders

    return send_due_reminders()


def _application(application_id: int):  # type: ignore[no-untyped-def]
    from .models import VendorApplication

    return VendorApplication.objects.select_related("user").get(pk=application_id)


@shared_task(name="abroad.notify_application")
def notify_application(application_id: int) -> None:
    from . import notify

    notify.application_received(_application(application_id))


@shared_task(name="abroad.notify_application_decided")
def notify_application_decided(application_id: int) -> None:
    from . import notify

    notify.application_decided(_application(application_id))
