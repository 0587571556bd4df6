"""The tutoring marketplace, split by concept: teachers and gigs, availability, bookings and
their sessions, reviews, materials."""

from .availability import AvailabilityException, ExceptionKind, OfferedHoursWeek, WeeklyHours
from .bookings import (
    ACTIVE_BOOKING_STATUSES,
    Booking,
    BookingEvent,
    BookingStatus,
    Gift,
    GroupSession,
    LessonType,
    MeetingProvider,
    TimeRequest,
    TimeRequestStatus,
)
from .gigs import Gig, GigCategory, GigDuration, PricingMode
from .meetings import ZoomAttendance, ZoomWebhookEvent
from .packages import LessonPackage, PackageStatus
from .reviews import Review, ReviewStatus
from .settings import TutoringSettings
from .teachers import Favourite, ListingStatus, TaughtLanguage, TeacherListing

__all__ = [
    "ACTIVE_BOOKING_STATUSES",
    "AvailabilityException",
    "Booking",
    "BookingEvent",
    "BookingStatus",
    "ExceptionKind",
    "Favourite",
    "Gift",
    "Gig",
    "GigCategory",
    "GigDuration",
    "GroupSession",
    "LessonPackage",
    "LessonType",
    "ListingStatus",
    "MeetingProvider",
    "OfferedHoursWeek",
    "PackageStatus",
    "PricingMode",
    "Review",
    "ReviewStatus",
    "TaughtLanguage",
    "TeacherListing",
    "TimeRequest",
    "TimeRequestStatus",
    "TutoringSettings",
    "WeeklyHours",
    "ZoomAttendance",
    "ZoomWebhookEvent",
]
