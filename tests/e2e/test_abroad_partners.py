"""A homestay host's way in and the staff's side of it, in one walk: the host applies with
their documents (at phone size), a moderator signs in with their code and approves them in
the verification queue, the host fills in their new draft listing in the restricted editor
and submits it to moderation, the moderator approves it, the host blocks nights of the new room
on their calendar (at phone size), and the moderator opens the occupancy report. Axe, the
no-sideways-scroll check and screenshots on the website pages at desktop and 390x844; screenshots
of the admin screens."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from cms.abroad.testing import abroad_tree, make_homestay  # noqa: F401

pytestmark = pytest.mark.e2e
SIZES = {"desktop": {"width": 1200, "height": 900}, "phone": {"width": 390, "height": 844}}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _context(browser, live_server, user, size: str):  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=SIZES[size])
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def test_a_host_applies_is_approved_and_submits_their_listing_for_review(  # type: ignore[no-untyped-def]
    browser,
    live_server,
    transactional_db,
    abroad_tree,  # noqa: F811
    role_user,
    user_factory,
    axe,
    no_sideways_scroll,
    screenshot,
    staff_sign_in,
):
    from abroad import services
    from abroad.models import ApplicationStatus, VendorApplication
    from django.utils import timezone
    from wagtail.models import WorkflowState

    from accounts.roles import Role
    from cms.abroad.models import HomestayPage

    host = user_factory(email="nina@example.com", first_name="Nina", last_name="Host")
    moderator = role_user(Role.MODERATOR, email="mo@example.com", first_name="Mo")
    url = live_server.url

    # The host applies on their phone.
    context = _context(browser, live_server, host, "phone")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(url + "/abroad/partners/apply/")
    page.get_by_label("Homestay host").check()
    page.get_by_label("School or host name").fill("Casa Nina")
    page.get_by_label("City").select_option(label="Madrid")
    page.get_by_label("Address", exact=True).fill("Calle Luna 5, Madrid")
    page.get_by_label("Phone", exact=True).fill("+34 600 000 000")
    page.get_by_label("About you").fill("Nina and her dog host students near Retiro.")
    page.get_by_label("Identity document").set_input_files(
        {"name": "id.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label("Proof of address (hosts)").set_input_files(
        {"name": "bill.png", "mimeType": "image/png", "buffer": PNG}
    )
    no_sideways_scroll(page)
    axe(page)
    screenshot("apply-phone", page=page)
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_test_id("application-status")).to_contain_text("Waiting for verification")
    no_sideways_scroll(page)
    axe(page)
    screenshot("applied-phone", page=page)
    context.close()
    application = VendorApplication.objects.get(user=host)

    # A moderator verifies and approves.
    staff = browser.new_context(viewport=SIZES["desktop"])
    admin_page = staff.new_page()
    admin_page.set_default_timeout(15_000)
    staff_sign_in(admin_page, url + "/admin/abroad/vendor-applications/", moderator)
    admin_page.get_by_role("link", name="Casa Nina").click()
    expect(admin_page.get_by_text("Proof of address")).to_be_visible()
    screenshot("verify-desktop", page=admin_page)
    admin_page.get_by_role("button", name="Approve and create their listing").click()
    expect(admin_page.get_by_text("is approved")).to_be_visible()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED

    # The host, on a desktop, sees the news and fills in the draft listing.
    context = _context(browser, live_server, host, "desktop")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(url + "/abroad/partners/apply/")
    no_sideways_scroll(page)
    axe(page)
    screenshot("approved-desktop", page=page)
    page.get_by_role("link", name="Edit your listing").click()
    expect(page).to_have_url(re.compile(rf"/admin/pages/{application.page_id}/edit/"))
    # The draft has its one empty room form (a homestay has at least one room).
    page.locator("input[name='rooms-0-name']").fill("Blue room")
    page.locator("input[name='rooms-0-price_per_night']").fill("32")
    screenshot("editor-desktop", page=page)
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name=re.compile("Submit to Study abroad listing review")).click()
    page.wait_for_load_state("networkidle")
    screenshot("submitted-desktop", page=page)
    for _ in range(20):
        if WorkflowState.objects.filter(
            object_id=str(application.page_id), status="in_progress"
        ).exists():
            break
        page.wait_for_timeout(500)
    else:
        raise AssertionError("the listing was not submitted to moderation")
    context.close()

    # The moderator approves the listing from its edit screen: it goes live as submitted.
    admin_page.goto(url + f"/admin/pages/{application.page_id}/edit/")
    admin_page.get_by_role("button", name="More actions").click()
    admin_page.get_by_role("button", name="Approve and Publish", exact=True).click()
    admin_page.wait_for_load_state("networkidle")
    screenshot("approved-listing-desktop", page=admin_page)
    for _ in range(20):
        if WorkflowState.objects.filter(
            object_id=str(application.page_id), status="approved"
        ).exists():
            break
        admin_page.wait_for_timeout(500)
    else:
        raise AssertionError("the moderator's approval did not complete the workflow")
    listing = HomestayPage.objects.get(pk=application.page_id)
    assert listing.live
    assert [(room.name, str(room.price_per_night)) for room in listing.rooms.all()] == [
        ("Blue room", "32.00")
    ]

    # The host blocks nights of the new room on their phone.
    context = _context(browser, live_server, host, "phone")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(url + "/abroad/vendor/")
    page.get_by_role("link", name="Rooms and blocked dates").click()
    expect(page.get_by_text("Free every night.")).to_be_visible()
    first = timezone.localdate() + timedelta(days=14)
    page.get_by_label("Room", exact=True).select_option(label="Casa Nina · Blue room")
    page.get_by_label("First night").fill(first.isoformat())
    page.get_by_label("Free again from").fill((first + timedelta(days=3)).isoformat())
    page.get_by_label("Note (only you see it)").fill("Family visit")
    page.get_by_role("button", name="Block these nights").click()
    expect(page.get_by_text("Those nights are blocked.")).to_be_visible()
    expect(page.get_by_text("Family visit")).to_be_visible()
    no_sideways_scroll(page)
    axe(page)
    screenshot("calendar-phone", page=page)
    context.close()
    room = listing.rooms.get()
    assert not services.room_is_free(room.pk, first, first + timedelta(days=1))

    # The moderator's occupancy report.
    admin_page.goto(url + "/admin/reports/abroad-occupancy/")
    expect(admin_page.get_by_role("link", name="Casa Nina")).to_be_visible()
    screenshot("report-desktop", page=admin_page)
    admin_page.set_viewport_size(SIZES["phone"])
    admin_page.goto(url + "/admin/abroad/vendor-applications/")
    screenshot("queue-phone", page=admin_page)
    staff.close()


def test_a_host_accepts_a_request_to_book_and_the_learner_then_pays(  # type: ignore[no-untyped-def]
    browser,
    live_server,
    transactional_db,
    settings,
    make_homestay,  # noqa: F811
    role_user,
    axe,
    no_sideways_scroll,
    screenshot,
    staff_sign_in,
):
    """The learner asks on their phone for a stay at a request-to-book homestay; its host
    signs in to the admin, finds the request in their bookings, accepts it; the learner's
    trip is then held for them to pay, and they pay it with the demo card. The host's
    earnings page shows the stay as pending."""
    from abroad.models import AbroadBooking, BookingStatus
    from django.utils import timezone

    from accounts.roles import Role
    from accounts.testing import activate_totp
    from cms.abroad.vendors import grant_vendor_subtree

    settings.PAYMENTS_DEMO_ENABLED = True
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""
    host = role_user(
        Role.HOMESTAY_OWNER, email="rosa@example.com", first_name="Rosa", last_name="Host"
    )
    host.totp_secret = activate_totp(host)
    learner = role_user(Role.STUDENT, email="leo@example.com", first_name="Leo", last_name="Lerner")
    home = make_homestay(host, title="Casa Rosa", booking_mode="request")
    grant_vendor_subtree(host, home)
    url = live_server.url
    check_in = timezone.localdate() + timedelta(days=21)

    # The learner asks for a week, on their phone.
    context = _context(browser, live_server, learner, "phone")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(url + home.url)
    form = page.get_by_role("form", name="Request a stay")
    form.get_by_label("Check-in", exact=True).fill(check_in.isoformat())
    form.get_by_label("Check-out", exact=True).fill((check_in + timedelta(days=7)).isoformat())
    form.get_by_role("button", name="Send request").click()
    expect(
        page.get_by_text("Request sent. Nothing is charged until it is accepted.")
    ).to_be_visible()
    expect(page.get_by_text("Waiting for the provider's answer")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Pay "))).to_have_count(0)
    no_sideways_scroll(page)
    axe(page)
    screenshot("request-sent-phone", page=page)
    booking = AbroadBooking.objects.get(learner=learner)
    assert booking.status == BookingStatus.AWAITING_VENDOR
    trip_url = page.url

    # The host signs in to their admin and accepts it from their bookings.
    staff = browser.new_context(viewport=SIZES["desktop"])
    host_page = staff.new_page()
    host_page.set_default_timeout(15_000)
    staff_sign_in(host_page, url + "/admin/", host)
    dashboard = host_page.get_by_test_id("vendor-dashboard")
    expect(dashboard).to_contain_text("1 request waiting for your answer")
    screenshot("host-dashboard-desktop", page=host_page)
    dashboard.get_by_role("link", name="1 request waiting for your answer").click()
    request = host_page.locator("article", has_text="Leo Lerner")
    expect(request).to_contain_text("Casa Rosa")
    screenshot("host-request-desktop", page=host_page)
    request.get_by_role("button", name="Accept").click()
    expect(host_page.get_by_text("Accepted.")).to_be_visible()
    expect(host_page.get_by_text("No requests waiting.")).to_be_visible()
    axe(host_page)
    screenshot("host-accepted-desktop", page=host_page)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.HELD and booking.hold_expires_at is not None

    # The learner finds it accepted and pays.
    page.goto(trip_url)
    expect(page.get_by_text("Held while paying")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Pay ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pay for your trip")
    no_sideways_scroll(page)
    screenshot("accepted-pay-phone", page=page)
    page.get_by_role("textbox", name="Card number", exact=True).fill("4242 4242 4242 4242")
    page.get_by_role("textbox", name="Expiry (MM/YY)", exact=True).fill("12/40")
    page.get_by_role("textbox", name="CVC", exact=True).fill("123")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r"/abroad/trips/[0-9a-f-]+/$"))
    expect(page.get_by_text("Payment received")).to_be_visible()
    booking.refresh_from_db()
    assert booking.status in (BookingStatus.CONFIRMED, BookingStatus.PAID)
    context.close()

    # The host's earnings: the stay is pending until it ends.
    host_page.goto(url + "/admin/")
    host_page.get_by_role("link", name="Earnings and payouts").click()
    expect(host_page.get_by_test_id("booking-earnings")).to_contain_text("Casa Rosa")
    expect(host_page.get_by_test_id("pending-EUR")).not_to_have_text("0.00")
    no_sideways_scroll(host_page)
    axe(host_page)
    screenshot("host-earnings-desktop", page=host_page)
    host_page.set_viewport_size(SIZES["phone"])
    no_sideways_scroll(host_page)
    screenshot("host-earnings-phone", page=host_page)
    staff.close()
