"""A new teacher's whole way on the website, at desktop size and on a phone: sign up with
the teacher role and confirm the email code → the dashboard's checklist → the onboarding
wizard (profile, photo and video, languages, qualifications and a certificate) → submit
for verification → a moderator approves (the admin queue's own service) and the dashboard
says so → a gig and weekly hours → a learner asks for another time on the teacher's page
(their own browser), the teacher accepts it → the
lesson paid (Stripe's signed webhook) and delivered → earnings → a payout request.

Only Stripe is faked (payments.testing, at the HTTP boundary); every other step runs the
real services, and each page is screenshotted."""

import re
import time
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from accounts.testing import code_in

pytestmark = pytest.mark.e2e

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def wait_for_mail(to: str, timeout: float = 20) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mail.outbox:
            if to in message.to:
                return message
        time.sleep(0.1)
    raise AssertionError(f"no email to {to}")


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "nora.jpg"
    buffer = BytesIO()
    Image.new("RGB", (600, 600), (180, 90, 40)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def certificate(tmp_path: Path) -> Path:
    path = tmp_path / "dele.pdf"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
    return path


def _deliver(booking_id: str, learner, api_client, client, providers) -> None:  # type: ignore[no-untyped-def]
    """The learner pays (Stripe's signed webhook), both attend the classroom, the lesson
    ends and the learner confirms it: the services the classroom and the tasks call."""
    from rooms.models import Attendance
    from tutoring.models import Booking
    from tutoring.services import sessions
    from tutoring.testing import pay_with_stripe

    api_client.force_login(learner)
    pay_with_stripe(api_client, client, providers, booking_id)
    booking = Booking.objects.get(pk=booking_id)
    sessions.open_meeting(booking)
    booking.refresh_from_db()
    for person in (booking.teacher.user, booking.learner):
        Attendance.objects.create(
            room_id=booking.room_id,
            user=person,
            channel_name="test",
            joined_at=booking.start,
            left_at=booking.end,
        )
    after = booking.end + timedelta(minutes=31)
    sessions.finish_session(booking.pk, now=after)
    sessions.confirm_completion(booking.pk, by=learner, now=after)


@pytest.mark.timeout(900)  # one long journey; the machine is shared
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_new_teacher_onboards_is_verified_publishes_teaches_and_asks_for_a_payout(
    page,
    live_server,
    celery_worker,
    providers,
    api_client,
    client,
    role_user,
    screenshot,
    browser,
    signed_in_page,
    photo: Path,
    certificate: Path,
    viewport: str,
) -> None:
    from accounts.roles import Role
    from payouts.models import PayoutRequest
    from tutoring.models import GigCategory, ListingStatus, TeacherListing, TimeRequest
    from tutoring.services import teachers

    # A transactional test's flush removes the categories the migration made.
    GigCategory.objects.get_or_create(
        slug="language-tutor", defaults={"name": "Language tutor", "is_language_teaching": True}
    )

    def shot(label: str) -> None:
        """A screenshot, and no page scrolls sideways (the phone's 390 px included)."""
        screenshot(label)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{label} scrolls sideways by {overflow}px"

    mail.outbox = []
    page.set_viewport_size(VIEWPORTS[viewport])
    page.set_default_timeout(15_000)
    url = live_server.url

    # Sign up with the teacher role, and confirm the emailed code.
    page.goto(url + "/accounts/signup/")
    page.get_by_label("Full name").fill("Nora Navarro")
    page.get_by_label("Email").fill("nora@example.com")
    page.locator("#id_password1").fill("Sunny-patio-at-four")
    page.get_by_label("Teach").check()
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/"))
    page.get_by_label("Code").fill(code_in(wait_for_mail("nora@example.com")))
    page.get_by_role("button", name="Confirm").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/confirm-email/"))

    # The teacher dashboard is a checklist, not a dead end.
    page.goto(url + "/tutoring/teach/")
    checklist = page.get_by_test_id("checklist")
    expect(checklist).to_contain_text("Create your teacher profile")
    shot("checklist")
    checklist.get_by_role("link", name="Create your teacher profile").click()

    # 1. Profile: a missing headline is pointed out next to its field.
    expect(page).to_have_url(url + "/tutoring/teach/onboarding/profile/")
    expect(page.get_by_test_id("wizard-steps").locator("[aria-current=step]")).to_contain_text(
        "Profile"
    )
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_test_id("error-headline")).to_be_visible()
    page.get_by_label("Headline").fill("Spanish from Seville, patient and fun")
    page.get_by_label("About you").fill("I teach conversation and grammar for DELE exams.")
    page.get_by_label("Time zone").select_option("Europe/Madrid")
    shot("wizard-profile")
    page.get_by_role("button", name="Save and continue").click()

    # 2. Photo and intro video.
    expect(page).to_have_url(url + "/tutoring/teach/onboarding/media/")
    page.get_by_label("Photo", exact=True).set_input_files(str(photo))
    page.get_by_label("Intro video link").fill("https://video.example/nora-intro")
    page.get_by_role("button", name="Save and continue").click()

    # 3. Languages with levels.
    expect(page).to_have_url(url + "/tutoring/teach/onboarding/languages/")
    page.locator("#id_lang-0-language").select_option("es")
    page.locator("#id_lang-0-native").check()
    page.locator("#id_lang-1-language").select_option("en")
    page.locator("#id_lang-1-min_level").select_option("A1")
    page.locator("#id_lang-1-max_level").select_option("B2")
    shot("wizard-languages")
    page.get_by_role("button", name="Save and continue").click()

    # 4. Qualifications and a certificate.
    expect(page).to_have_url(url + "/tutoring/teach/onboarding/qualifications/")
    page.get_by_label("Certificate title").fill("DELE examiner")
    page.get_by_label("Certificate file").set_input_files(str(certificate))
    page.get_by_role("button", name="Upload certificate").click()
    expect(page.get_by_test_id("certificates")).to_contain_text("DELE examiner")
    page.get_by_label("Qualification", exact=True).fill("MA in Hispanic philology")
    page.get_by_label("Years of teaching experience").fill("8")
    shot("wizard-qualifications")
    page.get_by_role("button", name="Save and continue").click()

    # 5. Submit for verification; the status says it is waiting.
    expect(page).to_have_url(url + "/tutoring/teach/onboarding/status/")
    steps = page.get_by_test_id("wizard-steps")
    expect(steps.locator("li.done")).to_have_count(4)
    page.get_by_role("button", name="Submit for verification").click()
    expect(page.get_by_test_id("listing-status")).to_have_text("Waiting for verification")
    shot("wizard-submitted")

    # A moderator approves through the verification queue's service; the dashboard shows it.
    listing = TeacherListing.objects.get(user__email="nora@example.com")
    assert listing.time_zone == "Europe/Madrid"
    assert listing.intro_video_url == "https://video.example/nora-intro"
    listing = teachers.approve(listing, by=role_user(Role.ADMIN))
    page.goto(url + "/tutoring/teach/")
    expect(page.get_by_test_id("listing-status")).to_have_text("Verified")
    expect(checklist.locator("li.done")).to_have_count(2)
    shot("dashboard-verified")

    # A gig: its errors shown next to the fields, then published.
    checklist.get_by_role("link", name="Publish a gig").click()
    page.get_by_role("link", name="New gig").click()
    page.get_by_label("Service").select_option("language-tutor")
    page.get_by_label("Title", exact=True).fill("Conversational Spanish")
    page.get_by_label("About the lessons").fill("We talk about your week, in Spanish.")
    page.get_by_label("Lesson length 1 (minutes)").fill("60")
    page.get_by_label("Price of lesson length 1").fill("25.00")
    page.get_by_label("Trial lesson minutes").fill("20")
    page.get_by_role("button", name="Save gig").click()
    expect(page.get_by_test_id("error-language")).to_have_text(
        "Say which language this gig teaches."
    )
    expect(page.get_by_test_id("error-trial_price")).to_be_visible()
    shot("gig-errors")
    page.get_by_label("Language taught").select_option("es")
    page.get_by_label("Trial lesson price").fill("5.00")
    page.get_by_label("Package sizes").fill("5, 10")
    page.get_by_role("button", name="Save gig").click()
    expect(page.get_by_test_id("gigs")).to_contain_text("Conversational Spanish")
    expect(page.get_by_test_id("gigs")).to_contain_text("Published")
    shot("gigs")

    # Weekly hours in the teaching zone, with a second Monday slot added without scripts.
    page.get_by_role("navigation", name="Teaching").get_by_role("link", name="Hours").click()
    expect(page.get_by_test_id("zone-note")).to_contain_text("Europe/Madrid")
    for day in WEEKDAYS[:5]:
        page.get_by_label(f"{day} slot 1 from").fill("09:00")
        page.get_by_label(f"{day} slot 1 to").fill("13:00")
    page.get_by_role("button", name="Add a slot (Monday)").click()
    page.get_by_label("Monday slot 2 from").fill("16:00")
    page.get_by_label("Monday slot 2 to").fill("19:00")
    page.get_by_role("button", name="Save weekly hours").click()
    expect(page.get_by_text("Your weekly hours are saved.")).to_be_visible()
    expect(page.get_by_label("Monday slot 2 to")).to_have_value("19:00")
    shot("hours")
    assert listing.weekly_hours.count() == 6

    # A learner asks for a time outside those hours; the teacher accepts it.
    learner = role_user(
        Role.STUDENT, email="lea@example.com", first_name="Lea", last_name="Learner"
    )
    start = (datetime.now(tz=UTC) + timedelta(days=3)).replace(
        hour=5, minute=0, second=0, microsecond=0
    )
    gig = listing.gigs.get()
    lea = signed_in_page(browser, url, learner)
    lea.set_viewport_size(VIEWPORTS[viewport])
    lea.goto(f"{url}/tutoring/teachers/{listing.pk}/?tz=UTC")
    form = lea.get_by_test_id("request-time")
    form.get_by_label("Lesson").select_option(label=f"{gig.title} · 60 min")
    form.get_by_label("Date and time").fill(start.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("Message to the teacher").fill("Before work, please?")
    form.get_by_role("button", name="Send the request").click()
    expect(lea.get_by_text("Your request is sent to Nora Navarro")).to_be_visible()
    expect(lea.get_by_test_id("time-requests")).to_contain_text("Pending")
    screenshot("learner-time-request", page=lea)
    lea.context.close()
    asked = TimeRequest.objects.get(learner=learner)
    assert (asked.start, asked.minutes, asked.gig_id) == (start, 60, gig.pk)
    page.goto(url + "/tutoring/teach/")
    expect(page.get_by_test_id("checklist")).to_have_count(0)
    expect(page.get_by_test_id("dashboard-requests")).to_contain_text("Lea Learner")
    page.get_by_role("link", name="Answer requests").click()
    card = page.get_by_test_id(f"request-{asked.pk}")
    expect(card).to_contain_text("Before work, please?")
    shot("requests")
    card.get_by_role("button", name="Accept Lea Learner's request").click()
    expect(page.get_by_text("Accepted: Lea Learner has the time held")).to_be_visible()
    booking_id = str(TimeRequest.objects.get(pk=asked.pk).booking_id)

    # The learner pays, the lesson takes place, and the teacher's earnings show it.
    _deliver(booking_id, learner, api_client, client, providers)
    page.get_by_role("navigation", name="Teaching").get_by_role("link", name="Earnings").click()
    available = page.get_by_test_id("available-EUR")
    expect(available).not_to_have_text("0")
    amount = available.inner_text()
    assert float(amount) > 0
    shot("earnings")
    # The bank account is added on the payout method page, linked from the earnings.
    page.get_by_role("link", name="Manage your payout method and tax documents").click()
    page.get_by_label("Account holder").fill("Nora Navarro")
    page.get_by_label("IBAN or account number").fill("ES91 2100 0418 4502 0005 1332")
    page.get_by_label("Bank", exact=True).fill("CaixaBank")
    page.get_by_label("Bank's country").fill("ES")
    page.get_by_role("button", name="Save bank account").click()
    expect(page.get_by_text("Your bank account is saved.")).to_be_visible()
    page.get_by_role("link", name="Earnings and payouts").click()
    page.get_by_label("Amount", exact=True).fill(amount)
    page.get_by_role("button", name="Request payout").click()
    expect(page.get_by_text("Payout requested")).to_be_visible()
    expect(page.get_by_test_id("payouts")).to_contain_text("Awaiting approval")
    expect(page.get_by_test_id("available-EUR")).to_have_text("0.00")
    shot("payout-requested")
    payout = PayoutRequest.objects.get(payee__email="nora@example.com")
    assert (str(payout.amount), payout.method) == (amount, "bank_transfer")
    assert TeacherListing.objects.get(pk=listing.pk).status == ListingStatus.VERIFIED
