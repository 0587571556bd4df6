"""A booking as an iCalendar file, attached to its confirmation and reminder emails: the
course (first to last day) and the stay (check-in to check-out) as all-day events, which
calendar apps show on those dates in the destination's own time, whatever the reader's zone.
The destination's zone is named (``X-WR-TIMEZONE``, and in each event's description) so
that a reader planning their flight knows whose days these are."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event

from .models import AbroadBooking


def booking_ics(booking: AbroadBooking) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Toto//Study abroad//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-timezone", booking.time_zone)
    url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("abroad-trip", args=[booking.pk])
    parts = []
    if booking.course_start and booking.course_end:
        title = booking.course.title if booking.course else "Course"
        parts.append(("course", title, booking.course_start, booking.course_end))
    if booking.check_in and booking.check_out:
        title = booking.homestay.title if booking.homestay else "Homestay"
        # The stay's last day is the check-out morning: the event ends after it.
        parts.append(("stay", title, booking.check_in, booking.check_out))
    for kind, title, first, last in parts:
        event = Event()
        event.add("uid", f"abroad-{booking.pk}-{kind}@toto")
        event.add("dtstamp", booking.updated_at)
        event.add("dtstart", first)
        event.add("dtend", last + timedelta(days=1))  # DTEND of all-day events is exclusive
        event.add("summary", title)
        event.add("url", url)
        event.add("description", f"Dates are local to {booking.time_zone}.")
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
