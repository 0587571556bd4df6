"""Demo calendars: the host has blocked a few dates in two rooms, and the demo student has
sent one request that waits for the host's answer; two past stays of the student with their
reviews (the host answered one, the other waits for an answer on the vendor dashboard); one
partner application waiting in the verification queue. Every step is idempotent and goes
through the services."""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cms.abroad.models import HomestayRoom, time_zone_of

from . import services
from .models import (
    AbroadBooking,
    AbroadReview,
    DocumentKind,
    RoomStay,
    VendorApplication,
    VendorKind,
)
from .payments import PURPOSE


def ensure_demo_calendars() -> str:
    host = get_user_model().objects.filter(email__iexact="homestay@toto.localhost").first()
    rooms = list(
        HomestayRoom.objects.filter(page__owner=host).select_related("page").order_by("pk")
    )
    if host is None or not rooms:
        return "study abroad calendars: no demo homestays"
    if RoomStay.objects.filter(room__in=rooms, booking__isnull=True).exists():
        return "study abroad calendars: already there"
    today = timezone.localdate()
    for offset, room in zip((10, 24, 40), rooms[::2], strict=False):
        start = today + timedelta(days=offset)
        services.block_dates(
            vendor=host,
            room_id=room.pk,
            check_in=start,
            check_out=start + timedelta(days=5),
            note="Family visiting",
        )
    student = get_user_model().objects.filter(email__iexact="student@toto.localhost").first()
    requested = [room for room in rooms if room.page.booking_mode == "request"]
    made = 0
    if student and requested and not AbroadBooking.objects.filter(learner=student).exists():
        room = requested[0]
        check_in = today + timedelta(days=60)
        while check_in.weekday() not in room.page.check_in_weekdays():
            check_in += timedelta(days=1)
        services.hold_booking(
            learner=student,
            room_id=room.pk,
            check_in=check_in,
            check_out=check_in + timedelta(days=room.page.min_nights),
        )
        made = 1
    return f"study abroad calendars: 3 blocked periods, {made} request waiting for the host"


# Past stays of the demo student: (homestay slug, room, days ago, rating, review, reply).
PAST_STAYS = [
    (
        "casa-lucia",
        "Garden room",
        100,
        5,
        "Lucía's dinners and her book recommendations were the best Spanish lessons I had.",
        "Thank you, Sam! Come back for the autumn book club.",
    ),
    (
        "casa-marisol",
        "Patio room",
        45,
        4,
        "Five minutes from the beach and a lovely host. The patio room is a little noisy.",
        "",
    ),
]
APPLICANT = ("pilar@toto.localhost", "Pilar", "Ortega")
# A tiny valid PDF and PNG, judged by content like any upload.
DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _past_stay(learner: Any, room: HomestayRoom, days_ago: int) -> AbroadBooking:
    """A stay that happened: held and paid back then (the money moved as the checkout moves
    it: provider clearing → revenue), then completed, which pays the host."""
    from credits.services import post_transfer
    from payments.ledger import clearing_to_revenue

    then = timezone.now() - timedelta(days=days_ago)
    # The day after "then" at the homestay: in a zone ahead of the server's it may already
    # be tomorrow there (a first `make run` after 15:00 UTC failed on a Tokyo homestay).
    check_in = timezone.localdate(then, ZoneInfo(time_zone_of(room.page))) + timedelta(days=1)
    while check_in.weekday() not in room.page.check_in_weekdays():
        check_in += timedelta(days=1)
    booking = services.hold_booking(
        learner=learner,
        room_id=room.pk,
        check_in=check_in,
        check_out=check_in + timedelta(days=room.page.min_nights),
        now=then,
    )
    post_transfer(
        kind=PURPOSE,
        idempotency_key=f"demo:abroad:{booking.pk}:paid",
        legs=clearing_to_revenue(booking.currency, booking.total),
        memo="Demo study abroad stay",
    )
    return services.payment_received(
        booking.pk, amount=booking.total, reference=f"demo-{booking.pk}", now=then
    )


@transaction.atomic
def ensure_demo_reviews() -> str:
    users = get_user_model().objects
    student = users.filter(email__iexact="student@toto.localhost").first()
    host = users.filter(email__iexact="homestay@toto.localhost").first()
    if student is None or host is None:
        return "study abroad reviews: no demo users"
    if AbroadReview.objects.filter(author=student).exists():
        return "study abroad reviews: already there"
    stays = []
    for slug, room_name, days_ago, rating, text, reply in PAST_STAYS:
        room = (
            HomestayRoom.objects.filter(page__slug=slug, page__owner=host, name=room_name)
            .select_related("page")
            .order_by("pk")
            .first()
        )
        if room is None:
            return "study abroad reviews: no demo homestays"
        stays.append((_past_stay(student, room, days_ago), rating, text, reply))
    services.complete_due()
    for booking, rating, text, reply in stays:
        # Written two days after the stay ended, answered the day after: not all "today".
        ended: date = booking.check_out or timezone.localdate()  # always set: these are stays
        written = datetime.combine(
            ended + timedelta(days=2), time(19), tzinfo=timezone.get_current_timezone()
        )
        written = min(written, timezone.now() - timedelta(days=1))
        review = services.write_review(
            student,
            booking_id=booking.pk,
            page_id=booking.homestay_id,
            rating=rating,
            text=text,
            now=written,
        )
        if reply:
            services.reply_to_review(
                host, review_id=review.pk, text=reply, now=written + timedelta(days=1)
            )
    return "study abroad reviews: 2 past stays reviewed, 1 answered by the host"


def ensure_demo_application() -> str:
    """Pilar wants to host students in Madrid: her application waits for a moderator."""
    from allauth.account.models import EmailAddress
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.demo import DEMO_PASSWORD
    from cms.abroad.models import DestinationPage
    from core.artwork import portrait

    email, first, last = APPLICANT
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).first()
    if user is not None and VendorApplication.objects.filter(user=user).exists():
        return "study abroad partner application: already there"
    destination = DestinationPage.objects.live().filter(slug="madrid").order_by("pk").first()
    if destination is None:
        return "study abroad partner application: no demo destinations"
    if user is None:
        user = user_model(email=email, first_name=first, last_name=last)
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"primary": True, "verified": True}
    )
    services.apply_as_vendor(
        user,
        kind=VendorKind.HOMESTAY,
        organisation="Casa Pilar in Lavapiés",
        destination_id=destination.pk,
        address="Calle del Ave María 12, Madrid",
        phone="+34 611 222 333",
        about="Pilar, a nurse, and her teenage son have a spare room with a balcony in "
        "Lavapiés, ten minutes' walk from the Puerta del Sol.",
        payout_holder="Pilar Ortega",
        payout_details="ES76 2077 0024 0031 0257 5766",
        documents={
            DocumentKind.ID: SimpleUploadedFile("id.pdf", DEMO_PDF),
            DocumentKind.PROOF_OF_ADDRESS: SimpleUploadedFile(
                "address.png", portrait(f"{first} {last}", seed=email)
            ),
        },
    )
    return "study abroad partner application: 1 waiting for verification"


DEMO_STEPS: list[Callable[[], str]] = [
    ensure_demo_calendars,
    ensure_demo_reviews,
    ensure_demo_application,
]
