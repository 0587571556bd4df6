"""Study-abroad bookings: hold, request and answer, vendors' blocked dates, expiry.

Never oversell (see ``models``): seats are counted under ``FOR UPDATE`` locks on the intake
rows, taken in primary-key order; nights are refused by PostgreSQL's exclusion constraint on
each room. A package takes its seats, writes the booking and then its stay in one
transaction: if the room is taken the whole transaction rolls back and the seats were never
taken. The pre-checks before the writes only give early, friendly answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from cms.abroad.models import (
    WEEKDAYS,
    BookingMode,
    CourseIntake,
    CoursePage,
    HomestayPage,
    HomestayRoom,
    time_zone_of,
)
from core import dispatch
from core.db import save_retrying_deadlocks

from .. import policies, pricing
from ..errors import InvalidBookingState, NotAllowed, NotBookable, RoomTaken, SeatsTaken
from ..models import AbroadBooking, BookingStatus, RoomStay
from .rows import MAX_SEATS_PER_BOOKING, lock_booking, policy, release, room_is_free, seats_taken


@dataclass(frozen=True)
class CoursePart:
    course: CoursePage
    intake: CourseIntake
    seats: int
    weeks: int
    amount: Decimal


@dataclass(frozen=True)
class StayPart:
    homestay: HomestayPage
    room: HomestayRoom
    check_in: date
    check_out: date
    amount: Decimal


def _source_page(page: Any) -> Any:
    """The page in the default (source) locale that ``page`` translates, or ``page``."""
    from wagtail.models import Locale

    default = Locale.get_default()
    if page.locale_id == default.pk:
        return page
    return type(page).objects.filter(translation_key=page.translation_key, locale=default).first()


def source_intake(intake: CourseIntake) -> CourseIntake:
    """Bookings are pinned to the source locale's intakes: a translated course's intakes
    are copies (wagtail-localize syncs them), and counting seats on a copy would sell the
    quota twice. The copy is matched by its start date."""
    source = _source_page(intake.page)
    if source is None or source.pk == intake.page_id:
        return intake
    pinned = (
        CourseIntake.objects.select_related("page", "page__owner")
        .filter(page=source, start_date=intake.start_date, page__live=True)
        .first()
    )
    if pinned is None:
        raise NotBookable("This start date is not offered any more.")
    return pinned


def source_room(room: HomestayRoom) -> HomestayRoom:
    """As ``source_intake``, for rooms: matched by their order on the page."""
    source = _source_page(room.page)
    if source is None or source.pk == room.page_id:
        return room
    pinned = (
        HomestayRoom.objects.select_related("page", "page__owner")
        .filter(page=source, sort_order=room.sort_order, page__live=True)
        .first()
    )
    if pinned is None:
        raise NotBookable("This room is not offered any more.")
    return pinned


def _local_today(page: Any, now: datetime) -> date:
    return timezone.localdate(now, ZoneInfo(time_zone_of(page)))


def course_part(intake_id: Any, seats: int, weeks: int | None, *, now: datetime) -> CoursePart:
    intake = (
        CourseIntake.objects.select_related("page", "page__owner")
        .filter(pk=intake_id, page__live=True)
        .first()
    )
    if intake is None:
        raise NotBookable("No such course start date.")
    intake = source_intake(intake)
    course = intake.page
    weeks = weeks or course.weeks_min
    if not course.weeks_min <= weeks <= course.weeks_max:
        raise NotBookable(f"This course runs from {course.weeks_min} to {course.weeks_max} weeks.")
    if not 1 <= seats <= MAX_SEATS_PER_BOOKING:
        raise NotBookable(f"Book from 1 to {MAX_SEATS_PER_BOOKING} seats.")
    if intake.start_date <= _local_today(course, now):
        raise NotBookable("This start date has passed.")
    return CoursePart(course, intake, seats, weeks, pricing.course_total(course, weeks, seats))


def stay_part(room_id: Any, check_in: date, check_out: date, *, now: datetime) -> StayPart:
    room = (
        HomestayRoom.objects.select_related("page", "page__owner")
        .filter(pk=room_id, page__live=True)
        .first()
    )
    if room is None:
        raise NotBookable("No such room.")
    room = source_room(room)
    homestay = room.page
    nights = (check_out - check_in).days
    if check_in <= _local_today(homestay, now):
        raise NotBookable("Check-in must be in the future.")
    if not homestay.min_nights <= nights <= homestay.max_nights:
        raise NotBookable(
            f"Stays here are from {homestay.min_nights} to {homestay.max_nights} nights."
        )
    if check_in.weekday() not in homestay.check_in_weekdays():
        days = ", ".join(WEEKDAYS[day] for day in homestay.check_in_weekdays())
        raise NotBookable(f"Check-in is possible on: {days}.")
    return StayPart(
        homestay, room, check_in, check_out, pricing.stay_total(room, check_in, check_out)
    )


def _lock_intakes(intake_ids: list[int]) -> list[CourseIntake]:
    """Locks the quota rows in primary-key order: two buyers of overlapping sets of intakes
    always queue on the same first row, so they never deadlock."""
    return list(CourseIntake.objects.select_for_update().filter(pk__in=intake_ids).order_by("pk"))


def _expire_stale_for(*, intake_id: int | None, room_id: int | None, now: datetime) -> None:
    """Run-out holds and unanswered requests over the same seats or room are released
    first, so that they do not block this booking (the periodic task does the rest)."""
    stale = AbroadBooking.objects.select_for_update(skip_locked=True)
    if intake_id is not None:
        stale = stale.filter(intake_id=intake_id)
    else:
        stale = stale.filter(stay__room_id=room_id, stay__active=True)
    for booking in stale.filter(status=BookingStatus.HELD, hold_expires_at__lte=now):
        release(booking, BookingStatus.EXPIRED, "hold ran out")
    for booking in stale.filter(status=BookingStatus.AWAITING_VENDOR, respond_by__lte=now):
        release(booking, BookingStatus.LAPSED, "the provider did not answer in time")


def _vendor(page: Any) -> User | None:
    return page.owner if page.owner_id else None


def hold_booking(
    *,
    learner: User,
    intake_id: Any = None,
    seats: int = 1,
    weeks: int | None = None,
    room_id: Any = None,
    check_in: date | None = None,
    check_out: date | None = None,
    now: datetime | None = None,
) -> AbroadBooking:
    """Holds a course seat, a stay, or both (a package) for ``learner``: an instant-book
    listing is held while they pay; a request-to-book listing waits for its provider."""
    now = now or timezone.now()
    if intake_id is None and room_id is None:
        raise NotBookable("Choose a course start date, a room, or both.")
    course = course_part(intake_id, seats, weeks, now=now) if intake_id is not None else None
    stay = None
    if room_id is not None:
        if check_in is None or check_out is None or check_out <= check_in:
            raise NotBookable("A stay needs a check-in date before its check-out date.")
        stay = stay_part(room_id, check_in, check_out, now=now)
    pages: list[Any] = [part.course for part in [course] if part] + [
        part.homestay for part in [stay] if part
    ]
    if len({page.currency for page in pages}) > 1:
        raise NotBookable("The course and the homestay are priced in different currencies.")
    if any(page.owner_id == learner.pk for page in pages):
        raise NotAllowed("You cannot book your own listing.")
    if stay is not None and not room_is_free(stay.room.pk, stay.check_in, stay.check_out):
        # Early answer only: stale holds may still be released below, and the constraint
        # decides in the end.
        stale_only = (
            not RoomStay.objects.filter(
                room_id=stay.room.pk,
                active=True,
                check_in__lt=stay.check_out,
                check_out__gt=stay.check_in,
            )
            .exclude(booking__status=BookingStatus.HELD, booking__hold_expires_at__lte=now)
            .exists()
        )
        if not stale_only:
            raise RoomTaken()

    settings = policy()
    awaiting = sorted(
        {
            str(page.owner_id)
            for page in pages
            if page.booking_mode == BookingMode.REQUEST and page.owner_id
        }
    )
    due = Decimal(0)
    if course is not None:
        due += pricing.deposit(course.amount, course.course.deposit_percent)
    if stay is not None:
        due += pricing.deposit(stay.amount, stay.homestay.deposit_percent)
    booking_policy = pages[0].cancellation_policy
    for page in pages[1:]:
        booking_policy = policies.stricter(booking_policy, page.cancellation_policy)

    with transaction.atomic():
        if course is not None:
            [intake] = _lock_intakes([course.intake.pk])
            _expire_stale_for(intake_id=intake.pk, room_id=None, now=now)
            if seats_taken(intake.pk) + course.seats > intake.seats:
                raise SeatsTaken()
        booking = AbroadBooking(
            learner=learner,
            status=BookingStatus.AWAITING_VENDOR if awaiting else BookingStatus.HELD,
            currency=pages[0].currency,
            time_zone=time_zone_of(pages[0]),
            total=(course.amount if course else Decimal(0)) + (stay.amount if stay else Decimal(0)),
            due_now=due,
            cancellation_policy=booking_policy,
            by_request=bool(awaiting),
            awaiting_vendors=awaiting,
            hold_expires_at=None if awaiting else now + timedelta(minutes=settings.hold_minutes),
            respond_by=now + timedelta(hours=settings.request_response_hours) if awaiting else None,
        )
        if course is not None:
            booking.course = course.course
            booking.intake = course.intake
            booking.seats = course.seats
            booking.weeks = course.weeks
            booking.course_start = course.intake.start_date
            booking.course_end = course.intake.start_date + timedelta(weeks=course.weeks, days=-3)
            booking.course_amount = course.amount
            booking.course_vendor = _vendor(course.course)
        if stay is not None:
            booking.homestay = stay.homestay
            booking.room = stay.room
            booking.check_in = stay.check_in
            booking.check_out = stay.check_out
            booking.stay_amount = stay.amount
            booking.stay_vendor = _vendor(stay.homestay)
        days = (booking.departure - booking.arrival).days if booking.arrival else 0
        booking.long_stay = policies.is_long_stay(days)
        booking.save(force_insert=True)
        if stay is not None:
            _expire_stale_for(intake_id=None, room_id=stay.room.pk, now=now)
            if not room_is_free(stay.room.pk, stay.check_in, stay.check_out):
                raise RoomTaken()  # the embedded SQLite default has no exclusion constraint
            try:
                save_retrying_deadlocks(
                    RoomStay(
                        room=stay.room,
                        booking=booking,
                        check_in=stay.check_in,
                        check_out=stay.check_out,
                        created_by=learner,
                    ),
                    force_insert=True,
                )
            except IntegrityError as error:
                # Leaving the atomic block with this error rolls back the booking and with
                # it the seats it counted: a package is all or nothing.
                raise RoomTaken() from error
        if awaiting:
            dispatch.enqueue_on_commit("abroad.notify_request", str(booking.pk))
    return booking


def answer_request(
    booking_id: Any, *, vendor: User, accept: bool, note: str = "", now: datetime | None = None
) -> AbroadBooking:
    """A provider accepts or declines a request. Declining releases everything (nothing was
    charged); when every provider of the booking has accepted, the learner has
    ``accepted_request_hold_hours`` to pay."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = lock_booking(booking_id)
        if str(vendor.pk) not in booking.vendors():
            raise NotAllowed()
        if (
            booking.status != BookingStatus.AWAITING_VENDOR
            or str(vendor.pk) not in booking.awaiting_vendors
        ):
            raise InvalidBookingState("This request is not waiting for your answer.")
        if booking.respond_by and booking.respond_by <= now:
            release(booking, BookingStatus.LAPSED, "the provider did not answer in time")
            raise InvalidBookingState("This request has lapsed.")
        if not accept:
            booking.cancelled_at = now
            booking.cancelled_by_vendor = True
            booking.save(update_fields=["cancelled_at", "cancelled_by_vendor"])
            release(booking, BookingStatus.CANCELLED, note or "declined by the provider")
        else:
            booking.awaiting_vendors = [
                pk for pk in booking.awaiting_vendors if pk != str(vendor.pk)
            ]
            if not booking.awaiting_vendors:
                booking.status = BookingStatus.HELD
                booking.accepted_at = now
                booking.respond_by = None
                booking.hold_expires_at = now + timedelta(
                    hours=policy().accepted_request_hold_hours
                )
            booking.save()
        dispatch.enqueue_on_commit("abroad.notify_answer", str(booking.pk))
    return booking


def _own_room(room_id: Any, vendor: User) -> HomestayRoom:
    room = HomestayRoom.objects.select_related("page").filter(pk=room_id).first()
    if room is None or (room.page.owner_id != vendor.pk and not vendor.is_superuser):
        raise NotAllowed("This is not one of your rooms.")
    return room


def block_dates(
    *, vendor: User, room_id: Any, check_in: date, check_out: date, note: str = ""
) -> RoomStay:
    """The host takes dates off the calendar; refused where a guest already stays."""
    room = _own_room(room_id, vendor)
    if check_out <= check_in:
        raise NotBookable("The last blocked night must come after the first.")
    with transaction.atomic():
        if not room_is_free(room.pk, check_in, check_out):
            raise RoomTaken("These dates are already booked or blocked.")
        stay = RoomStay(
            room=room, check_in=check_in, check_out=check_out, note=note[:120], created_by=vendor
        )
        try:
            save_retrying_deadlocks(stay, force_insert=True)
        except IntegrityError as error:
            raise RoomTaken("These dates are already booked or blocked.") from error
    return stay


def unblock_dates(*, vendor: User, stay_id: Any) -> None:
    stay = (
        RoomStay.objects.select_related("room__page")
        .filter(pk=stay_id, booking__isnull=True)
        .first()
    )
    if stay is None:
        raise NotBookable("No such blocked period.")
    _own_room(stay.room_id, vendor)
    stay.delete()


def expire_due(now: datetime | None = None) -> dict[str, int]:
    """Holds not paid in time expire; requests not answered in time lapse."""
    now = now or timezone.now()
    counts = {"expired": 0, "lapsed": 0}
    rules = [
        (BookingStatus.HELD, "hold_expires_at", BookingStatus.EXPIRED, "hold ran out"),
        (
            BookingStatus.AWAITING_VENDOR,
            "respond_by",
            BookingStatus.LAPSED,
            "the provider did not answer in time",
        ),
    ]
    for status, field, to_status, note in rules:
        with transaction.atomic():
            due = AbroadBooking.objects.select_for_update(skip_locked=True).filter(
                status=status, **{f"{field}__lte": now}
            )[:500]
            for booking in due:
                release(booking, to_status, note)
                counts["expired" if to_status == BookingStatus.EXPIRED else "lapsed"] += 1
    return counts
