"""Asking a teacher for another time on the website: the form on the teacher's page takes
the start in the learner's zone, goes through the time-request service, shows its errors
next to the form, and the learner's lessons page lists the request with its status."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tutoring.models import TimeRequest
from tutoring.services import time_requests as request_services

pytestmark = pytest.mark.django_db


def test_a_learner_asks_for_another_time_in_their_zone(client, make_listing, make_gig, student):
    listing = make_listing()
    gig = make_gig(listing, durations={30: "15.00", 60: "30.00"})
    client.force_login(student)
    page = client.get(f"/tutoring/teachers/{listing.pk}/?tz=Asia/Tokyo").content.decode()
    assert "Request another time" in page
    assert f'value="{gig.pk}:30"' in page and f'value="{gig.pk}:60"' in page
    day = (datetime.now(tz=UTC) + timedelta(days=3)).date()
    response = client.post(
        f"/tutoring/teachers/{listing.pk}/request-time/?tz=Asia/Tokyo",
        {"lesson": f"{gig.pk}:30", "start": f"{day}T07:30", "message": "Early, please"},
        follow=True,
    )
    asked = TimeRequest.objects.get()
    tokyo = datetime(day.year, day.month, day.day, 7, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert (asked.learner, asked.gig, asked.minutes) == (student, gig, 30)
    assert asked.start == tokyo and asked.message == "Early, please"
    assert response.redirect_chain[-1][0] == "/tutoring/dashboard/#requests-title"
    page = response.content.decode()
    assert "Your request is sent to" in page
    assert 'data-testid="time-requests"' in page and "Pending" in page
    request_services.decline(asked.pk, by=listing.user, note="I sleep then")
    page = client.get("/tutoring/dashboard/").content.decode()
    assert "Declined" in page and "I sleep then" in page


def test_the_form_shows_what_is_wrong(client, make_listing, make_gig, student, user_factory):
    listing = make_listing()
    gig = make_gig(listing)
    client.force_login(student)
    url = f"/tutoring/teachers/{listing.pk}/request-time/"
    missing = client.post(url, {"lesson": f"{gig.pk}:45", "start": "tomorrow"})
    assert missing.status_code == 400
    errors = missing.content.decode()
    assert "Select a valid choice." in errors and "Enter a valid date/time." in errors
    past = client.post(url, {"lesson": f"{gig.pk}:60", "start": "2020-01-01T10:00"})
    assert past.status_code == 400 and "Ask for a time in the future." in past.content.decode()
    client.force_login(user_factory(verified=False))
    unverified = client.post(url, {"lesson": f"{gig.pk}:60", "start": "2099-01-01T10:00"})
    assert "Verify your email address to ask for a time." in unverified.content.decode()
    assert not TimeRequest.objects.exists()
    client.force_login(listing.user)  # nobody asks themselves
    own = client.post(url, {"lesson": f"{gig.pk}:60", "start": "2099-01-01T10:00"})
    assert own.status_code == 400 and not TimeRequest.objects.exists()
