"""A new teacher's whole way on the website, at desktop size and on a phone: sign up with
the teacher role and confirm the email code → the dashboard's checklist → the onboarding
wizard (profile, photo and video, languages, qualifications and a certificate) → submit
for verification → a moderator, in their own browser, signs in to the Wagtail admin with
their TOTP code and approves the teacher in the verification queue; the dashboard says so →
a gig and weekly hours → a learner asks for a time on the teacher's page (their own
browser), the teacher accepts it → the learner pays with the demo card → at lesson time
both join the classroom in real browsers with fake cameras (daphne: HTTP and WebSockets),
the teacher lets the learner in, and the room records their attendance → the lesson ends
(the settling task's service, with the booking moved back so the lesson is over) and the
learner confirms it on the website → earnings → a payout request.

Nothing is faked: the demo payment provider is this server's own, and every other step
runs the real services; each page is screenshotted."""

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
SLOW = 15_000  # expect timeout for steps a busy machine makes slow (nothing is timed)
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


def wait_until(found, what: str, timeout: float = 30):  # type: ignore[no-untyped-def]
    """Polls the database until ``found()`` returns something: work another process does
    (the Celery worker, the daphne server) is not tied to any page to wait on."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = found()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def demo_payments_only(settings):  # type: ignore[no-untyped-def]
    """The embedded settings' situation: demo card on, Stripe not configured."""
    settings.PAYMENTS_DEMO_ENABLED = True
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""


@pytest.mark.timeout(900)  # one long journey; the machine is shared
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_new_teacher_onboards_is_verified_publishes_teaches_and_asks_for_a_payout(  # type: ignore[no-untyped-def]
    demo_payments_only,
    page,
    live_server,
    asgi_live_server,
    celery_worker,
    role_user,
    screenshot,
    browser,
    media_browser,
    signed_in_page,
    staff_sign_in,
    photo: Path,
    certificate: Path,
    viewport: str,
) -> None:
    from accounts.roles import Role
    from payouts.models import PayoutRequest
    from rooms.models import Attendance
    from rooms.selectors import overlap_seconds
    from tutoring.models import (
        Booking,
        BookingStatus,
        GigCategory,
        ListingStatus,
        TeacherListing,
        TimeRequest,
    )
    from tutoring.services import sessions

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

    listing = TeacherListing.objects.get(user__email="nora@example.com")
    assert listing.time_zone == "Europe/Madrid"
    assert listing.intro_video_url == "https://video.example/nora-intro"

    # A moderator, at their own desk, approves Nora in the admin's verification queue.
    moderator = role_user(Role.MODERATOR, email="mo@example.com", first_name="Mo")
    mo = browser.new_context(viewport=VIEWPORTS["desktop"]).new_page()
    mo.set_default_timeout(15_000)
    staff_sign_in(mo, url + "/admin/tutoring/teachers/", moderator)
    mo.get_by_role("link", name="Nora Navarro").first.click()
    expect(mo.get_by_role("link", name="DELE examiner")).to_be_visible(timeout=SLOW)
    mo.get_by_role("button", name="Approve and list").click()
    expect(mo).to_have_url(url + "/admin/tutoring/teachers/", timeout=SLOW)
    expect(mo.get_by_text("Nora Navarro is verified.")).to_be_visible(timeout=SLOW)
    screenshot("moderator-approved", page=mo)
    mo.context.close()
    listing.refresh_from_db()
    assert listing.status == ListingStatus.VERIFIED

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

    # A learner asks for a time outside those hours, in a few minutes (before work); the
    # teacher accepts it.
    learner = role_user(
        Role.STUDENT, email="lea@example.com", first_name="Lea", last_name="Learner"
    )
    start = (datetime.now(tz=UTC) + timedelta(minutes=9)).replace(second=0, microsecond=0)
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

    # The learner pays on the website with the demo card.
    lea.goto(f"{url}/tutoring/bookings/{booking_id}/")
    lea.get_by_role("link", name="Pay now").click()
    expect(lea.get_by_role("heading", name="Demo payment — no real money")).to_be_visible(
        timeout=SLOW
    )
    lea.get_by_role("textbox", name="Card number", exact=True).fill("4242 4242 4242 4242")
    lea.get_by_role("textbox", name="Expiry (MM/YY)", exact=True).fill("12/40")
    lea.get_by_role("textbox", name="CVC", exact=True).fill("123")
    screenshot("learner-pays", page=lea)
    lea.get_by_role("button", name=re.compile(r"^Pay ")).click()
    expect(lea.get_by_test_id("booking-status")).to_have_text("Confirmed", timeout=SLOW)
    lea.context.close()
    # The booking_confirmed task (the Celery worker) opens the classroom.
    room_id = wait_until(
        lambda: Booking.objects.filter(pk=booking_id).values_list("room_id", flat=True)[0],
        "the classroom",
    )

    # Lesson time: both join the classroom in browsers with a camera and a microphone.
    def classroom_page(user):  # type: ignore[no-untyped-def]
        joined = signed_in_page(media_browser, asgi_live_server, user)
        joined.set_viewport_size(VIEWPORTS[viewport])
        joined.set_default_timeout(15_000)
        joined.set_default_navigation_timeout(45_000)  # first loads are slow on a busy machine
        return joined

    nora = classroom_page(listing.user)
    nora.goto(f"{asgi_live_server}/tutoring/bookings/{booking_id}/")
    nora.get_by_role("link", name="Join classroom").click()
    expect(nora.locator("#room-status")).to_contain_text("In the room as teacher", timeout=SLOW)
    lea = classroom_page(learner)
    lea.goto(asgi_live_server + "/tutoring/dashboard/")
    lea.get_by_test_id("happening-now").get_by_role("link", name="Join classroom").click()
    expect(lea).to_have_url(f"{asgi_live_server}/rooms/{room_id}/", timeout=SLOW)
    expect(lea.locator("#room-status")).to_contain_text("Waiting for the teacher", timeout=SLOW)
    nora.get_by_role("button", name="Let Lea Learner in").click()
    expect(lea.locator("#room-status")).to_contain_text("In the room as learner", timeout=SLOW)
    # They talk over the classroom's own channel.
    lea.get_by_label("Message the class").fill("¡Hola, Nora!")
    lea.get_by_role("button", name="Send", exact=True).click()
    expect(nora.locator("#room-chat")).to_contain_text("Lea Learner: ¡Hola, Nora!", timeout=SLOW)
    nora.get_by_label("Message the class").fill("¡Hola, Lea! ¿Qué tal tu semana?")
    nora.get_by_role("button", name="Send", exact=True).click()
    expect(lea.locator("#room-chat")).to_contain_text("Nora Navarro: ¡Hola, Lea!", timeout=SLOW)
    screenshot("classroom-teacher", page=nora)
    screenshot("classroom-learner", page=lea)
    # The room's consumer recorded both visits, open together: billing counts whole seconds
    # of the two being present at once (a visit still open counts until now).
    wait_until(
        lambda: overlap_seconds(room_id, listing.user, learner) >= 1,
        "the two to be in the classroom together",
    )
    visits = list(Attendance.objects.filter(room_id=room_id))
    assert {visit.user_id for visit in visits} == {listing.user_id, learner.pk}

    # The lesson is over: moved back so the visits fall inside it (the test cannot wait an
    # hour), then settled by the service the periodic task calls, while both are still in
    # the room; they leave, and the learner confirms the lesson on the website.
    booking = Booking.objects.get(pk=booking_id)
    began = min(visit.joined_at for visit in visits).replace(second=0, microsecond=0)
    shift = booking.start - began
    Booking.objects.filter(pk=booking_id).update(
        start=booking.start - shift,
        end=booking.end - shift,
        blocked_start=booking.blocked_start - shift,
        blocked_end=booking.blocked_end - shift,
    )
    booking.refresh_from_db()
    finished = sessions.finish_session(booking_id, now=booking.end)
    assert finished.status == BookingStatus.AWAITING_CONFIRMATION
    nora.context.close()
    lea.goto(f"{asgi_live_server}/tutoring/bookings/{booking_id}/")
    lea.get_by_role("button", name="Confirm the lesson took place").click()
    expect(lea.get_by_test_id("booking-status")).to_have_text("Completed", timeout=SLOW)
    screenshot("learner-confirmed", page=lea)
    lea.context.close()

    # The teacher's earnings show it.
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
