"""Periodic jobs (schedules: migration 0002, editable in the admin)."""

from celery import shared_task


@shared_task(name="vocabulary.send_due_reminders")
def send_due_reminders() -> int:
    from .services import send_due_reminders as send

    return send()


@shared_task(name="vocabulary.fit_parameters")
def fit_parameters() -> dict[str, int]:
    from .services import fit_all_parameters

    return fit_all_parameters()
