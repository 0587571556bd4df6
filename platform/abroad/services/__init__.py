"""Study abroad's writes, one module per concept: ``bookings`` (hold, request and answer,
blocked dates, expiry), ``money`` (payments received, vendors' pay, completion),
``cancellations`` (refunds by policy), ``vendors`` (onboarding), ``reviews``, ``wishlist``,
``reminders`` and ``listings`` (minor edits); ``rows`` holds what they share. Callers import
from ``abroad.services``: every public name is here."""

from .bookings import (
    CoursePart,
    StayPart,
    answer_request,
    block_dates,
    course_part,
    expire_due,
    hold_booking,
    source_intake,
    source_room,
    stay_part,
    unblock_dates,
)
from .cancellations import (
    cancel_after_refund,
    cancel_booking,
    cancellation_refund,
    days_before_arrival,
    record_outside_refund,
)
from .listings import publish_minor_edit
from .money import (
    bank_transfer_hold,
    commission_percent,
    commission_percents,
    complete_due,
    hold_for_bank_transfer,
    pay_vendors,
    payment_received,
)
from .reminders import REMINDER_DAYS, send_due_reminders
from .reviews import moderate_review, reply_to_review, write_review
from .rows import MAX_SEATS_PER_BOOKING, ROOM_CONSTRAINT, policy, room_is_free, seats_taken
from .vendors import (
    DOCUMENT_TYPES,
    MAX_DOCUMENT_BYTES,
    REQUIRED_DOCUMENTS,
    apply_as_vendor,
    approve_application,
    decline_application,
    reveal_application_phone,
)
from .wishlist import add_to_wishlist, remove_from_wishlist

__all__ = [
    "DOCUMENT_TYPES",
    "MAX_DOCUMENT_BYTES",
    "MAX_SEATS_PER_BOOKING",
    "REMINDER_DAYS",
    "REQUIRED_DOCUMENTS",
    "ROOM_CONSTRAINT",
    "CoursePart",
    "StayPart",
    "add_to_wishlist",
    "answer_request",
    "apply_as_vendor",
    "approve_application",
    "bank_transfer_hold",
    "block_dates",
    "cancel_after_refund",
    "cancel_booking",
    "cancellation_refund",
    "commission_percent",
    "commission_percents",
    "complete_due",
    "course_part",
    "days_before_arrival",
    "decline_application",
    "expire_due",
    "hold_booking",
    "hold_for_bank_transfer",
    "moderate_review",
    "pay_vendors",
    "payment_received",
    "policy",
    "publish_minor_edit",
    "record_outside_refund",
    "remove_from_wishlist",
    "reply_to_review",
    "reveal_application_phone",
    "room_is_free",
    "seats_taken",
    "send_due_reminders",
    "source_intake",
    "source_room",
    "stay_part",
    "unblock_dates",
    "write_review",
]
