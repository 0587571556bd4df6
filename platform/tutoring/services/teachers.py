"""Teacher onboarding and the verification queue."""

from collections.abc import Iterable
from datetime import datetime, time
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from accounts import services as account_services
from accounts.models import User
from core import dispatch

from ..errors import Conflict, NotAllowed
from ..models import (
    AvailabilityException,
    ExceptionKind,
    Gig,
    GigDuration,
    ListingStatus,
    PricingMode,
    TaughtLanguage,
    TeacherListing,
    WeeklyHours,
)
from ..models.availability import Weekday
from .availability_history import record_offered_hours_on_commit


def _profile_value(user: User, field: str, default: str) -> str:
    profile = getattr(user, "profile", None)
    return getattr(profile, field, None) or default


@transaction.atomic
def save_listing(user: User, **fields: Any) -> TeacherListing:
    """Creates or updates the teacher's listing. A verified listing whose public text
    changes stays listed: verification is about the person, not the wording."""
    languages = fields.pop("languages", None)
    listing = TeacherListing.objects.select_for_update().filter(user=user).first()
    if listing is None:
        listing = TeacherListing(
            user=user,
            time_zone=_profile_value(user, "time_zone", "UTC"),
            country=_profile_value(user, "country", ""),
        )
    for name, value in fields.items():
        setattr(listing, name, value)
    listing.full_clean(exclude=["user"])
    listing.save()
    if languages is not None:
        set_languages(listing, languages)
    return listing


def set_languages(listing: TeacherListing, languages: Iterable[dict[str, Any]]) -> None:
    listing.languages.all().delete()
    TaughtLanguage.objects.bulk_create(
        [TaughtLanguage(listing=listing, **language) for language in languages]
    )


@transaction.atomic
def submit_for_verification(listing: TeacherListing) -> TeacherListing:
    listing = TeacherListing.objects.select_for_update().get(pk=listing.pk)
    if listing.status == ListingStatus.VERIFIED:
        raise Conflict("This listing is already verified.")
    if not listing.languages.exists() and not listing.gigs.exists():
        raise Conflict("Add the languages you teach or a gig before asking for verification.")
    listing.status = ListingStatus.PENDING
    listing.submitted_at = timezone.now()
    listing.rejection_reason = ""
    listing.save(update_fields=["status", "submitted_at", "rejection_reason", "updated_at"])
    return listing


def _decide(listing: TeacherListing, *, by: User, status: str, reason: str) -> TeacherListing:
    if not (by.is_superuser or by.has_perm("tutoring.change_teacherlisting")):
        raise NotAllowed()
    with transaction.atomic():
        listing = TeacherListing.objects.select_for_update().get(pk=listing.pk)
        listing.status = status
        listing.rejection_reason = reason
        listing.reviewed_at = timezone.now()
        listing.reviewed_by = by
        listing.save()
        action = (
            "tutoring.approve_listing"
            if status == ListingStatus.VERIFIED
            else "tutoring.reject_listing"
        )
        log(instance=listing, action=action, user=by, data={"reason": reason})
        dispatch.enqueue_on_commit("tutoring.tasks.listing_reviewed", str(listing.pk))
        record_offered_hours_on_commit()
    return listing


def approve(listing: TeacherListing, *, by: User) -> TeacherListing:
    return _decide(listing, by=by, status=ListingStatus.VERIFIED, reason="")


def reject(listing: TeacherListing, *, by: User, reason: str) -> TeacherListing:
    if not reason.strip():
        raise Conflict("Say why, so that the teacher can fix it.")
    return _decide(listing, by=by, status=ListingStatus.REJECTED, reason=reason.strip())


@transaction.atomic
def set_weekly_hours(listing: TeacherListing, hours: Iterable[tuple[int, time, time]]) -> None:
    """Replaces the weekly hours (wall-clock times in the listing's time zone)."""
    listing.weekly_hours.all().delete()
    rows = [WeeklyHours(listing=listing, weekday=d, start_time=s, end_time=e) for d, s, e in hours]
    for row in rows:
        row.full_clean(exclude=["listing"])
    WeeklyHours.objects.bulk_create(rows)
    if listing.status == ListingStatus.VERIFIED:
        record_offered_hours_on_commit()


def add_exception(
    listing: TeacherListing, *, kind: ExceptionKind, start: datetime, end: datetime, note: str = ""
) -> AvailabilityException:
    """``start``/``end`` may be naive: they are then wall-clock times in the listing's zone."""
    zone = ZoneInfo(listing.time_zone)
    if timezone.is_naive(start):
        start = start.replace(tzinfo=zone)
    if timezone.is_naive(end):
        end = end.replace(tzinfo=zone)
    exception = AvailabilityException(listing=listing, kind=kind, start=start, end=end, note=note)
    exception.full_clean()
    exception.save()
    return exception


# --- The teacher's own side: profile, gigs, hours ---------------------------------------


def save_teacher_profile(user: User, **fields: Any) -> None:
    """Qualification and years of experience live on ``accounts.TeacherProfile``, changed
    by accounts' own service (one rule for the profile page, the API and the wizard)."""
    account_services.save_teacher_profile(user, **fields)


@transaction.atomic
def save_listing_profile(
    user: User, *, listing_fields: dict[str, Any], teacher_fields: dict[str, Any]
) -> TeacherListing:
    """The teacher's public profile in one write: their account's teacher fields and their
    listing (created on first save), both or neither."""
    account_services.save_teacher_profile(user, **teacher_fields)
    return save_listing(user, **listing_fields)


def _overlaps(hours: list[tuple[int, time, time]]) -> list[str]:
    problems = []
    by_day = sorted(hours)
    for (day, _start, end), (next_day, next_start, _next_end) in pairwise(by_day):
        if day == next_day and next_start < end:
            problems.append(
                f"{Weekday(day).label}: {next_start:%H:%M} starts before {end:%H:%M} ends."
            )
    return problems


def replace_weekly_hours(listing: TeacherListing, hours: list[tuple[int, time, time]]) -> None:
    """Replaces the whole week. Intervals of one day must not overlap (touching is fine:
    09:00-12:00 and 12:00-15:00 are one bookable stretch)."""
    from django.core.exceptions import ValidationError

    for day, start, end in hours:
        if end <= start:
            raise ValidationError(
                {"hours": [f"{Weekday(day).label}: {end:%H:%M} is not after {start:%H:%M}."]}
            )
    if problems := _overlaps(hours):
        raise ValidationError({"hours": problems})
    set_weekly_hours(listing, hours)


@transaction.atomic
def save_gig(
    listing: TeacherListing,
    gig: Gig | None = None,
    *,
    durations: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Gig:
    """Creates or updates one of the teacher's gigs; ``durations`` replaces the options.

    A gig's currency is fixed once it has bookings: their prices, refunds and the teacher's
    earnings are in it. Charging in another currency is a new gig."""
    from django.core.exceptions import ValidationError

    if gig is None:
        gig = Gig(listing=listing)
    else:
        gig = Gig.objects.select_for_update().get(pk=gig.pk, listing=listing)
        new_currency = fields.get("currency", gig.currency)
        if new_currency != gig.currency and gig.bookings.exists():
            raise ValidationError(
                {
                    "currency": [
                        f"This gig has bookings in {gig.currency}; "
                        f"create a new gig to charge in {new_currency}."
                    ]
                }
            )
    for name, value in fields.items():
        setattr(gig, name, value)
    if gig.pricing_mode != PricingMode.PER_MINUTE:
        gig.price_per_minute = None
    gig.full_clean(exclude=["listing"])
    gig.save()
    if durations is not None:
        gig.durations.all().delete()
        GigDuration.objects.bulk_create(
            [GigDuration(gig=gig, minutes=d["minutes"], price=d["price"]) for d in durations]
        )
    return gig


@transaction.atomic
def remove_gig(gig: Gig) -> bool:
    """Deletes a gig never booked nor asked for; otherwise it is deactivated (its bookings
    and learners' time requests keep pointing at it). Returns whether it was deleted."""
    gig = Gig.objects.select_for_update().get(pk=gig.pk)
    if gig.bookings.exists() or gig.group_sessions.exists() or gig.time_requests.exists():
        gig.is_active = False
        gig.save(update_fields=["is_active"])
        return False
    gig.delete()
    return True


def update_exception(exception: AvailabilityException, **fields: Any) -> AvailabilityException:
    zone = ZoneInfo(exception.listing.time_zone)
    for name in ("start", "end"):
        if name in fields and timezone.is_naive(fields[name]):
            fields[name] = fields[name].replace(tzinfo=zone)
    for name, value in fields.items():
        setattr(exception, name, value)
    exception.full_clean()
    exception.save()
    return exception


def remove_exception(exception: AvailabilityException) -> None:
    """Deletes a one-off change: the weekly hours apply again for its time."""
    exception.delete()


# Intro videos: short, in a format browsers play, checked by content (not by name).
INTRO_VIDEO_TYPES = frozenset({"video/mp4", "video/webm", "video/quicktime", "video/ogg"})
INTRO_VIDEO_MAX_BYTES = 60 * 1024 * 1024
INTRO_VIDEO_MAX_SECONDS = 180


def probe_video_seconds(path: str) -> float | None:
    """The length of the file's video in seconds as ffprobe reads it; None when it has no
    video stream or cannot be read."""
    import json
    import shutil
    import subprocess

    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        return None
    try:
        result = subprocess.run(  # noqa: S603 - fixed arguments, our own temp file
            [
                ffprobe,
                "-v",
                "error",
                "-show_entries",
                "format=duration:stream=codec_type",
                "-of",
                "json",
                path,
            ],
            capture_output=True,
            timeout=30,
            check=False,
        )
        found = json.loads(result.stdout or b"{}")
        if not any(s.get("codec_type") == "video" for s in found.get("streams", [])):
            return None
        return float(found.get("format", {}).get("duration"))
    except (subprocess.SubprocessError, ValueError, TypeError, OSError):
        return None


def set_intro_video(user: User, upload: Any) -> TeacherListing:
    """Stores ``upload`` as the teacher's intro video: at most ``INTRO_VIDEO_MAX_BYTES``,
    sniffed as one of ``INTRO_VIDEO_TYPES`` (core.uploads), a video stream ffprobe can read
    of at most ``INTRO_VIDEO_MAX_SECONDS``. The previous file goes after commit."""
    import tempfile

    from core.uploads import RejectedUpload, checked_type, stored_name

    from ..errors import InvalidIntroVideo, ListingMissing

    if upload.size > INTRO_VIDEO_MAX_BYTES:
        raise InvalidIntroVideo(
            f"An intro video may be at most {INTRO_VIDEO_MAX_BYTES // 1024 // 1024} MB."
        )
    try:
        mime = checked_type(upload, INTRO_VIDEO_TYPES)
    except RejectedUpload as error:
        raise InvalidIntroVideo("Upload an MP4, WebM, MOV or Ogg video.") from error
    with tempfile.NamedTemporaryFile(suffix=".video") as copy:
        upload.seek(0)
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        seconds = probe_video_seconds(copy.name)
    upload.seek(0)
    if seconds is None:
        raise InvalidIntroVideo("This video cannot be read: upload another file.")
    if seconds > INTRO_VIDEO_MAX_SECONDS:
        raise InvalidIntroVideo(
            f"An intro video may be at most {INTRO_VIDEO_MAX_SECONDS // 60} minutes long."
        )
    with transaction.atomic():
        listing = TeacherListing.objects.select_for_update().filter(user=user).first()
        if listing is None:
            raise ListingMissing()
        previous = listing.intro_video.name
        listing.intro_video.save(stored_name(mime), upload, save=False)
        listing.save(update_fields=["intro_video"])
        if previous:
            transaction.on_commit(lambda: listing.intro_video.storage.delete(previous))
    return listing


def remove_intro_video(user: User) -> None:
    with transaction.atomic():
        listing = TeacherListing.objects.select_for_update().filter(user=user).first()
        if listing is None or not listing.intro_video:
            return
        previous = listing.intro_video.name or ""
        storage = listing.intro_video.storage
        listing.intro_video = ""
        listing.save(update_fields=["intro_video"])
        transaction.on_commit(lambda: storage.delete(previous))
