"""The learner's lesson pages around the lesson itself: the classroom offered at the time,
confirming, reviewing and tipping after it; nobody else's booking is reachable."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from credits.models import AccountKind
from credits.services import user_account
from payments.models import Payment
from payments.testing import deliver_payment_succeeded
from tutoring.models import Booking, BookingStatus, Gift, Review
from tutoring.services import bookings as booking_services
from tutoring.services import sessions as session_services

pytestmark = pytest.mark.django_db


def _confirmed(listing, gig, learner, start):  # type: ignore[no-untyped-def]
    booking = booking_services.hold_booking(
        learner=learner, gig=gig, start=start, minutes=60, check_availability=False
    )
    booking = booking_services.confirm_payment(booking.pk, payment_reference="test")
    session_services.open_meeting(booking)
    booking.refresh_from_db()
    return booking


def _move(booking: Booking, start, end, **fields) -> None:  # type: ignore[no-untyped-def]
    Booking.objects.filter(pk=booking.pk).update(
        start=start, end=end, blocked_start=start, blocked_end=end, **fields
    )


def _completed(booking: Booking) -> Booking:
    _move(
        booking,
        booking.start - timedelta(days=2),
        booking.end - timedelta(days=2),
        status=BookingStatus.AWAITING_CONFIRMATION,
    )
    return session_services.confirm_completion(booking.pk, by=booking.learner)


def _start_in(minutes: int):  # type: ignore[no-untyped-def]
    return (timezone.now() + timedelta(minutes=minutes)).replace(second=0, microsecond=0)


def test_join_classroom_is_offered_from_shortly_before_the_start_until_the_end(
    client, make_listing, make_gig, student
) -> None:
    listing = make_listing()
    gig = make_gig(listing)
    later = _confirmed(listing, gig, student, _start_in(60 * 26))
    soon = _confirmed(listing, gig, student, _start_in(5))
    assert soon.room_id and later.room_id
    client.force_login(student)

    page = client.get(f"/tutoring/bookings/{soon.pk}/").content.decode()
    assert "Join classroom" in page and f"/rooms/{soon.room_id}/" in page
    page = client.get(f"/tutoring/bookings/{later.pk}/").content.decode()
    assert "Join classroom" not in page and "Opens 10 minutes before the start" in page

    dashboard = client.get("/tutoring/dashboard/").content.decode()
    assert dashboard.count("Join classroom") == 1 and f"/rooms/{soon.room_id}/" in dashboard
    # The teacher, too, is offered their classroom at the time.
    client.force_login(listing.user)
    assert "Join classroom" in client.get(f"/tutoring/bookings/{soon.pk}/").content.decode()

    # Once the lesson is over, the classroom is no longer offered.
    _move(soon, timezone.now() - timedelta(minutes=70), timezone.now() - timedelta(minutes=10))
    client.force_login(student)
    assert "Join classroom" not in client.get(f"/tutoring/bookings/{soon.pk}/").content.decode()
    assert "Join classroom" not in client.get("/tutoring/dashboard/").content.decode()


def test_learner_confirms_then_reviews_a_completed_lesson_once(
    client, make_listing, make_gig, student
) -> None:
    listing = make_listing()
    booking = _confirmed(listing, make_gig(listing), student, _start_in(60 * 26))
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.AWAITING_CONFIRMATION)
    client.force_login(student)
    assert (
        "Confirm the lesson took place"
        in client.get(f"/tutoring/bookings/{booking.pk}/").content.decode()
    )
    client.post(f"/tutoring/bookings/{booking.pk}/confirm/")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED

    assert "Review Spanish conversation with" in client.get("/tutoring/dashboard/").content.decode()
    page = client.get(f"/tutoring/bookings/{booking.pk}/").content.decode()
    assert "Publish review" in page
    response = client.post(
        f"/tutoring/bookings/{booking.pk}/review/", {"rating": "4", "text": "Very patient."}
    )
    assert response.status_code == 302
    review = Review.objects.get(booking=booking)
    assert (review.rating, review.text) == (4, "Very patient.")
    listing.refresh_from_db()
    assert listing.rating_count == 1 and listing.rating_average == Decimal("4.00")
    page = client.get(f"/tutoring/bookings/{booking.pk}/").content.decode()
    assert "Publish review" not in page and "Very patient." in page

    client.post(f"/tutoring/bookings/{booking.pk}/review/", {"rating": "1", "text": "Again"})
    assert Review.objects.filter(booking=booking).count() == 1
    assert "How were your lessons?" not in client.get("/tutoring/dashboard/").content.decode()


def test_a_review_needs_one_to_five_stars(client, make_listing, make_gig, student) -> None:
    listing = make_listing()
    booking = _completed(_confirmed(listing, make_gig(listing), student, _start_in(60 * 26)))
    client.force_login(student)
    for rating in ("0", "6", "many", ""):
        client.post(f"/tutoring/bookings/{booking.pk}/review/", {"rating": rating})
    assert not Review.objects.exists()


def test_a_tip_after_the_lesson_goes_through_checkout_and_reaches_the_teacher(
    client, make_listing, make_gig, student, providers
) -> None:
    listing = make_listing()
    booking = _completed(_confirmed(listing, make_gig(listing), student, _start_in(60 * 26)))
    client.force_login(student)
    assert "Send tip" in client.get(f"/tutoring/bookings/{booking.pk}/").content.decode()
    before = user_account(listing.user, AccountKind.EARNINGS, "EUR").balance

    response = client.post(
        f"/tutoring/bookings/{booking.pk}/tip/",
        {"amount": "10", "message": "Gracias", "provider": "stripe"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Checkout" in page and "10.00 EUR" in page
    gift = Gift.objects.get(booking=booking)
    assert gift.paid_at is None and gift.message == "Gracias"
    payment = Payment.objects.get(purpose="session_gift", item__gift=str(gift.pk))
    deliver_payment_succeeded(providers, payment, client)
    gift.refresh_from_db()
    assert gift.paid_at is not None
    after = user_account(listing.user, AccountKind.EARNINGS, "EUR").balance
    assert after - before == Decimal("8.50")  # 10.00 less the 15 % commission


def test_no_tip_before_the_lesson_or_long_after_it(client, make_listing, make_gig, student) -> None:
    listing = make_listing()
    gig = make_gig(listing)
    upcoming = _confirmed(listing, gig, student, _start_in(60 * 26))
    client.force_login(student)
    assert "Send tip" not in client.get(f"/tutoring/bookings/{upcoming.pk}/").content.decode()
    client.post(f"/tutoring/bookings/{upcoming.pk}/tip/", {"amount": "5"})
    assert not Gift.objects.exists()

    old = _completed(_confirmed(listing, gig, student, _start_in(60 * 50)))
    _move(old, timezone.now() - timedelta(days=16), timezone.now() - timedelta(days=15))
    client.post(f"/tutoring/bookings/{old.pk}/tip/", {"amount": "5"})
    assert not Gift.objects.exists()


def test_another_learners_booking_cannot_be_reviewed_tipped_or_confirmed(
    client, make_listing, make_gig, student, other_student
) -> None:
    listing = make_listing()
    booking = _completed(_confirmed(listing, make_gig(listing), student, _start_in(60 * 26)))
    client.force_login(other_student)
    for action in ("", "review/", "tip/", "confirm/"):
        method = client.get if not action else client.post
        response = method(f"/tutoring/bookings/{booking.pk}/{action}", {"rating": "1"})
        assert response.status_code == 404, action
    assert not Review.objects.exists() and not Gift.objects.exists()


def test_a_tip_offers_only_what_the_server_takes_and_returns_to_the_lesson(
    client, make_listing, make_gig, student, settings
) -> None:
    """A fresh `make run` has no Stripe keys: the tip form offered Stripe first (and PayPal,
    Razorpay), which only answered "not configured". It offers the demo card, chosen, and
    the card form leads back to the lesson once paid."""
    settings.PAYMENTS_DEMO_ENABLED = True
    settings.STRIPE_SECRET_KEY = ""
    settings.RAZORPAY_KEY_ID = ""
    listing = make_listing()
    booking = _completed(_confirmed(listing, make_gig(listing), student, _start_in(60 * 26)))
    client.force_login(student)

    page = client.get(f"/tutoring/bookings/{booking.pk}/").content.decode()
    choices = page[page.index('name="provider"') : page.index("Send tip")]
    assert '<option value="demo">' in choices
    for unavailable in ("stripe", "paypal", "razorpay", "bank_transfer"):
        assert f'value="{unavailable}"' not in choices

    response = client.post(f"/tutoring/bookings/{booking.pk}/tip/", {"amount": "5"})
    assert response.status_code == 200
    payment = Payment.objects.get(purpose="session_gift")
    assert payment.provider == "demo"
    done = f"/payments/{payment.pk}/done/?next=/tutoring/bookings/{booking.pk}/"
    assert f'data-done-url="{done}"' in response.content.decode().replace("%2F", "/")
