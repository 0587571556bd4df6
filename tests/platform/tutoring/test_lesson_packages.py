"""Lesson packages: bought once through the checkout registry (demo card), booked lesson by
lesson without another payment, and every step's money on the ledger: buy, teach, cancel,
refund of the unused lessons, expiry, account deletion."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from credits.models import AccountKind
from credits.services import platform_account, user_account, verify_balances
from payments.models import Payment, Refund
from tutoring import tasks
from tutoring.models import Booking, BookingStatus, LessonPackage, PackageStatus
from tutoring.services.bookings import move_status

pytestmark = pytest.mark.django_db

CARD = {"card": "4242424242424242", "expiry": "12/40", "cvc": "123"}


def lesson_start(days: float, hour: int = 10) -> datetime:
    moment = datetime.now(tz=UTC) + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def balances(teacher_user: Any) -> dict[str, Decimal]:
    return {
        "clearing": platform_account(AccountKind.PROVIDER_CLEARING, "EUR").balance,
        "revenue": platform_account(AccountKind.REVENUE, "EUR").balance,
        "commissions": platform_account(AccountKind.COMMISSIONS, "EUR").balance,
        "earnings": user_account(teacher_user, AccountKind.EARNINGS, "EUR").balance,
    }


@pytest.fixture
def package_gig(make_listing: Any, make_gig: Any) -> Any:
    listing = make_listing(booking_horizon_days=3660)
    # 30.00 a lesson; packages of 5 at 10 % off: 27.00 a lesson, 135.00 the package.
    return make_gig(listing, package_sizes=[5, 10], package_discount_percent=10)


@pytest.fixture
def buy_package(api_client: Any, student: Any, settings: Any) -> Any:
    settings.PAYMENTS_DEMO_ENABLED = True

    def buy(gig: Any, lessons: int = 5, minutes: int = 60) -> LessonPackage:
        api_client.force_login(student)
        created = api_client.post(
            "/api/v1/lesson-packages/",
            {"gig": gig.pk, "duration": minutes, "lessons": lessons},
            format="json",
        )
        assert created.status_code == 201, created.json()
        assert created.json()["status"] == "pending"
        package_id = created.json()["id"]
        checkout = api_client.post(
            f"/api/v1/lesson-packages/{package_id}/pay/", {"provider": "demo"}, format="json"
        )
        assert checkout.status_code == 200, checkout.json()
        payment = Payment.objects.get(purpose="tutoring_package", item__package=package_id)
        confirmed = api_client.post(
            f"/api/v1/payments/{payment.pk}/demo/confirm/", CARD, format="json"
        )
        assert confirmed.json()["status"] == "succeeded", confirmed.json()
        return LessonPackage.objects.get(pk=package_id)

    return buy


def book(api_client: Any, package: LessonPackage, start: datetime) -> Any:
    return api_client.post(
        f"/api/v1/lesson-packages/{package.pk}/book/", {"start": start.isoformat()}, format="json"
    )


def teach(booking_id: Any) -> None:
    """The lesson took place (its attendance is the sessions tests' concern)."""
    booking = Booking.objects.get(pk=booking_id)
    move_status(booking, BookingStatus.AWAITING_CONFIRMATION, note="test: lesson held")
    booking.save()


def test_buying_a_package_puts_its_price_in_revenue(package_gig: Any, buy_package: Any) -> None:
    package = buy_package(package_gig)
    assert package.status == PackageStatus.ACTIVE
    assert (package.unit_price, package.price) == (Decimal("27.00"), Decimal("135.00"))
    assert package.lessons_left == 5 and package.expires_at is None
    assert balances(package_gig.listing.user) == {
        "clearing": Decimal("-135.00"),
        "revenue": Decimal("135.00"),
        "commissions": Decimal("0"),
        "earnings": Decimal("0"),
    }
    assert verify_balances() == []


def test_lessons_are_booked_without_paying_and_taught_ones_pay_the_teacher(
    api_client: Any, package_gig: Any, buy_package: Any
) -> None:
    package = buy_package(package_gig)
    first, second = (
        book(api_client, package, lesson_start(3)),
        book(api_client, package, lesson_start(4)),
    )
    assert first.status_code == 201, first.json()
    assert second.status_code == 201, second.json()
    assert first.json()["status"] == "confirmed"
    assert first.json()["lesson_type"] == "package"
    assert first.json()["price"] == "27.00"
    assert first.json()["package"] == str(package.pk)
    assert Payment.objects.count() == 1  # the package's, nothing per lesson
    listed = api_client.get(f"/api/v1/lesson-packages/{package.pk}/").json()
    assert (listed["lessons_used"], listed["lessons_left"]) == (2, 3)

    teach(first.json()["id"])
    confirmed = api_client.post(f"/api/v1/bookings/{first.json()['id']}/confirm/")
    assert confirmed.status_code == 200, confirmed.json()
    # 27.00 released: 15 % commission 4.05, the teacher 22.95; 108.00 still held.
    assert balances(package_gig.listing.user) == {
        "clearing": Decimal("-135.00"),
        "revenue": Decimal("108.00"),
        "commissions": Decimal("4.05"),
        "earnings": Decimal("22.95"),
    }
    assert verify_balances() == []


def test_a_lesson_cancelled_in_time_goes_back_to_the_package(
    api_client: Any, package_gig: Any, buy_package: Any
) -> None:
    package = buy_package(package_gig)
    booked = book(api_client, package, lesson_start(5)).json()
    before = balances(package_gig.listing.user)
    cancelled = api_client.post(f"/api/v1/bookings/{booked['id']}/cancel/", {"reason": "ill"})
    assert cancelled.status_code == 200, cancelled.json()
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["refunded_amount"] == "0.00"
    package.refresh_from_db()
    assert package.lessons_left == 5
    assert balances(package_gig.listing.user) == before  # no money moved
    assert not Refund.objects.exists()
    # The returned lesson can be booked again, at the same time even.
    assert book(api_client, package, lesson_start(5)).status_code == 201


def test_a_used_up_package_refuses_another_lesson(
    api_client: Any, package_gig: Any, buy_package: Any
) -> None:
    package = buy_package(package_gig)
    for day in range(1, 6):
        assert book(api_client, package, lesson_start(day)).status_code == 201
    refused = book(api_client, package, lesson_start(6))
    assert refused.status_code == 409
    assert refused.json()["code"] == "package_used_up"


def test_unused_lessons_are_refunded_pro_rata(
    api_client: Any, package_gig: Any, buy_package: Any
) -> None:
    package = buy_package(package_gig)
    taught = book(api_client, package, lesson_start(2)).json()
    upcoming = book(api_client, package, lesson_start(3)).json()
    teach(taught["id"])
    api_client.post(f"/api/v1/bookings/{taught['id']}/confirm/")

    answer = api_client.post(f"/api/v1/lesson-packages/{package.pk}/refund/")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == "closed"
    assert answer.json()["refunded_lessons"] == 3
    assert answer.json()["refunded_amount"] == "81.00"
    tasks.refund_package(str(package.pk), "81.00", "unused lessons", "unused")  # after commit
    refund = Refund.objects.get()
    assert (refund.amount, refund.status) == (Decimal("81.00"), "succeeded")
    # 135 in; 27 to the teacher and commission; 81 back to the learner; 27 held for the
    # lesson still booked.
    assert balances(package_gig.listing.user) == {
        "clearing": Decimal("-54.00"),
        "revenue": Decimal("27.00"),
        "commissions": Decimal("4.05"),
        "earnings": Decimal("22.95"),
    }
    assert verify_balances() == []
    # A closed package books nothing more; the upcoming lesson still happens.
    assert book(api_client, package, lesson_start(6)).status_code == 409
    assert Booking.objects.get(pk=upcoming["id"]).status == BookingStatus.CONFIRMED
    # Cancelled now, that lesson is refunded too (the package cannot take it back).
    api_client.post(f"/api/v1/bookings/{upcoming['id']}/cancel/", {})
    tasks.refund_package(str(package.pk), "27.00", "lesson cancelled", f"return:{upcoming['id']}")
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("0.00")
    assert platform_account(AccountKind.PROVIDER_CLEARING, "EUR").balance == Decimal("-27.00")
    assert verify_balances() == []


def test_an_expired_package_refunds_its_unused_lessons(
    api_client: Any, make_listing: Any, make_gig: Any, buy_package: Any
) -> None:
    from tutoring.services.packages import expire_packages

    gig = make_gig(
        make_listing(booking_horizon_days=3660), package_sizes=[5], package_valid_days=30
    )
    package = buy_package(gig)
    assert package.expires_at is not None
    assert book(api_client, package, lesson_start(40)).json()["code"] == "invalid_package_state"
    assert book(api_client, package, lesson_start(2)).status_code == 201
    assert expire_packages(now=package.expires_at - timedelta(minutes=1)) == 0
    assert expire_packages(now=package.expires_at) == 1
    package.refresh_from_db()
    assert (package.status, package.refunded_lessons) == (PackageStatus.EXPIRED, 4)
    assert package.refunded_amount == Decimal("120.00")  # 4 lessons at 30.00 (no discount)


def test_only_the_gigs_package_sizes_can_be_bought(
    api_client: Any, package_gig: Any, student: Any
) -> None:
    api_client.force_login(student)
    answer = api_client.post(
        "/api/v1/lesson-packages/",
        {"gig": package_gig.pk, "duration": 60, "lessons": 7},
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "not_bookable"


def test_someone_elses_package_is_invisible(
    api_client: Any, package_gig: Any, buy_package: Any, other_student: Any
) -> None:
    package = buy_package(package_gig)
    api_client.force_login(other_student)
    assert api_client.get(f"/api/v1/lesson-packages/{package.pk}/").status_code == 404
    assert book(api_client, package, lesson_start(3)).status_code == 404


def test_package_list_has_a_pinned_query_count(
    api_client: Any, package_gig: Any, buy_package: Any, assert_num_queries: Any
) -> None:
    buy_package(package_gig)
    buy_package(package_gig, lessons=10)
    with assert_num_queries(4):  # session, user, count, page (gig, teacher, user joined)
        response = api_client.get("/api/v1/lesson-packages/")
    assert response.json()["count"] == 2
    assert {row["lessons"] for row in response.json()["results"]} == {5, 10}


def test_deleting_the_learner_returns_and_refunds_every_unused_lesson(
    api_client: Any, package_gig: Any, buy_package: Any, student: Any
) -> None:
    from accounts.services import delete_account

    package = buy_package(package_gig)
    book(api_client, package, lesson_start(3))
    delete_account(student)
    package.refresh_from_db()
    assert package.status == PackageStatus.CLOSED
    assert (package.lessons_used, package.refunded_lessons) == (0, 5)
    assert package.refunded_amount == Decimal("135.00")


def test_the_website_sells_a_package_and_books_from_it(
    client: Any, api_client: Any, package_gig: Any, student: Any, settings: Any
) -> None:
    settings.PAYMENTS_DEMO_ENABLED = True
    settings.STRIPE_SECRET_KEY = ""
    listing = package_gig.listing
    client.force_login(student)
    page = client.get(f"/tutoring/teachers/{listing.pk}/", {"gig": package_gig.pk})
    html = page.content.decode()
    assert 'data-testid="package-offers"' in html
    assert "135.00 EUR" in html and "Buy 5 lessons" in html

    bought = client.post(
        f"/tutoring/teachers/{listing.pk}/packages/buy/",
        {"gig": package_gig.pk, "duration": 60, "lessons": 5},
    )
    html = bought.content.decode()
    assert bought.status_code == 200
    assert "Demo payment — no real money" in html and "<script>" not in html
    package = LessonPackage.objects.get(learner=student)
    payment = Payment.objects.get(purpose="tutoring_package")
    api_client.force_login(student)
    api_client.post(f"/api/v1/payments/{payment.pk}/demo/confirm/", CARD, format="json")

    listed = client.get("/tutoring/packages/").content.decode()
    assert "5 lessons left" in listed
    detail = client.get(f"/tutoring/packages/{package.pk}/").content.decode()
    assert "Book a lesson" in detail
    start = re.search(r'name="start" value="([^"]+)"', detail).group(1)  # the first free time
    booked = client.post(f"/tutoring/packages/{package.pk}/book/", {"start": start}, follow=True)
    assert "no payment needed" in booked.content.decode()
    assert "4 / 5" in booked.content.decode()
    assert Booking.objects.get(package=package).status == BookingStatus.CONFIRMED
