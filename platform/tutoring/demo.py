"""Demo marketplace: verified teachers with gigs in both categories and weekly hours, a
completed lesson with a review, an upcoming one, two scheduled group sessions, and a teacher
waiting in the verification queue. Idempotent."""

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.services import grant_role

from .models import (
    Booking,
    BookingEvent,
    BookingStatus,
    Gig,
    GigCategory,
    GigDuration,
    ListingStatus,
    PricingMode,
    TaughtLanguage,
    TeacherListing,
    WeeklyHours,
)

DEMO_PASSWORD = "toto-demo-2026"  # noqa: S105 - the accounts demo's shared demo password

# email, first, last, zone, country, headline, languages, weekly hours (weekdays, from, to)
DemoTeacher = tuple[
    str, str, str, str, str, str, list[tuple[str, bool, str, str]], tuple[range, time, time]
]
TEACHERS: list[DemoTeacher] = [
    (
        "teacher@toto.localhost",
        "Tomás",
        "Teacher",
        "Europe/Madrid",
        "ES",
        "Spanish from Seville: conversation and DELE preparation",
        [("es", True, "A1", "C2"), ("en", False, "A1", "B2")],
        (range(7), time(8), time(20)),
    ),
    (
        "mei@toto.localhost",
        "Mei",
        "Lin",
        "Asia/Shanghai",
        "CN",
        "Mandarin for beginners, patiently and with lots of speaking",
        [("zh", True, "A1", "B2")],
        (range(5), time(18), time(22)),
    ),
    (
        "claire@toto.localhost",
        "Claire",
        "Dubois",
        "Europe/Paris",
        "FR",
        "French conversation for travellers and professionals",
        [("fr", True, "A2", "C1")],
        (range(1, 6), time(9), time(13)),
    ),
    (
        "priya@toto.localhost",
        "Priya",
        "Rao",
        "Asia/Kolkata",
        "IN",
        "Palm reading with two decades of practice",
        [],
        (range(5, 7), time(10), time(16)),
    ),
]

# teacher email → gigs: (category, title, language, currency, {minutes: price} or rate)
DemoGig = tuple[str, str, str, str, dict[int, str], str | None]
GIGS: dict[str, list[DemoGig]] = {
    "teacher@toto.localhost": [
        ("language-tutor", "Spanish conversation", "es", "EUR", {30: "15.00", 60: "28.00"}, None),
        ("language-tutor", "DELE exam preparation", "es", "EUR", {45: "0"}, "0.50"),
    ],
    "mei@toto.localhost": [
        ("language-tutor", "Mandarin from zero", "zh", "USD", {30: "12.00", 60: "22.00"}, None),
    ],
    "claire@toto.localhost": [
        ("language-tutor", "French for your trip", "fr", "EUR", {60: "32.00"}, None),
    ],
    "priya@toto.localhost": [
        ("chirologist", "Palm reading session", "", "INR", {30: "900.00", 60: "1600.00"}, None),
    ],
}


# The categories migration tutoring/0003 seeds; a test database flushed between browser tests
# has lost them, so the demo puts back the ones it uses.
DEMO_CATEGORIES = {
    "language-tutor": ("Language tutor", "One-to-one language lessons.", True),
    "chirologist": ("Chirologist", "Palm reading sessions.", False),
}


def _category(slug: str) -> GigCategory:
    name, description, is_language = DEMO_CATEGORIES[slug]
    category, _created = GigCategory.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "description": description,
            "is_language_teaching": is_language,
        },
    )
    return category


def _user(email: str, first: str, last: str) -> User:
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).first()
    if user is None:
        user = user_model(email=email, first_name=first, last_name=last)
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"primary": True, "verified": True}
    )
    grant_role(user, Role.TEACHER)
    return user


def _give_portrait(user: User) -> None:
    """A drawn portrait (core.artwork, no download) for a demo teacher without a photo,
    through the same avatar service (and content check) as an upload."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import Profile
    from accounts.services import set_avatar
    from core.artwork import portrait

    profile, _ = Profile.objects.get_or_create(user=user)
    if profile.avatar:
        return
    picture = portrait(user.get_full_name(), seed=user.email)
    set_avatar(user, SimpleUploadedFile("portrait.png", picture, content_type="image/png"))


@transaction.atomic
def ensure_demo_teachers() -> str:
    for email, first, last, zone, country, headline, languages, hours in TEACHERS:
        user = _user(email, first, last)
        listing, created = TeacherListing.objects.get_or_create(
            user=user,
            defaults={
                "headline": headline,
                "about": headline + ".",
                "time_zone": zone,
                "country": country,
                "status": ListingStatus.VERIFIED,
                "reviewed_at": timezone.now(),
                "minimum_notice_minutes": 120,
            },
        )
        if not created:
            continue
        for language, native, low, high in languages:
            TaughtLanguage.objects.create(
                listing=listing, language=language, native=native, min_level=low, max_level=high
            )
        days, start, end = hours
        WeeklyHours.objects.bulk_create(
            [WeeklyHours(listing=listing, weekday=d, start_time=start, end_time=end) for d in days]
        )
        for category, title, language, currency, durations, rate in GIGS[email]:
            gig = Gig.objects.create(
                listing=listing,
                category=_category(category),
                title=title,
                about=f"{title} with {first}.",
                language=language,
                currency=currency,
                pricing_mode=PricingMode.PER_MINUTE if rate else PricingMode.PER_DURATION,
                price_per_minute=Decimal(rate) if rate else None,
                trial_minutes=30 if title == "Spanish conversation" else None,
                trial_price=Decimal("5.00") if title == "Spanish conversation" else None,
                # Packages to buy with the demo card: 5 or 10 lessons at 10 % off, 90 days.
                package_sizes=[5, 10] if title == "Spanish conversation" else [],
                package_discount_percent=10 if title == "Spanish conversation" else 0,
                package_valid_days=90 if title == "Spanish conversation" else None,
            )
            for minutes, price in durations.items():
                GigDuration.objects.create(gig=gig, minutes=minutes, price=Decimal(price))
        _give_portrait(user)
    # One more teacher waits for a moderator in Settings → Teacher verification.
    waiting = _user("newteacher@toto.localhost", "Nico", "Newcomer")
    TeacherListing.objects.get_or_create(
        user=waiting,
        defaults={
            "headline": "Italian for food lovers",
            "time_zone": "Europe/Rome",
            "country": "IT",
            "status": ListingStatus.PENDING,
            "submitted_at": timezone.now(),
        },
    )
    return f"tutoring: {len(TEACHERS)} verified teachers, 1 waiting for verification"


def _local(zone: str, days: int, hour: int) -> datetime:
    day = timezone.now().astimezone(ZoneInfo(zone)).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _booking(
    listing: TeacherListing, learner: User, gig: Gig, start: datetime, **extra: Any
) -> Booking:
    minutes = gig.durations.first().minutes
    price = gig.price_for(minutes)
    assert price is not None  # noqa: S101 - minutes is one of the gig's own durations
    end = start + timedelta(minutes=minutes)
    booking = Booking.objects.create(
        teacher=listing,
        learner=learner,
        gig=gig,
        start=start,
        end=end,
        blocked_start=start - timedelta(minutes=listing.buffer_before_minutes),
        blocked_end=end + timedelta(minutes=listing.buffer_after_minutes),
        currency=gig.currency,
        price=price,
        paid_at=start - timedelta(days=2),
        confirmed_at=start - timedelta(days=2),
        status=BookingStatus.CONFIRMED,
        **extra,
    )
    BookingEvent.objects.create(booking=booking, to_status=BookingStatus.HELD, actor=learner)
    BookingEvent.objects.create(
        booking=booking,
        from_status=BookingStatus.HELD,
        to_status=BookingStatus.CONFIRMED,
        note="paid",
    )
    return booking


@transaction.atomic
def ensure_demo_bookings() -> str:
    from credits.services import post_transfer
    from payments.ledger import clearing_to_revenue

    from . import payments
    from .services import group_sessions, reviews

    listing = TeacherListing.objects.get(user__email="teacher@toto.localhost")
    if listing.bookings.exists():
        return "tutoring bookings: already there"
    learner = get_user_model().objects.get(email="student@toto.localhost")
    gig = listing.gigs.get(title="Spanish conversation")
    past = _booking(listing, learner, gig, _local(listing.time_zone, -5, 10))
    # The money as the checkout would have moved it: paid in, then earned on delivery.
    post_transfer(
        kind="tutoring_booking",
        idempotency_key=f"demo:booking:{past.pk}:paid",
        legs=clearing_to_revenue(past.currency, past.price),
        memo="Demo lesson",
    )
    past.status = BookingStatus.COMPLETED
    past.ended_at = past.completed_at = past.end
    past.billed_minutes, past.billed_amount = past.minutes, past.price
    past.save()
    BookingEvent.objects.create(
        booking=past,
        from_status=BookingStatus.CONFIRMED,
        to_status=BookingStatus.COMPLETED,
        actor=learner,
    )
    payments.pay_teacher(past, past.price, reason="lesson delivered")
    reviews.write_review(
        past, by=learner, rating=5, text="Tomás made me talk from the first minute. ¡Gracias!"
    )
    _booking(listing, learner, gig, _local(listing.time_zone, 2, 10))
    group_sessions.publish(  # with its classroom, as a teacher publishes it
        gig,
        by=listing.user,
        topic="Tapas vocabulary: ordering in a Seville bar",
        description="A relaxed group conversation, six people at most.",
        start=_local(listing.time_zone, 3, 18),
        minutes=60,
        price=Decimal("8.00"),
        seats=6,
    )
    return "tutoring bookings: 1 completed with a review, 1 upcoming, 1 group session"


@transaction.atomic
def ensure_demo_group_sessions() -> str:
    """A second group session, by another teacher in another language, so that the
    sessions page has something to filter."""
    from .services import group_sessions

    listing = TeacherListing.objects.get(user__email="claire@toto.localhost")
    if listing.group_sessions.exists():
        return "tutoring group sessions: already there"
    group_sessions.publish(
        listing.gigs.get(title="French for your trip"),
        by=listing.user,
        topic="Café French: small talk for your first day in Paris",
        description="Greetings, ordering and asking the way, in a group of four.",
        level="A2",
        start=_local(listing.time_zone, 4, 10),
        minutes=45,
        price=Decimal("10.00"),
        seats=4,
    )
    return "tutoring group sessions: 1 more, in French, at A2"


DEMO_STEPS: list[Callable[[], str]] = [
    ensure_demo_teachers,
    ensure_demo_bookings,
    ensure_demo_group_sessions,
]
