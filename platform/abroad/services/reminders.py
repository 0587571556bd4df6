"""Reminders before arrival."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import DateField, DateTimeField, ExpressionWrapper, F, Func, Q, Value
from django.db.models.functions import Cast
from django.utils import timezone

from core import dispatch

from ..models import AbroadBooking, BookingReminder, BookingStatus

REMINDER_DAYS = 3


def send_due_reminders(now: datetime | None = None) -> int:
    """Learners arriving within ``REMINDER_DAYS`` (counted in the destination's zone: a
    learner flying to Auckland is reminded by Auckland's calendar, not the server's) get one
    reminder. The reminder row and the queued mail share a transaction and the row is
    unique per booking, so running the beat task twice (or on two workers at once) sends
    each reminder once."""
    now = now or timezone.now()
    # PostgreSQL's timezone(zone, instant) is the wall-clock time there; its date is the
    # destination's today, per row.
    local_today = Cast(
        Func(F("time_zone"), Value(now), function="timezone", output_field=DateTimeField()),
        DateField(),
    )
    horizon = ExpressionWrapper(local_today + Value(REMINDER_DAYS), output_field=DateField())
    sent = 0
    candidates = (
        AbroadBooking.objects.filter(
            status__in=[BookingStatus.CONFIRMED, BookingStatus.PAID], reminder__isnull=True
        )
        .alias(today_there=local_today, horizon=horizon)
        .filter(
            Q(course_start__gt=F("today_there"), course_start__lte=F("horizon"))
            | Q(check_in__gt=F("today_there"), check_in__lte=F("horizon"))
        )
        .values_list("pk", flat=True)[:500]
    )
    for booking_id in list(candidates):
        with transaction.atomic():
            _reminder, created = BookingReminder.objects.get_or_create(booking_id=booking_id)
            if not created:
                continue
            dispatch.enqueue_on_commit("abroad.email_booking", str(booking_id), "reminder")
            sent += 1
    return sent
