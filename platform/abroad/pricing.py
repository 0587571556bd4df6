"""Prices in the listing's currency: a course is weeks x price per week plus the
registration and material fees (per seat); a stay is nights x the room's price per night."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from cms.abroad.models import CoursePage, HomestayRoom

CENT = Decimal("0.01")


def course_total(course: CoursePage, weeks: int, seats: int = 1) -> Decimal:
    per_seat = course.price_per_week * weeks + course.registration_fee + course.material_fee
    return (per_seat * seats).quantize(CENT)


def stay_total(room: HomestayRoom, check_in: date, check_out: date) -> Decimal:
    return (room.price_per_night * (check_out - check_in).days).quantize(CENT)


def deposit(amount: Decimal, percent: int) -> Decimal:
    return (amount * Decimal(percent) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class VendorShare:
    kind: str  # "course" or "stay"
    vendor_id: Any  # None when the listing has no owner any more
    share: Decimal  # this part's share of the amount
    commission: Decimal  # the platform's (all of it without a vendor)

    @property
    def earnings(self) -> Decimal:
        return self.share - self.commission


def vendor_shares(booking: Any, amount: Decimal, percents: dict[str, int]) -> list[VendorShare]:
    """``amount`` of a booking split between its course and its stay by their prices (the
    last part takes the rounding rest), each less the commission ``percents[kind]``. The
    one rule for what providers earn: ``services.pay_vendors`` posts it to the ledger, the
    admin and vendor reports show it."""
    if amount <= 0 or booking.total <= 0:
        return []
    parts = [
        ("course", booking.course_amount, booking.course_vendor_id),
        ("stay", booking.stay_amount, booking.stay_vendor_id),
    ]
    live = [part for part in parts if part[1] > 0]
    remaining = amount
    shares = []
    for index, (kind, part_amount, vendor_id) in enumerate(live):
        share = (
            remaining
            if index == len(live) - 1
            else (amount * part_amount / booking.total).quantize(CENT)
        )
        remaining -= share
        commission = share if vendor_id is None else deposit(share, percents[kind])
        shares.append(VendorShare(kind, vendor_id, share, commission))
    return shares
