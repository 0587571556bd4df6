"""Study-abroad bookings: hold, request and answer, pay, cancel, expire, complete.

Never oversell (see ``models``): seats are counted under ``FOR UPDATE`` locks on the intake
rows, taken in primary-key order; nights are refused by PostgreSQL's exclusion constraint on
each room. A package takes its seats, writes the booking and then its stay in one
transaction: if the room is taken the whole transaction rolls back and the seats were never
taken. The pre-checks before the writes only give early, friendly answers.

Money goes through the payments checkout (purpose ``abroad_booking``, ``payments.py``) and
the credits ledger; provider refunds run after commit in a task, never under a row lock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import DateField, DateTimeField, ExpressionWrapper, F, Func, Q, Sum, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page

from accounts.models import User
from cms.abroad.models import (
    WEEKDAYS,
    BookingMode,
    CourseIntake,
    CoursePage,
    DestinationPage,
    HomestayPage,
    HomestayRoom,
    InstitutePage,
    time_zone_of,
)
from core import activity, dispatch
from core.db import save_retrying_deadlocks

from . import policies, pricing
from .errors import (
    ApplicationPending,
    DocumentRejected,
    InvalidBookingState,
    NotAllowed,
    NotBookable,
    NotReviewable,
    RoomTaken,
    SeatsTaken,
)
from .models import (
    ACTIVE_STATUSES,
    AbroadBooking,
    AbroadReview,
    AbroadSettings,
    ApplicationStatus,
    BookingReminder,
    BookingStatus,
    DocumentKind,
    ReviewStatus,
    RoomStay,
    VendorApplication,
    VendorDocument,
    VendorKind,
    WishlistItem,
)

logger = logging.getLogger(__name__)

ROOM_CONSTRAINT = "abroad_roomstay_no_overlap"
MAX_SEATS_PER_BOOKING = 10


def policy() -> AbroadSettings:
    return AbroadSettings.load()


# --- Reading what is free ------------------------------------------------------------------


def seats_taken(intake_id: int) -> int:
    total = AbroadBooking.objects.filter(intake_id=intake_id, status__in=ACTIVE_STATUSES).aggregate(
        total=Sum("seats")
    )["total"]
    return int(total or 0)


def room_is_free(room_id: int, check_in: date, check_out: date) -> bool:
    return not RoomStay.objects.filter(
        room_id=room_id, active=True, check_in__lt=check_out, check_out__gt=check_in
    ).exists()


# --- Holding -------------------------------------------------------------------------------


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


def _expire(booking: AbroadBooking, status: str, note: str = "") -> None:
    booking.status = status
    booking.hold_expires_at = None
    if note:
        booking.cancellation_reason = note[:255]
    booking.save(update_fields=["status", "hold_expires_at", "cancellation_reason", "updated_at"])
    RoomStay.objects.filter(booking=booking).update(active=False)


def _expire_stale_for(*, intake_id: int | None, room_id: int | None, now: datetime) -> None:
    """Run-out holds and unanswered requests over the same seats or room are released
    first, so that they do not block this booking (the periodic task does the rest)."""
    stale = AbroadBooking.objects.select_for_update(skip_locked=True)
    if intake_id is not None:
        stale = stale.filter(intake_id=intake_id)
    else:
        stale = stale.filter(stay__room_id=room_id, stay__active=True)
    for booking in stale.filter(status=BookingStatus.HELD, hold_expires_at__lte=now):
        _expire(booking, BookingStatus.EXPIRED, "hold ran out")
    for booking in stale.filter(status=BookingStatus.AWAITING_VENDOR, respond_by__lte=now):
        _expire(booking, BookingStatus.LAPSED, "the provider did not answer in time")


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


# --- Providers answer requests; vendors block dates ------------------------------------------


def _lock(booking_id: Any) -> AbroadBooking:
    return (
        AbroadBooking.objects.select_for_update(of=("self",))
        .select_related("course", "homestay")
        .get(pk=booking_id)
    )


def answer_request(
    booking_id: Any, *, vendor: User, accept: bool, note: str = "", now: datetime | None = None
) -> AbroadBooking:
    """A provider accepts or declines a request. Declining releases everything (nothing was
    charged); when every provider of the booking has accepted, the learner has
    ``accepted_request_hold_hours`` to pay."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _lock(booking_id)
        if str(vendor.pk) not in booking.vendors():
            raise NotAllowed()
        if (
            booking.status != BookingStatus.AWAITING_VENDOR
            or str(vendor.pk) not in booking.awaiting_vendors
        ):
            raise InvalidBookingState("This request is not waiting for your answer.")
        if booking.respond_by and booking.respond_by <= now:
            _expire(booking, BookingStatus.LAPSED, "the provider did not answer in time")
            raise InvalidBookingState("This request has lapsed.")
        if not accept:
            booking.cancelled_at = now
            booking.cancelled_by_vendor = True
            booking.save(update_fields=["cancelled_at", "cancelled_by_vendor"])
            _expire(booking, BookingStatus.CANCELLED, note or "declined by the provider")
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


# --- Money -----------------------------------------------------------------------------------


def payment_received(
    booking_id: Any, *, amount: Decimal, reference: str, now: datetime | None = None
) -> AbroadBooking:
    """A payment of the booking went through (the checkout purpose's fulfilment, inside the
    payment's transaction). The deposit confirms the booking; reaching the total makes it
    paid. Money that arrives after the hold ran out or the booking was cancelled goes back in
    full: a late payment never takes seats or nights someone else may hold by now."""
    now = now or timezone.now()
    booking = _lock(booking_id)
    if reference in booking.payment_references:
        return booking
    booking.payment_references = [*booking.payment_references, reference]
    booking.amount_paid += amount
    booking.paid_at = booking.paid_at or now
    if booking.status in (BookingStatus.HELD, BookingStatus.CONFIRMED):
        if booking.status == BookingStatus.HELD:
            activity.record(
                booking.learner_id,
                "abroad.booked",
                obj=booking,
                data={"booking_id": str(booking.pk)},
            )
        booking.status = (
            BookingStatus.PAID if booking.amount_paid >= booking.total else BookingStatus.CONFIRMED
        )
        booking.hold_expires_at = None
        booking.save()
        dispatch.enqueue_on_commit("abroad.notify_paid", str(booking.pk))
        return booking
    booking.refunded_amount += amount
    booking.save()
    _refund_after_commit(booking, amount, reason=f"paid while {booking.status}")
    return booking


def _refund_after_commit(booking: AbroadBooking, amount: Decimal, *, reason: str) -> None:
    dispatch.enqueue_on_commit("abroad.refund_booking", str(booking.pk), str(amount), reason)


def commission_percent(kind: str) -> int:
    return commission_percents()[kind]


def commission_percents() -> dict[str, int]:
    """The platform's commission per part of a booking (Settings → Study abroad)."""
    settings = policy()
    return {
        "course": settings.institution_commission_percent,
        "stay": settings.homestay_commission_percent,
    }


def pay_vendors(booking: AbroadBooking, amount: Decimal, *, reason: str) -> None:
    """Moves ``amount`` of what the learner paid from revenue to the providers' earnings,
    split between course and stay by their prices, less the commission per vendor type
    (Settings → Study abroad). One transfer, keyed by the booking: replays move nothing."""
    from credits.models import AccountKind
    from credits.services import Leg, platform_account, post_transfer, user_account

    if amount <= 0 or booking.total <= 0:
        return
    legs = [Leg(platform_account(AccountKind.REVENUE, booking.currency), -amount)]
    commission_total = Decimal(0)
    vendors = {booking.course_vendor_id: booking.course_vendor}
    vendors[booking.stay_vendor_id] = booking.stay_vendor
    for part in pricing.vendor_shares(booking, amount, commission_percents()):
        commission_total += part.commission
        vendor = vendors.get(part.vendor_id)
        if part.earnings > 0 and vendor is not None:
            legs.append(
                Leg(user_account(vendor, AccountKind.EARNINGS, booking.currency), part.earnings)
            )
    if commission_total:
        legs.append(
            Leg(platform_account(AccountKind.COMMISSIONS, booking.currency), commission_total)
        )
    post_transfer(
        kind="abroad_earning",
        idempotency_key=f"abroad:{booking.pk}:vendors",
        legs=legs,
        memo=f"Study abroad booking {booking.pk}: {reason}",
        metadata={"booking": str(booking.pk), "reason": reason},
    )
    booking.vendors_paid_at = timezone.now()
    booking.save(update_fields=["vendors_paid_at", "updated_at"])


def days_before_arrival(booking: AbroadBooking, today: date) -> int:
    arrival = booking.arrival
    return (arrival - today).days if arrival else 0


def bank_transfer_hold() -> timedelta:
    """How long a held booking waits for a bank transfer: days, not the card's minutes
    (``ABROAD_BANK_TRANSFER_HOLD_DAYS``, 5 by default)."""
    return timedelta(days=getattr(django_settings, "ABROAD_BANK_TRANSFER_HOLD_DAYS", 5))


def hold_for_bank_transfer(booking_id: Any, *, now: datetime | None = None) -> AbroadBooking:
    """The learner chose to pay a held booking by bank transfer: the seats and room stay
    held long enough for the money to arrive and a finance admin to confirm it (after
    that the hold runs out as any other, and a late transfer is refunded)."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = AbroadBooking.objects.select_for_update().get(pk=booking_id)
        if booking.status == BookingStatus.HELD:
            until = now + bank_transfer_hold()
            if booking.hold_expires_at is None or booking.hold_expires_at < until:
                booking.hold_expires_at = until
                booking.save(update_fields=["hold_expires_at", "updated_at"])
    return booking


def record_outside_refund(booking_id: Any, *, amount: Decimal, reference: str = "") -> None:
    """A refund of a booking's payment made outside study abroad's own cancellation: a
    finance admin granting a refund request, a dispute decided for the learner, a refund in
    the provider's dashboard. It is counted on the booking, so that completion pays the
    vendors only what was kept; an upcoming booking refunded in full is cancelled, which frees
    its seats and room. (Refunds this app makes itself are counted before they are sent.)"""
    with transaction.atomic():
        booking = AbroadBooking.objects.select_for_update().filter(pk=booking_id).first()
        if booking is None:
            return
        booking.refunded_amount = min(booking.amount_paid, booking.refunded_amount + amount)
        booking.save(update_fields=["refunded_amount", "updated_at"])
        if booking.refunded_amount >= booking.amount_paid and booking.status in (
            BookingStatus.CONFIRMED,
            BookingStatus.PAID,
        ):
            booking.cancelled_at = timezone.now()
            booking.save(update_fields=["cancelled_at"])
            _expire(booking, BookingStatus.CANCELLED, f"refunded in full ({reference})")


def _policy_refund(
    booking: AbroadBooking, paid: Decimal, today: date, *, by_vendor: bool
) -> Decimal:
    if booking.long_stay and booking.arrival and booking.departure:
        return policies.long_stay_refund(
            paid,
            days_before_arrival(booking, today),
            (booking.departure - booking.arrival).days,
            by_vendor=by_vendor,
        )
    return policies.refund_amount(
        booking.cancellation_policy, paid, days_before_arrival(booking, today), by_vendor=by_vendor
    )


def _cancellable(booking: AbroadBooking, today: date) -> bool:
    return booking.status in (BookingStatus.CONFIRMED, BookingStatus.PAID) and (
        booking.arrival is None or booking.arrival > today
    )


def cancellation_refund(booking: AbroadBooking, *, now: datetime | None = None) -> Decimal:
    """What the learner's own cancellation would refund now under the booking's policy
    (0 when it can no longer be cancelled). Read-only: the refund policy for requests."""
    today = timezone.localdate(now or timezone.now())
    if not _cancellable(booking, today):
        return Decimal(0)
    return _policy_refund(
        booking, booking.amount_paid - booking.refunded_amount, today, by_vendor=False
    )


def cancel_after_refund(booking_id: Any, *, refunded: Decimal, now: datetime | None = None) -> None:
    """A refund request for one of the booking's payments was approved and ``refunded`` given
    back through payments (``record_outside_refund`` counted it already): an upcoming booking
    is cancelled, which frees its seats and nights, and what was kept pays the providers as a
    late cancellation. A booking paid in several payments still gets what its policy refunds:
    the rest leaves its other payments, through this app's own refund path. Inside the
    approval's transaction; a booking cancelled (or over) already is left as it is."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    booking = _lock(booking_id)
    if not _cancellable(booking, today):
        return
    paid_before = booking.amount_paid - booking.refunded_amount + refunded
    top_up = _policy_refund(booking, paid_before, today, by_vendor=False) - refunded
    top_up = min(max(top_up, Decimal(0)), booking.amount_paid - booking.refunded_amount)
    booking.refunded_amount += top_up
    booking.cancelled_at = now
    booking.cancelled_by_vendor = False
    booking.save()
    _expire(booking, BookingStatus.CANCELLED, f"refund request: refunded {refunded + top_up}")
    if top_up:
        _refund_after_commit(booking, top_up, reason="cancelled on a refund request")
    kept = booking.amount_paid - booking.refunded_amount
    if kept > 0:
        pay_vendors(booking, kept, reason="refund request: rest kept")


def cancel_booking(
    booking_id: Any,
    *,
    by: User,
    reason: str = "",
    now: datetime | None = None,
    full_refund: bool = False,
) -> AbroadBooking:
    """The learner or a provider of the booking (or staff) cancels before arrival. Holds and
    requests are simply released; what was paid is refunded by the booking's policy, in full
    when a provider or staff cancels, and the rest is the providers' (less commission)."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _lock(booking_id)
        today = booking.local_today(now)
        by_vendor = str(by.pk) in booking.vendors() or by.is_staff
        if not by_vendor and by.pk != booking.learner_id:
            raise NotAllowed()
        if booking.status in (BookingStatus.HELD, BookingStatus.AWAITING_VENDOR):
            booking.cancelled_at = now
            booking.cancelled_by_vendor = by_vendor
            booking.save(update_fields=["cancelled_at", "cancelled_by_vendor"])
            _expire(booking, BookingStatus.CANCELLED, reason or "cancelled")
            return booking
        if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.PAID) or (
            booking.arrival is not None and booking.arrival <= today
        ):
            raise InvalidBookingState("Only upcoming bookings can be cancelled.")
        paid = booking.amount_paid - booking.refunded_amount
        if booking.long_stay and booking.arrival and booking.departure:
            refund = policies.long_stay_refund(
                paid,
                days_before_arrival(booking, today),
                (booking.departure - booking.arrival).days,
                by_vendor=by_vendor or full_refund,
            )
        else:
            refund = policies.refund_amount(
                booking.cancellation_policy,
                paid,
                days_before_arrival(booking, today),
                by_vendor=by_vendor or full_refund,
            )
        booking.refunded_amount += refund
        booking.cancelled_at = now
        booking.cancelled_by_vendor = by_vendor
        booking.save()
        _expire(booking, BookingStatus.CANCELLED, reason or f"refund {refund} {booking.currency}")
        if refund:
            _refund_after_commit(booking, refund, reason="cancelled")
        if paid - refund > 0:
            pay_vendors(booking, paid - refund, reason="late cancellation")
    return booking


# --- Periodic --------------------------------------------------------------------------------


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
                _expire(booking, to_status, note)
                counts["expired" if to_status == BookingStatus.EXPIRED else "lapsed"] += 1
    return counts


def complete_due(now: datetime | None = None) -> int:
    """Bookings whose course and stay have ended (in the destination's zone) are completed;
    the providers are paid."""
    now = now or timezone.now()
    done = 0
    candidates = AbroadBooking.objects.filter(
        status__in=[BookingStatus.CONFIRMED, BookingStatus.PAID]
    ).values_list("pk", flat=True)[:500]
    for booking_id in list(candidates):
        with transaction.atomic():
            booking = _lock(booking_id)
            departure = booking.departure
            if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.PAID) or (
                departure is None or departure >= booking.local_today(now)
            ):
                continue
            booking.status = BookingStatus.COMPLETED
            booking.save(update_fields=["status", "updated_at"])
            pay_vendors(booking, booking.amount_paid - booking.refunded_amount, reason="completed")
            done += 1
    return done


# --- Wishlist --------------------------------------------------------------------------------


def add_to_wishlist(user: User, page_id: Any) -> WishlistItem:
    page = Page.objects.live().filter(pk=page_id).type(CoursePage, HomestayPage).first()
    if page is None:
        raise NotBookable("Only courses and homestays can be saved.")
    item, _ = WishlistItem.objects.get_or_create(user=user, page=page)
    return item


def remove_from_wishlist(user: User, page_id: Any) -> None:
    WishlistItem.objects.filter(user=user, page_id=page_id).delete()


# --- Vendor onboarding -------------------------------------------------------------------------

DOCUMENT_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png", "image/webp"})
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
REQUIRED_DOCUMENTS = {
    VendorKind.INSTITUTION: (DocumentKind.ID, DocumentKind.LICENCE),
    VendorKind.HOMESTAY: (DocumentKind.ID, DocumentKind.PROOF_OF_ADDRESS),
}


def apply_as_vendor(
    user: User,
    *,
    kind: str,
    organisation: str,
    destination_id: Any,
    address: str,
    phone: str,
    about: str,
    documents: dict[str, UploadedFile],
    website: str = "",
    accreditation: str = "",
    payout_holder: str = "",
    payout_details: str = "",
) -> VendorApplication:
    """A school or host applies: their details and documents (judged by content, stored
    privately) go to the verification queue; moderators are told."""
    from core.uploads import RejectedUpload, checked_type, stored_name

    if kind not in VendorKind.values:
        raise NotBookable("Apply as a language school or as a homestay host.")
    destination = DestinationPage.objects.live().filter(pk=destination_id).first()
    if destination is None:
        raise NotBookable("Choose the city you are in.")
    missing = [
        DocumentKind(name).label
        for name in REQUIRED_DOCUMENTS[VendorKind(kind)]
        if name not in documents
    ]
    if missing:
        raise DocumentRejected(f"Please upload: {', '.join(str(name) for name in missing)}.")
    checked: list[tuple[str, str, UploadedFile]] = []
    for name, upload in documents.items():
        if name not in DocumentKind.values:
            raise DocumentRejected("Unknown kind of document.")
        if upload.size is None or upload.size > MAX_DOCUMENT_BYTES:
            raise DocumentRejected()
        try:
            mime = checked_type(upload, DOCUMENT_TYPES)
        except RejectedUpload as error:
            raise DocumentRejected() from error
        checked.append((name, mime, upload))
    with transaction.atomic():
        if (
            VendorApplication.objects.select_for_update()
            .filter(user=user, status=ApplicationStatus.PENDING)
            .exists()
        ):
            raise ApplicationPending()
        application = VendorApplication.objects.create(
            user=user,
            kind=kind,
            organisation=organisation.strip()[:160],
            destination=destination,
            address=address.strip()[:200],
            phone=phone.strip()[:40],
            website=website,
            about=about.strip()[:2000],
            accreditation=accreditation.strip()[:200],
            payout_holder=" ".join(payout_holder.split())[:140],
            payout_details=" ".join(payout_details.upper().split())[:34],
        )
        for name, mime, upload in checked:
            document = VendorDocument(application=application, kind=name, content_type=mime)
            document.file.save(stored_name(mime), upload, save=False)
            document.save()
        dispatch.enqueue_on_commit("abroad.notify_application", application.pk)
    return application


def _require_verifier(user: User) -> None:
    if not (user.is_superuser or user.has_perm("abroad.change_vendorapplication")):
        raise NotAllowed()


def _draft_listing(application: VendorApplication) -> Page:
    """The vendor's listing as a draft page under their city, owned by them: they fill it
    in the restricted editor and submit it to moderation."""
    from wagtail.coreutils import find_available_slug

    destination = application.destination
    if destination is None:
        raise InvalidBookingState("The application's city no longer exists.")
    common: dict[str, Any] = {
        "title": application.organisation,
        "slug": find_available_slug(destination, slugify(application.organisation) or "listing"),
        "address": application.address,
        "latitude": destination.latitude,
        "longitude": destination.longitude,
        "owner": application.user,
        "live": False,
    }
    page: Page
    if application.kind == VendorKind.INSTITUTION:
        page = InstitutePage(
            profile=application.about, accreditation=application.accreditation, **common
        )
    else:
        page = HomestayPage(host_profile=application.about, **common)
    destination.add_child(instance=page)
    page.save_revision(user=application.user, log_action=False)
    return page


def approve_application(application_id: Any, *, by: User) -> VendorApplication:
    """Verified: the vendor gets their role, a draft listing as their own subtree (group,
    page permissions, the review workflow) and a notification."""
    from wagtail.log_actions import log

    from accounts.roles import Role
    from accounts.services import grant_role
    from cms.abroad.vendors import grant_vendor_subtree
    from payouts.services import link_bank_account

    _require_verifier(by)
    with transaction.atomic():
        application = (
            VendorApplication.objects.select_for_update(of=("self",))
            .select_related("user", "destination")
            .get(pk=application_id)
        )
        if application.status != ApplicationStatus.PENDING:
            raise InvalidBookingState("This application was already decided.")
        page = _draft_listing(application)
        role = (
            Role.INSTITUTION
            if application.kind == VendorKind.INSTITUTION
            else (Role.HOMESTAY_OWNER)
        )
        grant_role(application.user, role)
        grant_vendor_subtree(application.user, page)
        if application.payout_details:
            # Their earnings are paid to the account they gave; it lives on as their payout
            # method only (encrypted there too), not twice.
            link_bank_account(
                application.user,
                holder=application.payout_holder or application.organisation,
                number=application.payout_details,
            )
            application.payout_holder = ""
            application.payout_details = ""
        application.status = ApplicationStatus.APPROVED
        application.page = page
        application.reviewed_at = timezone.now()
        application.reviewed_by = by
        application.save()
        log(instance=application, action="abroad.approve_vendor", user=by)
        dispatch.enqueue_on_commit("abroad.notify_application_decided", application.pk)
    return application


def decline_application(application_id: Any, *, by: User, reason: str) -> VendorApplication:
    from wagtail.log_actions import log

    _require_verifier(by)
    if not reason.strip():
        raise NotBookable("Say why, so that the applicant can fix it.")
    with transaction.atomic():
        application = VendorApplication.objects.select_for_update().get(pk=application_id)
        if application.status != ApplicationStatus.PENDING:
            raise InvalidBookingState("This application was already decided.")
        application.status = ApplicationStatus.DECLINED
        application.decline_reason = reason.strip()
        application.reviewed_at = timezone.now()
        application.reviewed_by = by
        application.save()
        log(
            instance=application,
            action="abroad.decline_vendor",
            user=by,
            data={"reason": application.decline_reason},
        )
        dispatch.enqueue_on_commit("abroad.notify_application_decided", application.pk)
    return application


def reveal_application_phone(application: VendorApplication, *, by: User) -> str:
    """The applicant's phone in plain text for a verifier who needs to call them, written to
    the admin's log first (who looked, when); everywhere else it is shown masked."""
    from wagtail.log_actions import log

    _require_verifier(by)
    log(instance=application, action="abroad.reveal_phone", user=by)
    return application.phone


# --- Reviews ---------------------------------------------------------------------------------


def write_review(
    user: User,
    *,
    booking_id: Any,
    page_id: Any,
    rating: int,
    text: str = "",
    now: datetime | None = None,
) -> AbroadReview:
    """Only the learner of a completed booking reviews its course or homestay, once each.
    ``now`` dates the review (the demo's past stays were reviewed back then)."""
    booking = AbroadBooking.objects.filter(pk=booking_id, learner=user).first()
    if booking is None or booking.status != BookingStatus.COMPLETED:
        raise NotReviewable()
    if int(page_id) not in {booking.course_id, booking.homestay_id}:
        raise NotReviewable("Review the course or the homestay of this booking.")
    if not 1 <= rating <= 5:
        raise NotBookable("A rating is 1 to 5 stars.")
    try:
        with transaction.atomic():
            review = AbroadReview.objects.create(
                booking=booking,
                page_id=page_id,
                author=user,
                rating=rating,
                text=text.strip(),
                created_at=now or timezone.now(),
            )
            activity.record(
                user,
                "abroad.reviewed",
                obj=review,
                data={"booking_id": str(booking.pk), "rating": rating},
            )
    except IntegrityError as error:
        raise NotReviewable("You have already reviewed this.") from error
    return review


def reply_to_review(
    vendor: User, *, review_id: Any, text: str, now: datetime | None = None
) -> AbroadReview:
    """The listing's owner answers a review, once."""
    if not text.strip():
        raise NotBookable("Write a reply.")
    with transaction.atomic():
        review = (
            AbroadReview.objects.select_for_update(of=("self",))
            .select_related("page")
            .filter(pk=review_id)
            .first()
        )
        if review is None or review.page.owner_id != vendor.pk:
            raise NotAllowed("This is not a review of your listing.")
        if review.replied_at is not None:
            raise InvalidBookingState("You have already replied.")
        review.vendor_reply = text.strip()[:2000]
        review.replied_at = now or timezone.now()
        review.save(update_fields=["vendor_reply", "replied_at"])
    return review


def moderate_review(review_id: Any, *, by: User, status: str, note: str = "") -> AbroadReview:
    """A moderator hides (or shows again) a review; hidden ones leave the averages."""
    from wagtail.log_actions import log

    if not (by.is_superuser or by.has_perm("abroad.change_abroadreview")):
        raise NotAllowed()
    if status not in ReviewStatus.values:
        raise NotBookable("Unknown review status.")
    with transaction.atomic():
        review = AbroadReview.objects.select_for_update().get(pk=review_id)
        review.status = status
        review.moderation_note = note[:255]
        review.save(update_fields=["status", "moderation_note"])
        log(instance=review, action="abroad.moderate_review", user=by, data={"status": status})
    return review


# --- Reminders -------------------------------------------------------------------------------

REMINDER_DAYS = 3


def send_due_reminders(now: datetime | None = None) -> int:
    """Learners arriving within ``REMINDER_DAYS`` (counted in the destination's zone: a
    learner flying to Auckland is reminded by Auckland's calendar, not the server's) get one
    reminder. The reminder row and the queued mail share a transaction and the row is
    unique per booking, so running the beat task twice (or on two workers at once) sends
    each reminder once."""
    now = now or timezone.now()
    # PostgreSQL's timezone(zone, instant) is the wall-clock time there; its date is the
    # destination's today, per row.
    local_today = Cast(
        Func(F("time_zone"), Value(now), function="timezone", output_field=DateTimeField()),
        DateField(),
    )
    horizon = ExpressionWrapper(local_today + Value(REMINDER_DAYS), output_field=DateField())
    sent = 0
    candidates = (
        AbroadBooking.objects.filter(
            status__in=[BookingStatus.CONFIRMED, BookingStatus.PAID], reminder__isnull=True
        )
        .alias(today_there=local_today, horizon=horizon)
        .filter(
            Q(course_start__gt=F("today_there"), course_start__lte=F("horizon"))
            | Q(check_in__gt=F("today_there"), check_in__lte=F("horizon"))
        )
        .values_list("pk", flat=True)[:500]
    )
    for booking_id in list(candidates):
        with transaction.atomic():
            _reminder, created = BookingReminder.objects.get_or_create(booking_id=booking_id)
            if not created:
                continue
            dispatch.enqueue_on_commit("abroad.email_booking", str(booking_id), "reminder")
            sent += 1
    return sent


# --- Minor edits of live listings ------------------------------------------------------------


def publish_minor_edit(page: Any, *, by: User) -> list[str] | None:
    """Publishes at once a change ``by`` just submitted to moderation when the admins let
    minor edits skip review and every change since the live version is minor
    (``minor_edits``): the review task is approved by the platform with a comment naming
    the changes, which ends the workflow and publishes the revision, and the partner's
    action is logged. Returns what changed, or ``None`` when the change waits for review."""
    from wagtail.log_actions import log
    from wagtail.models import TaskState, WorkflowState

    from .minor_edits import minor_changes

    settings = policy()
    if not settings.minor_edits_skip_review:
        return None
    model = page.specific_class or type(page)
    with transaction.atomic():
        live = model.objects.select_for_update().filter(pk=page.pk, live=True).first()
        if live is None:
            return None  # a listing that never went live is always reviewed
        state = (
            WorkflowState.objects.filter(
                base_content_type_id=live.get_base_content_type().pk,
                object_id=str(live.pk),
                status=WorkflowState.STATUS_IN_PROGRESS,
                requested_by=by,
            )
            .select_related("current_task_state")
            .first()
        )
        task_state = state.current_task_state if state else None
        revision = live.get_latest_revision()
        if (
            task_state is None
            or revision is None
            or task_state.status != TaskState.STATUS_IN_PROGRESS
            or task_state.revision_id != revision.pk
        ):
            return None
        changes = minor_changes(live, revision.as_object(), settings.minor_price_change_percent)
        if not changes:
            return None
        task_state.specific.approve(
            user=None,
            comment="Minor edit published without review (site setting): " + ", ".join(changes),
        )
        log(
            instance=live,
            action="abroad.minor_edit_published",
            user=by,
            revision=revision,
            data={"changes": changes},
        )
    return changes
