"""After the trip: reviews by learners who completed a booking (once per listing, vendor
replies once, moderators hide), ratings on the listings and in search with rating and
distance sorting; before it: the confirmation email and one reminder, each with the trip
as an iCalendar file."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from abroad import services, tasks
from abroad.errors import NotReviewable
from abroad.models import AbroadReview, BookingReminder, BookingStatus, ReviewStatus
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from rest_framework.test import APIClient

from cms.abroad.models import NearbyInstitute
from payments.models import Payment, PaymentStatus
from payments.services import confirm_demo_payment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PAYMENTS_DEMO_ENABLED = True


def pay(learner, booking_id) -> None:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(learner)
    response = client.post(f"/api/v1/abroad/bookings/{booking_id}/pay/", {"provider": "demo"})
    assert response.status_code == 200, response.json()
    payment = Payment.objects.get(pk=response.json()["payment"]["payment_id"])
    assert confirm_demo_payment(payment, card="4242 4242 4242 4242").status == (
        PaymentStatus.SUCCEEDED
    )


def package(make_course, make_homestay, institution, homestay_owner, learner):  # type: ignore[no-untyped-def]
    intake = make_course(institution).intakes.get()
    room = make_homestay(homestay_owner).rooms.get()
    check_in = intake.start_date - timedelta(days=1)
    return services.hold_booking(
        learner=learner,
        intake_id=intake.pk,
        weeks=2,
        room_id=room.pk,
        check_in=check_in,
        check_out=check_in + timedelta(days=14),
    )


@pytest.fixture
def completed(make_course, make_homestay, institution, homestay_owner, student):  # type: ignore[no-untyped-def]
    booking = package(make_course, make_homestay, institution, homestay_owner, student)
    pay(student, booking.pk)
    assert services.complete_due(timezone.now() + timedelta(days=120)) == 1
    booking.refresh_from_db()
    return booking


def test_only_the_learner_of_a_completed_booking_reviews_each_listing_once(
    client, completed, student, other_student, make_course, make_homestay, institution
) -> None:
    url = f"/abroad/trips/{completed.pk}/review/"
    client.force_login(student)
    trip = client.get(f"/abroad/trips/{completed.pk}/").content.decode()
    assert trip.count('name="rating"') == 10  # both listings, five stars each
    client.post(url, {"page": completed.course_id, "rating": 4, "text": "Great teachers."})
    client.post(url, {"page": completed.course_id, "rating": 1, "text": "Again"})
    client.post(url, {"page": completed.homestay_id, "rating": 5, "text": "Like home."})
    reviews = dict(AbroadReview.objects.values_list("page_id", "rating"))
    assert reviews == {completed.course_id: 4, completed.homestay_id: 5}
    assert 'name="rating"' not in client.get(f"/abroad/trips/{completed.pk}/").content.decode()

    # Someone else's trip, another page, an unfinished booking: refused.
    client.force_login(other_student)
    assert client.post(url, {"page": completed.course_id, "rating": 1}).status_code == 404
    with pytest.raises(NotReviewable):
        services.write_review(
            student, booking_id=completed.pk, page_id=completed.intake.pk + 9999, rating=3
        )
    upcoming = services.hold_booking(
        learner=other_student, intake_id=make_course(institution).intakes.get().pk
    )
    with pytest.raises(NotReviewable):
        services.write_review(
            other_student, booking_id=upcoming.pk, page_id=upcoming.course_id, rating=5
        )
    assert AbroadReview.objects.count() == 2


def test_ratings_show_in_search_and_sort_listings_hidden_reviews_leave_them(
    completed, student, institution, make_course, moderator, assert_num_queries
) -> None:
    services.write_review(student, booking_id=completed.pk, page_id=completed.course_id, rating=4)
    unrated = make_course(institution, title="Evening Spanish")
    api = APIClient()
    with assert_num_queries(6):  # unchanged: the averages are subqueries of the page query
        rows = api.get("/api/v1/abroad/courses/", {"ordering": "rating"}).json()["results"]
    assert [(r["id"], r["rating"], r["rating_count"]) for r in rows] == [
        (completed.course_id, 4.0, 1),
        (unrated.pk, None, 0),
    ]
    page = APIClient().get("/abroad/", {"kind": "courses", "sort": "rating"})
    assert "4.0 / 5 (1 review)" in page.content.decode()

    review = AbroadReview.objects.get()
    services.moderate_review(review.pk, by=moderator, status=ReviewStatus.HIDDEN, note="spam")
    rows = api.get("/api/v1/abroad/courses/", {"ordering": "rating"}).json()["results"]
    assert rows[0]["rating"] is None and rows[0]["rating_count"] == 0
    compare = api.get("/api/v1/abroad/compare/", {"ids": str(completed.course_id)}).json()
    assert compare["results"][0]["rating"] is None


def test_homestays_sort_by_distance_to_a_chosen_institute(
    make_homestay, make_course, institution
) -> None:
    school = make_course(institution).get_parent().specific
    far = make_homestay(title="Far away")
    near = make_homestay(title="Next door")
    unknown = make_homestay(title="Somewhere")
    NearbyInstitute.objects.create(page=far, institute=school, distance_km=Decimal("4.5"))
    NearbyInstitute.objects.create(page=near, institute=school, distance_km=Decimal("0.3"))
    api = APIClient()
    rows = api.get("/api/v1/abroad/homestays/", {"ordering": "distance"}).json()["results"]
    assert [(r["title"], r["distance_km"]) for r in rows] == [
        ("Next door", 0.3),
        ("Far away", 4.5),
        ("Somewhere", None),
    ]
    near_school = api.get(
        "/api/v1/abroad/homestays/", {"ordering": "distance", "institute": school.pk}
    ).json()["results"]
    assert [r["title"] for r in near_school] == ["Next door", "Far away"]
    assert unknown.pk not in [r["id"] for r in near_school]


def test_the_website_finds_homestays_near_a_school_and_sorts_them_by_popularity(
    client, make_homestay, make_course, institution, student, other_student
) -> None:
    school = make_course(institution).get_parent().specific
    quiet = make_homestay(title="Casa Quieta")
    busy = make_homestay(title="Casa Llena", rooms=2)
    elsewhere = make_homestay(title="Casa Lejos")
    for page in (quiet, busy):
        NearbyInstitute.objects.create(page=page, institute=school, distance_km=Decimal("1"))
    check_in = timezone.localdate() + timedelta(days=20)
    for learner, room in zip((student, other_student), busy.rooms.all(), strict=True):
        services.hold_booking(
            learner=learner, room_id=room.pk, check_in=check_in, check_out=check_in + timedelta(7)
        )

    page = client.get(
        "/abroad/", {"kind": "homestays", "institute": school.pk, "sort": "popularity"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<option value="{school.pk}" selected>{school.title}</option>' in html
    assert elsewhere.title not in html
    assert html.index("Casa Llena") < html.index("Casa Quieta")
    api = APIClient().get("/api/v1/abroad/homestays/", {"ordering": "popularity"}).json()
    assert api["results"][0]["title"] == "Casa Llena"


def test_the_vendor_replies_once_to_reviews_of_their_own_listings(
    client, completed, student, homestay_owner, institution
) -> None:
    review = services.write_review(
        student, booking_id=completed.pk, page_id=completed.homestay_id, rating=5, text="Lovely"
    )
    client.force_login(institution)
    client.post(f"/abroad/reviews/{review.pk}/reply/", {"text": "Not mine to answer"})
    review.refresh_from_db()
    assert review.vendor_reply == ""
    client.force_login(homestay_owner)
    assert "Lovely" in client.get("/abroad/vendor/").content.decode()
    client.post(f"/abroad/reviews/{review.pk}/reply/", {"text": "Come back soon!"})
    client.post(f"/abroad/reviews/{review.pk}/reply/", {"text": "Edited"})
    review.refresh_from_db()
    assert review.vendor_reply == "Come back soon!" and review.replied_at is not None
    assert "Lovely" not in client.get("/abroad/vendor/").content.decode()


def _ics(message) -> Calendar:  # type: ignore[no-untyped-def]
    [(name, content, mimetype)] = message.attachments
    assert name == "trip.ics" and mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def test_paying_sends_a_confirmation_with_the_course_and_stay_as_calendar_events(
    make_course,
    make_homestay,
    institution,
    homestay_owner,
    student,
    monkeypatch,
    django_capture_on_commit_callbacks,
) -> None:
    booking = package(make_course, make_homestay, institution, homestay_owner, student)
    queued: list[str] = []
    monkeypatch.setattr(tasks.notify_paid, "delay", queued.append)
    monkeypatch.setattr(tasks.email_booking, "delay", tasks.email_booking)
    with django_capture_on_commit_callbacks(execute=True):
        pay(student, booking.pk)
    assert queued == [str(booking.pk)]
    tasks.notify_paid(queued[0])
    booking.refresh_from_db()
    [message] = mail.outbox
    assert message.to == [student.email] and "confirmed" in message.subject
    events = {str(e["uid"]): e for e in _ics(message).walk("VEVENT")}
    course = events[f"abroad-{booking.pk}-course@toto"]
    stay = events[f"abroad-{booking.pk}-stay@toto"]
    assert course.decoded("dtstart") == booking.course_start
    assert course.decoded("dtend") == booking.course_end + timedelta(days=1)
    assert stay.decoded("dtstart") == booking.check_in
    assert stay.decoded("dtend") == booking.check_out + timedelta(days=1)
    assert isinstance(stay.decoded("dtstart"), date)
    assert booking.check_in.strftime("%-d %b %Y") in message.body


def test_one_reminder_per_booking_before_arrival_however_often_the_task_runs(
    make_course,
    make_homestay,
    institution,
    homestay_owner,
    student,
    django_capture_on_commit_callbacks,
    monkeypatch,
) -> None:
    booking = package(make_course, make_homestay, institution, homestay_owner, student)
    monkeypatch.setattr(tasks.notify_paid, "delay", lambda booking_id: None)
    pay(student, booking.pk)
    booking.refresh_from_db()
    assert booking.status in (BookingStatus.PAID, BookingStatus.CONFIRMED)
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(tasks.email_booking, "delay", lambda *args: sent.append(args))
    week_before = timezone.now().replace(hour=12) + (
        booking.check_in - timezone.localdate() - timedelta(days=7)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders(week_before) == 0
    two_days_before = week_before + timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders(two_days_before) == 1
        assert services.send_due_reminders(two_days_before) == 0
    assert sent == [(str(booking.pk), "reminder")]
    assert BookingReminder.objects.filter(booking=booking).count() == 1
    tasks.email_booking(*sent[0])
    [message] = mail.outbox
    assert "starts soon" in message.subject and len(list(_ics(message).walk("VEVENT"))) == 2


def test_the_reviews_api_lists_a_listings_reviews_at_a_fixed_query_count(
    completed, student, homestay_owner, assert_num_queries
) -> None:
    api = APIClient()
    api.force_authenticate(student)
    made = api.post(
        "/api/v1/abroad/reviews/",
        {"booking": str(completed.pk), "page": completed.homestay_id, "rating": 5, "text": "A+"},
    )
    assert made.status_code == 201, made.json()
    again = api.post(
        "/api/v1/abroad/reviews/",
        {"booking": str(completed.pk), "page": completed.homestay_id, "rating": 1},
    )
    assert again.status_code == 409 and again.json()["code"] == "not_reviewable"
    bad = api.post("/api/v1/abroad/reviews/", {"booking": "nope", "page": 1, "rating": 9})
    assert bad.status_code == 400
    owner = APIClient()
    owner.force_authenticate(homestay_owner)
    replied = owner.post(f"/api/v1/abroad/reviews/{made.json()['id']}/reply/", {"text": "Thanks"})
    assert replied.status_code == 200 and replied.json()["vendor_reply"] == "Thanks"
    with assert_num_queries(2):  # count, page (authors joined)
        listed = APIClient().get("/api/v1/abroad/reviews/", {"listing": completed.homestay_id})
    assert [(r["rating"], r["author_name"]) for r in listed.json()["results"]] == [
        (5, student.get_short_name())
    ]


def test_a_learners_reviews_are_exported_then_erased(completed, student) -> None:  # type: ignore[no-untyped-def]
    from abroad.personal_data import erase_personal_data, export_personal_data

    services.write_review(
        student, booking_id=completed.pk, page_id=completed.course_id, rating=5, text="Superb."
    )
    [review] = export_personal_data(student)["reviews"]
    assert (review["rating"], review["text"], review["status"]) == (5, "Superb.", "published")
    assert review["listing"] == completed.course.title

    erase_personal_data(student)
    assert not AbroadReview.objects.filter(author=student).exists()
    assert export_personal_data(student)["reviews"] == []
