"""The person's tutoring data, as a teacher and as a learner.

On account deletion: the teacher listing is unlisted and its self-description erased (its
calendar feed URL is rotated, so subscribed calendars stop), gigs are deactivated and their
texts erased, favourites go, messages written with time requests and gifts are erased.
Bookings, gifts and their money stay (accounting records). Reviews the person wrote keep
their rating and text (the teacher's record) but are attributed anonymously: the account's
name is gone, and accounts.User shows a deleted account as "Former member".
Upcoming lessons are cancelled (``services.departures.cancel_upcoming_lessons``): as a
teacher, every upcoming one-to-one lesson and group session, each learner refunded in full
and told; as a learner, every upcoming lesson and group seat, refunded in full whatever the
notice, the teacher told. Held (unpaid) bookings are released. Lesson packages the person
bought or sells are closed and their unused lessons (the cancelled ones included) refunded
pro rata; unpaid ones are abandoned; the packages stay (accounting records). Refunds go through the same
ledger steps and after-commit Celery task as any cancellation (a provider that fails leaves
a failed Refund row and the money still held in revenue, for the finance admin's refund
form). Lessons under way or in the past are left as they are: they settle as usual, and a
deleted teacher's earnings from them stay on the ledger (see payouts.personal_data)."""

from typing import Any

from django.db.models import Prefetch

from accounts.exporting import amount, iso
from accounts.models import User

from .models import (
    Booking,
    Favourite,
    Gift,
    Gig,
    GigDuration,
    GroupSession,
    LessonPackage,
    ListingStatus,
    Review,
    TeacherListing,
    TimeRequest,
)
from .models.teachers import new_calendar_token
from .services.availability_history import record_offered_hours_on_commit
from .services.departures import cancel_upcoming_lessons
from .services.packages import close_packages_of


def _listing(user: User) -> dict[str, Any] | None:
    listing = (
        TeacherListing.objects.filter(user=user)
        .prefetch_related(
            "languages",
            "weekly_hours",
            "availability_exceptions",
            Prefetch(
                "gigs",
                queryset=Gig.objects.order_by("created_at").prefetch_related(
                    Prefetch("durations", queryset=GigDuration.objects.order_by("minutes"))
                ),
            ),
        )
        .first()
    )
    if listing is None:
        return None
    return {
        "headline": listing.headline,
        "about": listing.about,
        "intro_video_url": listing.intro_video_url,
        "intro_video_file": listing.intro_video.name,
        "country": listing.country,
        "time_zone": listing.time_zone,
        "status": listing.status,
        "created_at": iso(listing.created_at),
        "languages": [
            {
                "language": taught.language,
                "native": taught.native,
                "min_level": taught.min_level,
                "max_level": taught.max_level,
            }
            for taught in listing.languages.all()
        ],
        "weekly_hours": [
            {"weekday": hours.weekday, "start": iso(hours.start_time), "end": iso(hours.end_time)}
            for hours in listing.weekly_hours.all()
        ],
        "exceptions": [
            {
                "kind": exception.kind,
                "start": iso(exception.start),
                "end": iso(exception.end),
                "note": exception.note,
            }
            for exception in listing.availability_exceptions.all()
        ],
        "gigs": [
            {
                "title": gig.title,
                "about": gig.about,
                "experience": gig.experience,
                "education": gig.education,
                "certificates": gig.certificates,
                "language": gig.language,
                "currency": gig.currency,
                "pricing_mode": gig.pricing_mode,
                "price_per_minute": amount(gig.price_per_minute),
                "is_active": gig.is_active,
                "durations": [
                    {"minutes": duration.minutes, "price": amount(duration.price)}
                    for duration in gig.durations.all()
                ],
            }
            for gig in listing.gigs.all()
        ],
    }


def _booking(booking: Booking) -> dict[str, Any]:
    return {
        "id": str(booking.pk),
        "gig": booking.gig.title,
        "lesson_type": booking.lesson_type,
        "status": booking.status,
        "start": iso(booking.start),
        "end": iso(booking.end),
        "price": amount(booking.price),
        "currency": booking.currency,
        "billed_amount": amount(booking.billed_amount),
        "refunded_amount": amount(booking.refunded_amount),
        "paid_at": iso(booking.paid_at),
        "cancelled_at": iso(booking.cancelled_at),
        "cancellation_reason": booking.cancellation_reason,
        "created_at": iso(booking.created_at),
    }


def _review(review: Review) -> dict[str, Any]:
    return {
        "booking": str(review.booking_id),
        "rating": review.rating,
        "text": review.text,
        "status": review.status,
        "reply": review.reply,
        "created_at": iso(review.created_at),
    }


def export_personal_data(user: User) -> dict[str, Any]:
    return {
        "teacher_listing": _listing(user),
        "group_sessions": [
            {
                "topic": session.topic,
                "description": session.description,
                "start": iso(session.start),
                "end": iso(session.end),
                "price": amount(session.price),
                "currency": session.currency,
                "seats": session.seats,
                "cancelled": session.cancelled,
            }
            for session in GroupSession.objects.filter(teacher__user=user).order_by("start")
        ],
        "bookings_as_learner": [
            _booking(booking)
            for booking in Booking.objects.filter(learner=user)
            .select_related("gig")
            .order_by("start")
        ],
        "bookings_as_teacher": [
            _booking(booking)
            for booking in Booking.objects.filter(teacher__user=user)
            .select_related("gig")
            .order_by("start")
        ],
        "lesson_packages": [
            {
                "id": str(package.pk),
                "gig": package.gig.title,
                "minutes": package.minutes,
                "lessons": package.lessons,
                "lessons_used": package.lessons_used,
                "refunded_lessons": package.refunded_lessons,
                "unit_price": amount(package.unit_price),
                "price": amount(package.price),
                "refunded_amount": amount(package.refunded_amount),
                "currency": package.currency,
                "status": package.status,
                "paid_at": iso(package.paid_at),
                "expires_at": iso(package.expires_at),
                "created_at": iso(package.created_at),
            }
            for package in LessonPackage.objects.filter(learner=user)
            .select_related("gig")
            .order_by("created_at")
        ],
        "reviews_written": [
            _review(review)
            for review in Review.objects.filter(booking__learner=user).order_by("created_at")
        ],
        "reviews_received": [
            _review(review)
            for review in Review.objects.filter(teacher__user=user).order_by("created_at")
        ],
        "gifts_sent": [
            {
                "booking": str(gift.booking_id),
                "amount": amount(gift.amount),
                "currency": gift.currency,
                "message": gift.message,
                "paid_at": iso(gift.paid_at),
                "created_at": iso(gift.created_at),
            }
            for gift in Gift.objects.filter(sender=user).order_by("created_at")
        ],
        "time_requests": [
            {
                "gig": request.gig.title,
                "start": iso(request.start),
                "minutes": request.minutes,
                "message": request.message,
                "status": request.status,
                "created_at": iso(request.created_at),
            }
            for request in TimeRequest.objects.filter(learner=user)
            .select_related("gig")
            .order_by("created_at")
        ],
        "favourite_teachers": [
            str(favourite.listing_id)
            for favourite in Favourite.objects.filter(learner=user).order_by("created_at")
        ],
    }


def erase_personal_data(user: User) -> None:
    # Unlisting first: this write locks the listing row, which every new booking of the
    # teacher takes FOR SHARE, so no lesson slips in between the cancellations and the commit.
    video = TeacherListing.objects.filter(user=user).values_list("intro_video", flat=True).first()
    TeacherListing.objects.filter(user=user).update(
        intro_video="",
        status=ListingStatus.DRAFT,
        headline="",
        about="",
        intro_video_url="",
        country="",
        calendar_token=new_calendar_token(),
    )
    Gig.objects.filter(listing__user=user).update(
        is_active=False, about="", experience="", education="", certificates=""
    )
    record_offered_hours_on_commit()  # an unlisted teacher's hours are no longer offered
    if video:  # the uploaded intro video (public media) goes once the erasure is committed
        from django.core.files.storage import default_storage
        from django.db import transaction

        transaction.on_commit(lambda: default_storage.delete(video))
    cancel_upcoming_lessons(user)
    # After the cancellations, which returned their lessons to the packages.
    close_packages_of(user)
    Favourite.objects.filter(learner=user).delete()
    TimeRequest.objects.filter(learner=user).update(message="")
    Gift.objects.filter(sender=user).update(message="")
