"""Study abroad's own emails: the confirmation when a booking is paid and the reminder
before arrival, each with the trip as an iCalendar attachment (``calendar.booking_ics``).
They are receipts of what the learner did, so they go whatever the notification
preferences say; in-app notifications are ``notify``'s."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .calendar import booking_ics
from .models import AbroadBooking

SUBJECTS = {
    "confirmation": "Your study abroad booking is confirmed: {title}",
    "reminder": "Your trip starts soon: {title}",
}


def send(booking: AbroadBooking, kind: str) -> None:
    learner = booking.learner
    if not learner.email:
        return
    language = getattr(getattr(learner, "profile", None), "interface_language", "") or "en"
    with translation.override(language):
        context = {
            "booking": booking,
            "kind": kind,
            "name": learner.get_short_name() or learner.email,
            "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/")
            + reverse("abroad-trip", args=[booking.pk]),
        }
        body = render_to_string("abroad/email/booking.txt", context)
    message = EmailMultiAlternatives(
        SUBJECTS[kind].format(title=booking.title), body, None, [learner.email]
    )
    message.attach("trip.ics", booking_ics(booking), "text/calendar; method=PUBLISH")
    message.send()
