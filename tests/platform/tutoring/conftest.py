"""Factories for the marketplace: a verified teacher with hours and a gig in a few lines."""

from collections.abc import Callable
from datetime import time
from decimal import Decimal
from typing import Any

import pytest
from tutoring.models import (
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
            user=user, headline=f"{user.first_name} teaches", time_zone=time_zone,
            status=status, country=country, **fields,
        )
        for weekday, start, end in EVERY_DAY_9_TO_17 if hours is None else hours:
            WeeklyHours.objects.create(listing=listing, weekday=weekday, start_time=start, end_time=end)
        for language, low, high in languages:
            TaughtLanguage.objects.create(listing=listing, language=language, min_level=low, max_level=high)
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
            category=GigCategory.objects.get(slug=category),
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
