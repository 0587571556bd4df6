"""Prices in the listing's currency: a course is weeks x price per week plus the
registration and material fees (per seat); a stay is nights x the room's price per night."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from cms.abroad.models import CoursePage, HomestayRoom

CENT = Decimal("0.01")


def course_total(course: CoursePage, weeks: int, seats: int = 1) -> Decimal:
    per_seat = course.price_per_week * weeks + course.registration_fee + course.material_fee
    return (per_seat * seats).quantize(CENT)


def stay_total(room: HomestayRoom, check_in: date, check_out: date) -> Decimal:
    return (room.price_per_night * (check_out - check_in).days).quantize(CENT)


def deposit(amount: Decimal, percent: int) -> Decimal:
    return (amount * Decimal(percent) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
