"""The person's study-abroad data: bookings (as a learner, and those of their listings as a
provider), the wishlist, the dates they blocked, their reviews and their partner
applications with the documents they uploaded.

On account deletion the wishlist, their reviews and their partner applications (with the
document files) go, held bookings and open requests are released
(nothing was charged), and upcoming paid trips are cancelled by the provider's rule for
cancellations that are not the learner's choice: refunded in full (the person can no longer
travel with an account that does not exist). Past and completed bookings and their money
stay (accounting records)."""

from typing import Any

from accounts.exporting import amount, iso
from accounts.models import User

from .models import (
    UPCOMING_STATUSES,
    AbroadBooking,
    AbroadReview,
    RoomStay,
    VendorApplication,
    VendorDocument,
    WishlistItem,
)


def _booking(booking: AbroadBooking) -> dict[str, Any]:
    return {
        "id": str(booking.pk),
        "title": booking.title,
        "status": booking.status,
        "course_start": iso(booking.course_start),
        "weeks": booking.weeks,
        "seats": booking.seats,
        "check_in": iso(booking.check_in),
        "check_out": iso(booking.check_out),
        "currency": booking.currency,
        "total": amount(booking.total),
        "amount_paid": amount(booking.amount_paid),
        "refunded_amount": amount(booking.refunded_amount),
        "cancellation_policy": booking.cancellation_policy,
        "created_at": iso(booking.created_at),
    }


def export_personal_data(user: User) -> dict[str, Any]:
    related = AbroadBooking.objects.select_related("course", "homestay")
    return {
        "bookings": [_booking(b) for b in related.filter(learner=user).order_by("created_at")],
        "bookings_of_my_listings": [
            _booking(b)
            for b in related.filter(course_vendor=user).union(related.filter(stay_vendor=user))
        ],
        "wishlist": [
            {"page": item.page.title, "saved_at": iso(item.created_at)}
            for item in WishlistItem.objects.filter(user=user).select_related("page")
        ],
        "blocked_dates": [
            {
                "room": str(stay.room),
                "check_in": iso(stay.check_in),
                "check_out": iso(stay.check_out),
            }
            for stay in RoomStay.objects.filter(
                created_by=user, booking__isnull=True
            ).select_related("room__page")
        ],
        "reviews": [
            {
                "listing": review.page.title,
                "rating": review.rating,
                "text": review.text,
                "status": review.status,
                "created_at": iso(review.created_at),
            }
            for review in AbroadReview.objects.filter(author=user).select_related("page")
        ],
        "partner_applications": [
            {
                "organisation": application.organisation,
                "kind": application.kind,
                "status": application.status,
                "address": application.address,
                "phone": application.phone,
                "website": application.website,
                "about": application.about,
                "accreditation": application.accreditation,
                "payout_holder": application.payout_holder,
                "payout_details": application.payout_details,
                "decline_reason": application.decline_reason,
                "submitted_at": iso(application.submitted_at),
            }
            for application in VendorApplication.objects.filter(user=user)
        ],
        # The files themselves are served to their owner at /abroad/partners/documents/<id>/.
        "partner_documents": [
            {"id": document.pk, "kind": document.kind, "uploaded_at": iso(document.uploaded_at)}
            for document in VendorDocument.objects.filter(application__user=user)
        ],
    }


def erase_personal_data(user: User) -> None:
    from .services import cancel_booking

    WishlistItem.objects.filter(user=user).delete()
    AbroadReview.objects.filter(author=user).delete()
    documents = VendorDocument.objects.filter(application__user=user)
    for document in documents:
        document.file.delete(save=False)
    documents.delete()
    VendorApplication.objects.filter(user=user).delete()
    for booking_id in AbroadBooking.objects.filter(
        learner=user, status__in=UPCOMING_STATUSES
    ).values_list("pk", flat=True):
        cancel_booking(booking_id, by=user, reason="account deleted", full_refund=True)
