"""The teacher's bookings as an iCalendar feed, at a secret URL calendar apps subscribe to
(``/tutoring/calendar/<token>.ics``; rotating ``calendar_token`` revokes it)."""

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from .models import (
    ACTIVE_BOOKING_STATUSES,
    Booking,
    BookingStatus,
    GroupSession,
    TeacherListing,
)

FEED_PAST = timedelta(days=30)
FEED_FUTURE = timedelta(days=366)


def build_feed(listing: TeacherListing) -> bytes:
    now = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//Toto//Tutoring//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Toto lessons · {listing.user.get_full_name()}")
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    for booking in (
        Booking.objects.filter(
            teacher=listing,
            status__in=[s for s in ACTIVE_BOOKING_STATUSES if s != BookingStatus.HELD],
            start__gte=now - FEED_PAST,
            start__lte=now + FEED_FUTURE,
            group_session__isnull=True,
        )
        .select_related("learner", "gig")
        .order_by("start")
    ):
        event = Event()
        event.add("uid", f"booking-{booking.pk}@toto")
        event.add("dtstamp", booking.updated_at)
        event.add("dtstart", booking.start)
        event.add("dtend", booking.end)
        event.add("summary", f"{booking.gig.title} · {booking.learner.get_short_name()}")
        event.add("status", "CONFIRMED")
        event.add("url", f"{base}{reverse('tutoring-booking', args=[booking.pk])}")
        calendar.add_component(event)
    # A group session is one event, however many seats are taken.
    for session in GroupSession.objects.filter(
        teacher=listing, cancelled=False, start__gte=now - FEED_PAST, start__lte=now + FEED_FUTURE
    ).order_by("start"):
        event = Event()
        event.add("uid", f"session-{session.pk}@toto")
        event.add("dtstamp", session.created_at)
        event.add("dtstart", session.start)
        event.add("dtend", session.end)
        event.add("summary", f"{session.topic} ({session.seats_taken}/{session.seats} seats)")
        calendar.add_component(event)
    return calendar.to_ical()


def feed(request: HttpRequest, token: str) -> HttpResponse:
    listing = get_object_or_404(TeacherListing.objects.select_related("user"), calendar_token=token)
    response = HttpResponse(build_feed(listing), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="toto-lessons.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
