"""Pytest fixtures for the marketplace (imported by the conftest modules of the tests that
need them): a verified teacher with hours and a gig in a few lines, Stripe's fake on
loopback, and a lesson booked and paid through the API and Stripe's signed webhook."""

from collections.abc import Callable
from datetime import time
from decimal import Decimal
from typing import Any

import pytest

from .models import (
    Gig,
    GigCategory,
    GigDuration,
    ListingStatus,
    PricingMode,
    TaughtLanguage,
    TeacherListing,
    WeeklyHours,
)

EVERY_DAY_9_TO_17 = [(day, time(9), time(17)) for day in range(7)]


@pytest.fixture
def make_listing(role_user: Callable[..., Any]) -> Callable[..., TeacherListing]:
    from accounts.roles import Role

    def make(
        user: Any = None,
        *,
        time_zone: str = "UTC",
        hours: list[tuple[int, time, time]] | None = None,
        languages: list[tuple[str, str, str]] = (("es", "A1", "C2"),),  # type: ignore[assignment]
        status: str = ListingStatus.VERIFIED,
        country: str = "ES",
        **fields: Any,
    ) -> TeacherListing:
        user = user or role_user(Role.TEACHER)
        fields.setdefault("buffer_after_minutes", 0)
        fields.setdefault("minimum_notice_minutes", 0)
        listing = TeacherListing.objects.create(
            user=user,
            headline=f"{user.first_name} teaches",
            time_zone=time_zone,
            status=status,
            country=country,
            **fields,
        )
        for weekday, start, end in EVERY_DAY_9_TO_17 if hours is None else hours:
            WeeklyHours.objects.create(
                listing=listing, weekday=weekday, start_time=start, end_time=end
            )
        for language, low, high in languages:
            TaughtLanguage.objects.create(
                listing=listing, language=language, min_level=low, max_level=high
            )
        return listing

    return make


@pytest.fixture
def make_gig() -> Callable[..., Gig]:
    def make(
        listing: TeacherListing,
        *,
        durations: dict[int, str] | None = None,
        per_minute: str | None = None,
        currency: str = "EUR",
        category: str = "language-tutor",
        **fields: Any,
    ) -> Gig:
        gig = Gig.objects.create(
            listing=listing,
            # get_or_create: a transactional test's flush removes the migration's categories.
            category=GigCategory.objects.get_or_create(
                slug=category, defaults={"name": category.replace("-", " ").capitalize()}
            )[0],
            title=fields.pop("title", "Spanish conversation"),
            about="Let's talk.",
            currency=currency,
            pricing_mode=PricingMode.PER_MINUTE if per_minute else PricingMode.PER_DURATION,
            price_per_minute=Decimal(per_minute) if per_minute else None,
            language=fields.pop("language", "es"),
            **fields,
        )
        for minutes, price in (durations or {60: "30.00"}).items():
            GigDuration.objects.create(gig=gig, minutes=minutes, price=Decimal(price))
        return gig

    return make


def pay_with_stripe(api_client: Any, client: Any, providers: Any, booking_id: str) -> None:
    """Pays a held booking (a lesson or a seat) as the signed-in learner: the checkout, then
    Stripe's signed ``payment_intent.succeeded`` webhook."""
    from payments.models import Payment
    from payments.testing import deliver_payment_succeeded

    checkout = api_client.post(f"/api/v1/bookings/{booking_id}/pay/", {"provider": "stripe"})
    assert checkout.status_code == 200, checkout.json()  # noqa: S101 - test helper
    payment = Payment.objects.get(pk=checkout.json()["payment_id"])
    deliver_payment_succeeded(providers, payment, client)


@pytest.fixture
def paid_booking(
    api_client: Any, client: Any, providers: Any, make_listing: Any, make_gig: Any, student: Any
) -> Callable[..., Any]:
    """Books and pays a lesson through the API and Stripe's signed webhook (as ``student``
    unless another ``learner`` is given; the API client stays signed in as them)."""

    def make(
        start: Any,
        *,
        minutes: int = 60,
        gig: Any = None,
        listing: Any = None,
        learner: Any = None,
    ) -> Any:
        from tutoring.models import Booking

        listing = listing or make_listing(booking_horizon_days=3660)
        gig = gig or make_gig(listing)
        api_client.force_login(learner or student)
        held = api_client.post(
            "/api/v1/bookings/", {"gig": gig.pk, "start": start.isoformat(), "duration": minutes}
        )
        assert held.status_code == 201, held.json()  # noqa: S101 - test helper
        pay_with_stripe(api_client, client, providers, held.json()["id"])
        return Booking.objects.get(pk=held.json()["id"])

    return make


@pytest.fixture
def buy_seat(api_client: Any, client: Any, providers: Any) -> Callable[..., Any]:
    """Holds a group seat through the API as ``learner`` and, unless ``pay=False``, pays it
    through Stripe's signed webhook."""

    def buy(session: Any, learner: Any, *, pay: bool = True) -> Any:
        from tutoring.models import Booking

        api_client.force_login(learner)
        held = api_client.post(f"/api/v1/group-sessions/{session.pk}/book/")
        assert held.status_code == 201, held.json()  # noqa: S101 - test helper
        if pay:
            pay_with_stripe(api_client, client, providers, held.json()["id"])
        return Booking.objects.get(pk=held.json()["id"])

    return buy
