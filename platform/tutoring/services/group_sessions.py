"""Group sessions: published at a fixed time, seats booked without ever overselling."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User

from ..errors import NotAllowed, NotBookable, SessionSoldOut, SlotUnavailable
from ..models import ACTIVE_BOOKING_STATUSES, Booking, BookingStatus, Gig, LessonType
from ..models.bookings import GroupSession
from .bookings import LEARNER_CONSTRAINT, _constraint_of, policy, record


@transaction.atomic
def publish(
    gig: Gig,
    *,
    by: User,
    topic: str,
    start: datetime,
    minutes: int,
    price: Decimal,
    seats: int,
    description: str = "",
) -> GroupSession:
    listing = gig.listing
    if by.pk != listing.user_id:
        raise NotAllowed()
    # FOR UPDATE on the listing conflicts with the FOR SHARE every booking takes: no lesson
    # can be written over this time while we check it.
    type(listing).objects.select_for_update().get(pk=listing.pk)
    end = start + timedelta(minutes=minutes)
    before = timedelta(minutes=listing.buffer_before_minutes)
    after = timedelta(minutes=listing.buffer_after_minutes)
    if Booking.objects.filter(
        teacher=listing,
        group_session__isnull=True,
        status__in=ACTIVE_BOOKING_STATUSES,
        blocked_start__lt=end + after,
        blocked_end__gt=start - before,
    ).exists():
        raise SlotUnavailable("You have a lesson at this time.")
    return GroupSession.objects.create(
        teacher=listing,
        gig=gig,
        topic=topic,
        description=description,
        start=start,
        end=end,
        price=price,
        currency=gig.currency,
        seats=seats,
    )


def book_seat(session: GroupSession, *, learner: User, now: datetime | None = None) -> Booking:
    """Holds one seat while the learner pays. The session row is locked while its counter
    moves, and a check constraint refuses ``seats_taken > seats`` whatever happens."""
    from django.db import IntegrityError

    from ..errors import LearnerBusy

    now = now or timezone.now()
    with transaction.atomic():
        session = (
            GroupSession.objects.select_for_update()
            .select_related("teacher", "gig")
            .get(pk=session.pk)
        )
        if session.cancelled or session.start <= now:
            raise NotBookable("This session cannot be booked any more.")
        if learner.pk == session.teacher_id:
            raise NotAllowed("You cannot book your own session.")
        if session.seats_taken >= session.seats:
            raise SessionSoldOut()
        booking = Booking(
            teacher=session.teacher,
            learner=learner,
            gig=session.gig,
            group_session=session,
            lesson_type=LessonType.GROUP,
            start=session.start,
            end=session.end,
            blocked_start=session.start,
            blocked_end=session.end,
            hold_expires_at=now + timedelta(minutes=policy().hold_minutes),
            currency=session.currency,
            price=session.price,
        )
        try:
            with transaction.atomic():
                booking.save(force_insert=True)
        except IntegrityError as error:
            if _constraint_of(error) == LEARNER_CONSTRAINT:
                raise LearnerBusy() from error
            raise
        session.seats_taken += 1
        session.save(update_fields=["seats_taken"])
        record(booking, BookingStatus.HELD, actor=learner)
    return booking


def lock_share(listing_pk: object) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM tutoring_teacherlisting WHERE user_id = %s FOR SHARE", [listing_pk]
            )
