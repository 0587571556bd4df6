"""A moderator signs in with their TOTP code, works the teacher verification queue in the
Wagtail admin: sees the certificates and the intro video, is stopped from rejecting without
a reason, then rejects with one."""

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_moderator_reviews_a_teacher_in_the_verification_queue(
    page, live_server, transactional_db, role_user, screenshot, staff_sign_in
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.roles import Role
    from accounts.services import add_certificate
    from tutoring.models import GigCategory, ListingStatus, TaughtLanguage, TeacherListing
    from tutoring.services.teachers import save_gig

    page.set_default_timeout(10_000)
    moderator = role_user(Role.MODERATOR, email="mo@example.com", first_name="Mo")
    teacher = role_user(Role.TEACHER, email="tomas@example.com", first_name="Tomás")
    teacher.teacher_profile.qualification = "CELTA"
    teacher.teacher_profile.years_of_experience = 7
    teacher.teacher_profile.save()
    add_certificate(teacher, title="CELTA certificate", upload=SimpleUploadedFile("c.pdf", PDF))
    listing = TeacherListing.objects.create(
        user=teacher,
        headline="Spanish from Seville",
        about="Ten years in language schools.",
        intro_video_url="https://videos.example.com/tomas.mp4",
        time_zone="Europe/Madrid",
        status=ListingStatus.PENDING,
        submitted_at=datetime.now(tz=UTC),
    )
    TaughtLanguage.objects.create(listing=listing, language="es", native=True)
    category, _ = GigCategory.objects.get_or_create(
        slug="language-tutor", defaults={"name": "Language tutor", "is_language_teaching": True}
    )
    save_gig(
        listing,
        title="Spanish conversation",
        about="We talk.",
        category=category,
        language="es",
        durations=[{"minutes": 60, "price": "30.00"}],
    )
    other = role_user(Role.TEACHER, email="vera@example.com", first_name="Vera")
    TeacherListing.objects.create(
        user=other, headline="German grammar", status=ListingStatus.VERIFIED
    )

    url = live_server.url
    staff_sign_in(page, url + "/admin/tutoring/teachers/", moderator)
    expect(page.get_by_role("link", name="Tomás")).to_be_visible()
    screenshot("queue")

    page.get_by_role("link", name="Tomás").first.click()
    expect(page.get_by_role("link", name="CELTA certificate")).to_be_visible()
    expect(page.locator("[data-intro-video]")).to_have_attribute(
        "href", "https://videos.example.com/tomas.mp4"
    )
    page.set_viewport_size({"width": 1280, "height": 1700})  # the admin scrolls inside itself
    screenshot("review")
    page.get_by_role("button", name="Reject with this reason").click()
    # The browser's own required check stops an empty reason before the server does.
    expect(page).to_have_url(re.compile(r"/review/"))
    page.get_by_label("Reason").fill("Please upload a readable scan of the CELTA.")
    page.get_by_role("button", name="Reject with this reason").click()
    expect(page).to_have_url(url + "/admin/tutoring/teachers/")
    expect(page.get_by_text("was asked for changes")).to_be_visible()
    screenshot("rejected")
    listing.refresh_from_db()
    assert listing.status == ListingStatus.REJECTED
    assert listing.rejection_reason == "Please upload a readable scan of the CELTA."
