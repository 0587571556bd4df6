"""Reminders 24 hours and 15 minutes before a lesson.

A periodic task scans for due reminders instead of scheduling one task per booking at
booking time: rescheduling then needs no task revocation, and a reminder is marked sent in
the same row update that claims it, so two workers never send it twice.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from ..models import Booking, BookingStatus
from ..notify import REMINDER, tell
from ..zones import profile_zone, teaching_zone, when

REMINDERS = (
    ("reminder_24h_sent_at", timedelta(hours=24), "in 24 hours"),
    ("reminder_15m_sent_at", timedelta(minutes=15), "in 15 minutes"),
)


def send_due_reminders(now: datetime | None = None) -> int:
    now = now or timezone.now()
    sent = 0
    for field, before, label in REMINDERS:
        due = Booking.objects.filter(
            status=BookingStatus.CONFIRMED,
            start__gt=now,
            start__lte=now + before,
            **{f"{field}__isnull": True},
        ).values_list("pk", flat=True)
        for booking_id in list(due):
            with transaction.atomic():
                claimed = Booking.objects.filter(
                    pk=booking_id, **{f"{field}__isnull": True}
                ).update(**{field: now})
                if not claimed:
                    continue
                booking = Booking.objects.select_related(
                    "teacher__user", "learner__profile", "gig"
                ).get(pk=booking_id)
            # A 24-hour reminder is pointless when the 15-minute one is already due.
            if field == "reminder_24h_sent_at" and booking.start - now <= timedelta(minutes=15):
                continue
            # Each in their own zone: the learner's profile zone, the teacher's teaching zone.
            for person, zone in (
                (booking.learner, profile_zone(booking.learner)),
                (booking.teacher.user, teaching_zone(booking.teacher)),
            ):
                tell(
                    person,
                    REMINDER,
                    data={"booking": str(booking.pk)},
                    label=label,
                    gig=booking.gig.title,
                    at=when(booking.start, zone, "%H:%M"),
                    booking=booking.pk,
                )
            sent += 1
    return sent
