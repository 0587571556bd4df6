"""What a teacher reads about their own teaching: their listing, profile, gigs, exceptions."""

from django.db.models import Prefetch, QuerySet

from accounts.models import TeacherCertificate, User

from ..errors import ListingMissing
from ..models import AvailabilityException, Gig, GigDuration, TeacherListing


def own_listing(user: User) -> TeacherListing:
    """The teacher's listing; ListingMissing (409) until they first save their profile."""
    listing = TeacherListing.objects.filter(user=user).first()
    if listing is None:
        raise ListingMissing()
    return listing


def listing_profile(user: User) -> TeacherListing | None:
    """The listing with what its profile page shows (teacher fields, languages)."""
    return (
        TeacherListing.objects.filter(user=user)
        .select_related("user__teacher_profile")
        .prefetch_related("languages")
        .first()
    )


def certificates_of(listing: TeacherListing) -> QuerySet[TeacherCertificate]:
    return TeacherCertificate.objects.filter(teacher__user_id=listing.pk)


def own_gigs(user: User) -> QuerySet[Gig]:
    return (
        Gig.objects.filter(listing__user=user)
        .select_related("category")
        .prefetch_related(Prefetch("durations", queryset=GigDuration.objects.all()))
    )


def own_exceptions(user: User) -> QuerySet[AvailabilityException]:
    return AvailabilityException.objects.filter(listing__user=user)


def teaching_zone_name(user: User) -> str | None:
    """The time zone the teacher teaches in (their listing's), if they have a listing."""
    return TeacherListing.objects.filter(user=user).values_list("time_zone", flat=True).first()
