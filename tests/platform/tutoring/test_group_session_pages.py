"""Website pages of group sessions: learners browse (filters, pagination, seats left, a
fixed number of queries), open one and book a seat onto the lessons' pay page; teachers
list theirs with the seats taken and publish, edit and cancel them through the API's own
services, errors shown in the form. Who may do what is the API's rule."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.permissions import IsEmailVerified
from tutoring.models import Booking, BookingStatus, GroupSession
from tutoring.services import bookings as booking_services
from tutoring.services import group_sessions as services

pytestmark = pytest.mark.django_db
LIST = "/tutoring/group-sessions/"
TEACH = "/tutoring/teach/group-sessions/"


def at(days: int, hour: int = 18) -> datetime:
    return (datetime.now(tz=UTC) + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def session_of(make_listing, make_gig):  # type: ignore[no-untyped-def]
    """Publishes a session through the service, as the API and the form do."""

    def make(listing=None, *, gig=None, days: int = 10, hour: int = 18, **fields):  # type: ignore[no-untyped-def]
        listing = listing or make_listing()
        gig = gig or make_gig(listing)
        values = {
            "topic": "Tapas vocabulary",
            "start": at(days, hour),
            "minutes": 60,
            "price": Decimal("12.00"),
            "seats": 5,
            **fields,
        }
        return services.publish(gig, by=listing.user, **values)

    return make


def _messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(message) for message in response.context["messages"]]


# Learners: browsing.


def test_anyone_browses_upcoming_sessions_with_seats_left_and_sold_out_shown(
    client, session_of, make_listing, student
) -> None:
    open_one = session_of(seats=3, topic="Open one")
    full = session_of(seats=1, topic="Full one", days=11)
    services.book_seat(full, learner=student)
    cancelled = session_of(topic="Cancelled one", days=12)
    services.cancel_session(cancelled.pk, by=cancelled.teacher.user)
    suspended = make_listing()
    session_of(suspended, topic="Unverified teacher's", days=13)
    suspended.status = "pending"
    suspended.save(update_fields=["status"])

    response = client.get(LIST)
    assert response.status_code == 200
    assert [s.pk for s in response.context["sessions"]] == [open_one.pk, full.pk]
    page = response.content.decode()
    assert "3 seats left" in page
    assert "Sold out" in page
    assert "Cancelled one" not in page and "Unverified teacher" not in page


def test_filters_by_language_level_and_day_in_the_visitors_zone(
    client, session_of, make_listing, make_gig
) -> None:
    spanish = session_of(make_listing(languages=[("es", "A1", "B1")]), topic="Spanish")
    french_listing = make_listing(languages=[("fr", "B2", "C2")])
    french = session_of(
        french_listing, gig=make_gig(french_listing, language="fr"), topic="French", days=11
    )

    def shown(**query: str) -> list[object]:
        return [s.pk for s in client.get(LIST, query).context["sessions"]]

    assert shown(language="FR") == [french.pk]
    assert shown(level="A2") == [spanish.pk]
    assert shown(level="C1") == [french.pk]
    assert shown(language="es", level="C1") == []
    # 18:00 UTC is 03:00 the next day in Tokyo: the day is the visitor's.
    assert shown(date=spanish.start.date().isoformat()) == [spanish.pk]
    assert shown(date=spanish.start.date().isoformat(), tz="Asia/Tokyo") == []
    next_day_tokyo = spanish.start.astimezone(ZoneInfo("Asia/Tokyo")).date().isoformat()
    assert shown(date=next_day_tokyo, tz="Asia/Tokyo") == [spanish.pk]
    bad = client.get(LIST, {"level": "Z9"})
    assert "Some filters were not understood." in bad.content.decode()


def test_the_list_pages_and_costs_a_fixed_number_of_queries(
    client, session_of, make_listing, student, assert_num_queries
) -> None:
    for day in range(3):
        session_of(make_listing(), days=10 + day)
    client.get(LIST)  # warms the per-process caches (site, settings)
    with assert_num_queries(4):
        assert len(client.get(LIST).context["sessions"]) == 3
    for day in range(3):
        session_of(make_listing(), days=20 + day)
    with assert_num_queries(4):
        assert len(client.get(LIST).context["sessions"]) == 6

    client.force_login(student)
    services.book_seat(GroupSession.objects.order_by("start").first(), learner=student)
    client.get(LIST)
    with assert_num_queries(13):  # + session, user, the seats it holds, the bell, the banner
        response = client.get(LIST)
    assert len(response.context["seated_ids"]) == 1
    assert "You have a seat" in response.content.decode()

    for day in range(12):
        session_of(make_listing(), days=30 + day)
    first = client.get(LIST)
    assert len(first.context["sessions"]) == 12
    second = client.get(LIST, {"page": 2, "language": "es"})
    assert len(second.context["sessions"]) == 6
    assert 'href="?language=es&amp;page=1"' in second.content.decode()


# Learners: booking.


def test_anonymous_visitors_see_a_session_but_sign_in_to_book(client, session_of) -> None:
    session = session_of()
    page = client.get(f"{LIST}{session.pk}/")
    assert page.status_code == 200
    assert "Sign in to book a seat" in page.content.decode()
    answer = client.post(f"{LIST}{session.pk}/book/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/?next=")
    assert f"/tutoring/group-sessions/{session.pk}/" in answer["Location"]
    assert not Booking.objects.exists()


def test_an_unverified_learner_is_refused_like_the_api(
    client, api_client, session_of, user_factory
) -> None:
    session = session_of()
    learner = user_factory(verified=False)
    client.force_login(learner)
    answer = client.post(f"{LIST}{session.pk}/book/", follow=True)
    assert answer.redirect_chain[-1][0] == f"/tutoring/group-sessions/{session.pk}/"
    assert _messages(answer) == [IsEmailVerified.message]
    api_client.force_login(learner)
    api_answer = api_client.post(f"/api/v1/group-sessions/{session.pk}/book/")
    assert api_answer.status_code == 403
    assert api_answer.json()["message"] == IsEmailVerified.message
    assert not Booking.objects.exists()
    session.refresh_from_db()
    assert session.seats_taken == 0


def test_a_learner_books_a_seat_pays_on_the_lessons_pay_page_and_joins_the_classroom(
    client, session_of, student, providers
) -> None:
    session = session_of(topic="Tapas vocabulary")
    client.force_login(student)
    detail = client.get(f"{LIST}{session.pk}/").content.decode()
    assert "Book a seat · 12.00 EUR" in detail

    answer = client.post(f"{LIST}{session.pk}/book/")
    booking = Booking.objects.get(learner=student)
    assert (booking.group_session_id, booking.status) == (session.pk, BookingStatus.HELD)
    assert answer["Location"] == f"/tutoring/bookings/{booking.pk}/pay/"

    pay = client.get(answer["Location"])
    assert pay.status_code == 200
    assert pay.context["client"]["client_secret"].startswith("pi_")
    html = pay.content.decode()
    assert "Pay for your seat" in html and "Tapas vocabulary" in html
    assert "js/payments/stripe-element.js" in html

    # Held: the session page says so and sends them to pay; a second click books nothing.
    assert "Your seat is held while you pay." in client.get(f"{LIST}{session.pk}/").content.decode()
    again = client.post(f"{LIST}{session.pk}/book/", follow=True)
    assert "already have a seat" in " ".join(_messages(again))
    assert Booking.objects.filter(learner=student).count() == 1

    booking_services.confirm_payment(booking.pk, payment_reference="pi_test")
    dashboard = client.get("/tutoring/dashboard/")
    assert [b.pk for b in dashboard.context["upcoming"]] == [booking.pk]
    assert "Tapas vocabulary" in dashboard.content.decode()
    detail = client.get(f"{LIST}{session.pk}/").content.decode()
    assert "You have a seat in this session." in detail
    assert f"/rooms/{session.room_id}/" in detail
    # The booking page offers the classroom only from shortly before the start.
    assert "Opens 10 minutes before the start" in (
        client.get(f"/tutoring/bookings/{booking.pk}/").content.decode()
    )


def test_sold_out_and_cancelled_sessions_say_so_and_cannot_be_booked(
    client, session_of, student, other_student
) -> None:
    full = session_of(seats=1)
    services.book_seat(full, learner=other_student)
    client.force_login(student)
    page = client.get(f"{LIST}{full.pk}/").content.decode()
    assert "Sold out: every seat is taken." in page and "Book a seat" not in page
    answer = client.post(f"{LIST}{full.pk}/book/", follow=True)
    assert _messages(answer) == ["Every seat of this session is taken."]

    cancelled = session_of(days=12)
    services.cancel_session(cancelled.pk, by=cancelled.teacher.user, reason="Ill")
    page = client.get(f"{LIST}{cancelled.pk}/").content.decode()
    assert "This session was cancelled by the teacher." in page and "Book a seat" not in page
    assert client.post(f"{LIST}{cancelled.pk}/book/").status_code == 404
    assert Booking.objects.filter(learner=student).count() == 0


# Teachers.


def test_the_teacher_lists_their_sessions_with_seats_taken_in_fixed_queries(
    client, session_of, make_listing, teacher, student, assert_num_queries
) -> None:
    listing = make_listing(teacher)
    first = session_of(listing, seats=4, topic="First")
    services.book_seat(first, learner=student)
    cancelled = session_of(listing, days=11, topic="Called off")
    services.cancel_session(cancelled.pk, by=teacher)
    session_of(make_listing(), topic="Someone else's")
    client.force_login(teacher)
    client.get(TEACH)
    with assert_num_queries(13):
        response = client.get(TEACH)
    rows = list(response.context["page_obj"])
    assert [s.topic for s in rows] == ["First", "Called off"]
    page = response.content.decode()
    assert "1 / 4" in page and "Cancelled" in page and "Someone else" not in page
    for day in range(3):
        session_of(listing, days=20 + day)
    with assert_num_queries(13):
        assert len(client.get(TEACH).context["page_obj"]) == 5


def test_a_teacher_publishes_a_session_in_their_own_zone(
    client, make_listing, make_gig, teacher
) -> None:
    listing = make_listing(teacher, time_zone="Europe/Madrid")
    gig = make_gig(listing)
    client.force_login(teacher)
    assert client.get(f"{TEACH}new/").status_code == 200
    local = at(10).astimezone(ZoneInfo("Europe/Madrid")).replace(hour=19, tzinfo=None)
    answer = client.post(
        f"{TEACH}new/",
        {
            "gig": gig.pk,
            "topic": "Subjunctive without tears",
            "description": "",
            "start": local.strftime("%Y-%m-%dT%H:%M"),
            "minutes": 45,
            "price": "9.50",
            "seats": 6,
        },
    )
    session = GroupSession.objects.get()
    assert answer["Location"] == f"{TEACH}{session.pk}/"
    assert session.start == local.replace(tzinfo=ZoneInfo("Europe/Madrid"))
    assert (session.minutes, session.price, session.seats) == (45, Decimal("9.50"), 6)
    assert session.room_id  # published with its classroom, as through the API


def test_the_form_shows_field_and_service_errors(
    client, make_listing, make_gig, session_of, teacher
) -> None:
    listing = make_listing(teacher)
    gig = make_gig(listing)
    taken = session_of(listing, gig=gig)
    client.force_login(teacher)
    base = {
        "gig": gig.pk,
        "topic": "Clash",
        "start": taken.start.strftime("%Y-%m-%dT%H:%M"),
        "minutes": 60,
        "price": "5",
        "seats": 3,
    }
    clash = client.post(f"{TEACH}new/", base)
    assert clash.status_code == 200
    assert clash.context["form"].non_field_errors() == ["You have another session at this time."]
    assert "You have another session at this time." in clash.content.decode()
    bad = client.post(f"{TEACH}new/", {**base, "seats": 0, "start": "tomorrow"})
    assert set(bad.context["form"].errors) == {"seats", "start"}
    other_gig = make_gig(make_listing())
    foreign = client.post(
        f"{TEACH}new/", {**base, "gig": other_gig.pk, "start": "2030-01-01T10:00"}
    )
    assert "gig" in foreign.context["form"].errors
    assert GroupSession.objects.count() == 1  # the one in the way, nothing more


def test_only_the_teacher_edits_and_seats_taken_lock_time_and_price(
    client, session_of, make_listing, teacher, student
) -> None:
    session = session_of(make_listing(teacher), seats=4)
    intruder = make_listing().user
    client.force_login(intruder)
    assert client.get(f"{TEACH}{session.pk}/").status_code == 404
    assert client.post(f"{TEACH}{session.pk}/", {"topic": "Mine now"}).status_code == 404
    assert client.post(f"{TEACH}{session.pk}/cancel/").status_code == 404
    client.force_login(student)  # no listing at all: sent to their own dashboard
    assert client.get(f"{TEACH}{session.pk}/")["Location"] == "/tutoring/dashboard/"

    services.book_seat(session, learner=student)
    client.force_login(teacher)
    form = client.get(f"{TEACH}{session.pk}/").context["form"]
    assert {n for n, f in form.fields.items() if f.disabled} == {
        "start",
        "minutes",
        "price",
        "level",
    }
    answer = client.post(
        f"{TEACH}{session.pk}/",
        {
            "topic": "Tapas, round two",
            "description": "More food.",
            "start": "2031-01-01T10:00",  # disabled: ignored, the learner keeps their time
            "minutes": 90,
            "price": "1.00",
            "seats": 6,
        },
    )
    assert answer.status_code == 302
    before = session.start
    session.refresh_from_db()
    assert (session.topic, session.seats, session.start, session.price) == (
        "Tapas, round two",
        6,
        before,
        Decimal("12.00"),
    )
    below = client.post(f"{TEACH}{session.pk}/", {"topic": "x", "description": "", "seats": 0})
    assert "seats" in below.context["form"].errors


def test_the_teacher_cancels_with_a_reason_and_the_seat_is_cancelled(
    client, session_of, make_listing, teacher, student
) -> None:
    session = session_of(make_listing(teacher))
    seat = services.book_seat(session, learner=student)
    client.force_login(teacher)
    answer = client.post(f"{TEACH}{session.pk}/cancel/", {"reason": "Ill"}, follow=True)
    assert _messages(answer) == ["The session is cancelled; every paid seat is refunded in full."]
    session.refresh_from_db()
    seat.refresh_from_db()
    assert session.cancelled and seat.status == BookingStatus.CANCELLED
    page = answer.content.decode()
    assert "This session is cancelled; it can no longer change." in page
    again = client.post(f"{TEACH}{session.pk}/cancel/", follow=True)
    assert _messages(again) == ["Only upcoming sessions can be cancelled."]
    edited = client.post(f"{TEACH}{session.pk}/", {"topic": "Back on"}, follow=True)
    assert _messages(edited) == ["Only upcoming sessions can be changed."]
    assert session.cancelled_at is not None and session.cancelled_at <= timezone.now()


def test_the_api_filters_by_level_the_same_way(api_client, session_of, make_listing) -> None:
    beginners = session_of(make_listing(languages=[("es", "A1", "A2")]), topic="Beginners")
    session_of(make_listing(languages=[("es", "B2", "C2")]), topic="Advanced", days=11)
    found = api_client.get("/api/v1/group-sessions/", {"level": "A2"}).json()["results"]
    assert [row["id"] for row in found] == [str(beginners.pk)]
    assert api_client.get("/api/v1/group-sessions/", {"level": "Z1"}).status_code == 400
