"""The marketplace in the Wagtail admin: the teacher verification queue (approve, or reject
with a reason; audit-logged; the teacher notified), bookings read-only with their history,
review moderation and the gig categories. Only moderators and admins get in."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from accounts.roles import Role
from accounts.services import add_certificate
from notifications.models import Notification
from tutoring import tasks
from tutoring.models import (
    BookingEvent,
    BookingStatus,
    GigCategory,
    ListingStatus,
    OfferedHoursWeek,
    Review,
    ReviewStatus,
    TeacherListing,
)
from tutoring.selectors.fill_rate import recurring_minutes_now

pytestmark = pytest.mark.django_db

QUEUE = "/admin/tutoring/teachers/"
BOOKINGS = "/admin/tutoring/bookings/"
REVIEWS = "/admin/tutoring/reviews/"
CATEGORIES = "/admin/tutoring/gig-categories/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def submitted(make_listing, make_gig, teacher) -> TeacherListing:  # type: ignore[no-untyped-def]
    """Tomás has filled in his profile, uploaded a certificate and asked to be verified."""
    teacher.teacher_profile.qualification = "CELTA, MA Hispanic philology"
    teacher.teacher_profile.years_of_experience = 7
    teacher.teacher_profile.save()
    add_certificate(teacher, title="CELTA", upload=SimpleUploadedFile("c.pdf", PDF))
    listing = make_listing(
        teacher,
        status=ListingStatus.PENDING,
        intro_video_url="https://videos.example.com/tomas-intro.mp4",
        submitted_at=datetime.now(tz=UTC),
    )
    make_gig(listing, title="Spanish for travellers")
    return listing


def review_url(listing: TeacherListing) -> str:
    return f"{QUEUE}review/{listing.pk}/"


@pytest.mark.parametrize("who", ["moderator", "admin"])
def test_the_queue_shows_certificates_and_video_and_approving_lists_the_teacher(
    request, client, submitted, make_listing, who, django_capture_on_commit_callbacks
) -> None:
    staff = request.getfixturevalue(who)
    verified = make_listing(status=ListingStatus.VERIFIED)
    client.force_login(staff)
    queue = client.get(QUEUE)
    assert queue.status_code == 200
    page = queue.content.decode()
    # Waiting listings come first.
    assert page.index("tomas@example.com") < page.index(verified.user.email)
    assert client.get(QUEUE, {"status": "pending"}).content.decode().count("@example.com") >= 1
    assert verified.user.email not in client.get(QUEUE, {"status": "pending"}).content.decode()

    detail = client.get(review_url(submitted))
    assert detail.status_code == 200
    body = detail.content.decode()
    for shown in (
        "CELTA, MA Hispanic philology",
        "https://videos.example.com/tomas-intro.mp4",
        "CELTA",
        "application/pdf",
        "Spanish for travellers",
        "es · A1-C2",
    ):
        assert shown in body, shown

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(review_url(submitted), {"decision": "approve"})
    assert response.status_code == 302 and response["Location"] == QUEUE
    submitted.refresh_from_db()
    assert submitted.status == ListingStatus.VERIFIED and submitted.reviewed_by == staff
    entry = ModelLogEntry.objects.get(action="tutoring.approve_listing")
    assert entry.user == staff and entry.object_id == str(submitted.pk)
    # After commit: the notification task, and the week's offered hours recorded again
    # (a verified teacher's hours now count, tutoring.services.availability_history).
    assert len(callbacks) == 2
    (record,) = [c for c in callbacks if c.__name__ == "record_offered_hours"]
    assert not OfferedHoursWeek.objects.exists()
    record()
    assert OfferedHoursWeek.objects.get().minutes == recurring_minutes_now()
    tasks.listing_reviewed(str(submitted.pk))
    assert Notification.objects.get(recipient=submitted.user).type == "tutoring.listing_verified"
    history = client.get(f"{QUEUE}history/{submitted.pk}/")
    assert history.status_code == 200 and "Teacher verified" in history.content.decode()


def test_rejecting_needs_a_reason_which_reaches_the_teacher(client, moderator, submitted) -> None:
    client.force_login(moderator)
    refused = client.post(review_url(submitted), {"decision": "reject", "reject-reason": " "})
    assert refused.status_code == 400
    assert refused.context["reject_form"].errors["reason"]
    submitted.refresh_from_db()
    assert submitted.status == ListingStatus.PENDING
    assert not ModelLogEntry.objects.filter(action="tutoring.reject_listing").exists()

    reason = "The CELTA scan is unreadable; please upload a clearer copy."
    response = client.post(review_url(submitted), {"decision": "reject", "reject-reason": reason})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.rejection_reason) == (ListingStatus.REJECTED, reason)
    entry = ModelLogEntry.objects.get(action="tutoring.reject_listing")
    assert entry.user == moderator and entry.data == {"reason": reason}
    tasks.listing_reviewed(str(submitted.pk))
    told = Notification.objects.get(recipient=submitted.user)
    assert told.type == "tutoring.listing_rejected" and reason in told.body
    # Not listed in the directory.
    assert client.get("/api/v1/teachers/").json()["count"] == 0


def test_teachers_content_creators_and_learners_are_refused(
    client, submitted, teacher, content_creator, student, role_user
) -> None:
    other_teacher = role_user(Role.TEACHER)
    for user in (teacher, other_teacher, content_creator, student):
        client.force_login(user)
        for url in (QUEUE, review_url(submitted), BOOKINGS, REVIEWS, CATEGORIES):
            assert client.get(url).status_code in (302, 403), (user, url)
        response = client.post(review_url(submitted), {"decision": "approve"})
        assert response.status_code in (302, 403)
    submitted.refresh_from_db()
    assert submitted.status == ListingStatus.PENDING
    assert not ModelLogEntry.objects.filter(action__startswith="tutoring.").exists()


def test_the_queue_costs_the_same_whatever_its_length(
    client, moderator, make_listing, role_user
) -> None:
    def listings(count: int) -> None:
        for _ in range(count):
            make_listing(role_user(Role.TEACHER), status=ListingStatus.PENDING)

    listings(2)
    client.force_login(moderator)
    with CaptureQueriesContext(connection) as few:
        assert client.get(QUEUE).status_code == 200
    listings(8)
    with CaptureQueriesContext(connection) as many:
        assert client.get(QUEUE).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.fixture
def bookings(make_listing, make_gig, teacher, student, other_student, role_user):  # type: ignore[no-untyped-def]
    from tutoring.services.bookings import hold_booking

    gig = make_gig(make_listing(teacher, booking_horizon_days=365))
    soon = (datetime.now(tz=UTC) + timedelta(days=3)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    later = soon + timedelta(days=30)
    return [
        hold_booking(learner=student, gig=gig, start=soon, minutes=60),
        hold_booking(learner=other_student, gig=gig, start=later, minutes=60),
    ]


def test_bookings_filter_search_and_show_their_history_read_only(
    client, moderator, bookings
) -> None:
    soon, later = bookings
    later.status = BookingStatus.CANCELLED
    later.save()
    BookingEvent.objects.create(
        booking=later, from_status="held", to_status="cancelled", note="changed plans"
    )
    client.force_login(moderator)

    def shown(**params: str) -> set[str]:
        response = client.get(BOOKINGS, params)
        assert response.status_code == 200
        page = response.content.decode()
        return {b for b, marker in ((soon, "sam@"), (later, "lena@")) if marker in page}

    assert shown() == {soon, later}
    assert shown(status="cancelled") == {later}
    assert shown(q="lena@example.com") == {later}
    assert shown(q="tomas@example.com") == {soon, later}
    day = soon.start.date().isoformat()
    assert shown(start_from=day, start_to=day) == {soon}

    inspect = client.get(f"{BOOKINGS}inspect/{later.pk}/")
    assert inspect.status_code == 200
    page = inspect.content.decode()
    assert "changed plans" in page and "lena@example.com" in page
    # No editing or deleting bookings from the admin.
    assert client.get(f"{BOOKINGS}edit/{later.pk}/").status_code == 404
    assert client.post(f"{BOOKINGS}delete/{later.pk}/").status_code == 404


def test_bookings_show_their_times_in_the_admins_own_time_zone(client, moderator, bookings) -> None:
    from zoneinfo import ZoneInfo

    from wagtail.users.models import UserProfile

    soon, _later = bookings
    client.force_login(moderator)
    utc = soon.start.astimezone(UTC)
    assert f"{utc:%Y-%m-%d %H:%M} UTC" in client.get(BOOKINGS).content.decode()

    profile = UserProfile.get_for_user(moderator)
    profile.current_time_zone = "Asia/Kolkata"  # UTC+5:30 all year, no DST to guess
    profile.save()
    page = client.get(BOOKINGS).content.decode()
    local = soon.start.astimezone(ZoneInfo("Asia/Kolkata"))
    assert f"{local:%Y-%m-%d %H:%M} IST" in page
    assert f"{utc:%Y-%m-%d %H:%M} UTC" not in page


def test_bookings_listing_costs_the_same_whatever_its_length(
    client, moderator, make_listing, make_gig, user_factory
) -> None:
    from tutoring.services.bookings import hold_booking

    gig = make_gig(make_listing(booking_horizon_days=365))
    start = (datetime.now(tz=UTC) + timedelta(days=3)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )

    def book(count: int, offset: int) -> None:
        for n in range(count):
            hold_booking(
                learner=user_factory(),
                gig=gig,
                start=start + timedelta(days=offset + n),
                minutes=60,
            )

    book(2, 0)
    client.force_login(moderator)
    with CaptureQueriesContext(connection) as few:
        client.get(BOOKINGS)
    book(6, 10)
    with CaptureQueriesContext(connection) as many:
        client.get(BOOKINGS)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_moderating_a_review_hides_it_and_the_rating_follows(
    client, moderator, bookings, api_client
) -> None:
    soon, later = bookings
    for booking, stars in ((soon, 5), (later, 1)):
        booking.status = BookingStatus.COMPLETED
        booking.save()
        api_client.force_login(booking.learner)
        response = api_client.post(
            f"/api/v1/bookings/{booking.pk}/review/", {"rating": stars, "text": f"{stars} stars"}
        )
        assert response.status_code == 201
    listing = soon.teacher
    listing.refresh_from_db()
    assert (listing.rating_count, str(listing.rating_average)) == (2, "3.00")

    client.force_login(moderator)
    assert client.get(REVIEWS, {"rating": "1"}).content.decode().count("1 stars") == 1
    url = f"{REVIEWS}moderate/{later.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": ReviewStatus.HIDDEN, "note": "insults"})
    assert response.status_code == 302
    review = Review.objects.get(pk=later.pk)
    assert (review.status, review.moderation_note) == (ReviewStatus.HIDDEN, "insults")
    listing.refresh_from_db()
    assert (listing.rating_count, str(listing.rating_average)) == (1, "5.00")
    assert ModelLogEntry.objects.get(action="tutoring.moderate_review").user == moderator
    assert "1 stars" in client.get(REVIEWS, {"status": "hidden"}).content.decode()

    client.post(url, {"status": ReviewStatus.PUBLISHED, "note": "appeal accepted"})
    listing.refresh_from_db()
    assert listing.rating_count == 2


def test_admins_add_gig_categories_and_moderators_cannot(client, admin, moderator) -> None:
    client.force_login(moderator)
    assert client.get(f"{CATEGORIES}new/").status_code in (302, 403)
    client.force_login(admin)
    listing = client.get(CATEGORIES)
    assert "Language tutor" in listing.content.decode()
    assert "Chirologist" in listing.content.decode()
    response = client.post(
        f"{CATEGORIES}new/",
        {
            "name": "Calligraphy",
            "slug": "calligraphy",
            "description": "Brush and ink",
            "is_language_teaching": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    category = GigCategory.objects.get(name="Calligraphy")
    assert category.slug == "calligraphy" and not category.is_language_teaching
    # And teachers can choose it at once.
    assert "calligraphy" in {
        c["slug"] for c in client.get("/api/v1/gig-categories/").json()["results"]
    }


def test_the_admin_home_counts_the_queue_for_moderators_only(
    client, moderator, content_creator, submitted
) -> None:
    client.force_login(moderator)
    home = client.get("/admin/").content.decode()
    assert "1 teacher waiting for verification" in home
    assert f"{QUEUE}?status=pending" in home
    client.force_login(content_creator)
    assert "waiting for verification" not in client.get("/admin/").content.decode()
