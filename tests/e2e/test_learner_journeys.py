"""A learner's journeys that used to stop short, walked in a real browser over daphne (HTTP and
WebSockets), at desktop size and at phone size (390x844):

* at lesson time the dashboard offers "Join classroom"; the teacher lets the learner in;
* after the lesson: confirm it took place, review it with stars and text, tip the teacher
  through the checkout (Stripe mocked at its HTTP boundary, as in test_tutoring);
* the bell opens a menu with the latest notifications; the notifications page marks read;
* a person found by name is messaged; a send that fails (the chat socket's first
  ``message.send`` is intercepted and answered with an error) shows "Retry", and the retry
  delivers the message once.
"""

import json
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tutoring import testing as tutoring_testing

# The marketplace's factories, as fixtures of this module.
make_listing = tutoring_testing.make_listing
make_gig = tutoring_testing.make_gig

pytestmark = pytest.mark.e2e

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> dict[str, int]:
    return VIEWPORTS[request.param]


def open_as(browser, base_url: str, user, viewport: dict[str, int]):  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.set_default_navigation_timeout(45_000)  # first loads are slow on a busy machine
    return page


def people(role_user):  # type: ignore[no-untyped-def]
    from accounts.roles import Role

    sam = role_user(Role.STUDENT, email="sam@example.com", first_name="Sam", last_name="Student")
    lena = role_user(Role.STUDENT, email="lena@example.com", first_name="Lena", last_name="Learner")
    return sam, lena


def no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"


def test_learner_joins_the_classroom_then_reviews_and_tips(
    stripe, media_browser, asgi_live_server, role_user, make_listing, make_gig, screenshot, viewport
) -> None:
    from django.utils import timezone

    from tutoring.models import Booking, BookingStatus, Gift, Review
    from tutoring.services import bookings as booking_services
    from tutoring.services import sessions as session_services

    sam, _ = people(role_user)
    listing = make_listing()
    gig = make_gig(listing, title="Spanish conversation")
    start = (timezone.now() + timedelta(minutes=5)).replace(second=0, microsecond=0)
    held = booking_services.hold_booking(
        learner=sam, gig=gig, start=start, minutes=60, check_availability=False
    )
    booking = booking_services.confirm_payment(held.pk, payment_reference="paid earlier")
    session_services.open_meeting(booking)
    booking.refresh_from_db()

    # Lesson time: the teacher opens the classroom from the booking page.
    teacher = open_as(media_browser, asgi_live_server, listing.user, viewport)
    teacher.goto(f"{asgi_live_server}/tutoring/bookings/{booking.pk}/")
    teacher.get_by_role("link", name="Join classroom").click()
    expect(teacher.locator("#room-status")).to_contain_text("In the room as teacher")

    # The learner's dashboard offers it too.
    learner = open_as(media_browser, asgi_live_server, sam, viewport)
    learner.goto(asgi_live_server + "/tutoring/dashboard/")
    now = learner.get_by_test_id("happening-now")
    expect(now).to_contain_text("Spanish conversation")
    no_sideways_scroll(learner)
    screenshot("dashboard-join", page=learner)
    now.get_by_role("link", name="Join classroom").click()
    expect(learner).to_have_url(f"{asgi_live_server}/rooms/{booking.room_id}/")
    expect(learner.locator("#room-status")).to_contain_text("Waiting for the teacher")

    teacher.get_by_role("button", name="Let Sam Student in").click()
    expect(learner.locator("#room-status")).to_contain_text("In the room as learner")
    screenshot("classroom", page=learner)
    teacher.context.close()

    # The lesson is over and waits for the learner's confirmation.
    past = timezone.now() - timedelta(hours=2)
    Booking.objects.filter(pk=booking.pk).update(
        status=BookingStatus.AWAITING_CONFIRMATION,
        start=past,
        end=past + timedelta(hours=1),
        blocked_start=past,
        blocked_end=past + timedelta(hours=1),
    )
    learner.goto(f"{asgi_live_server}/tutoring/bookings/{booking.pk}/")
    expect(learner.get_by_role("link", name="Join classroom")).to_have_count(0)
    learner.get_by_role("button", name="Confirm the lesson took place").click()
    expect(learner.get_by_test_id("booking-status")).to_have_text("Completed")

    review = learner.get_by_role("form", name="Review this lesson")
    review.get_by_label("5 stars").check()
    review.get_by_label("What was it like?").fill("Tomás made me talk the whole hour.")
    no_sideways_scroll(learner)
    screenshot("review-and-tip", page=learner)
    review.get_by_role("button", name="Publish review").click()
    expect(learner.get_by_test_id("my-review")).to_contain_text("Tomás made me talk")
    saved = Review.objects.get(booking=booking)
    assert (saved.rating, saved.text) == (5, "Tomás made me talk the whole hour.")

    # A tip, paid through the same checkout as every other purchase.
    stripe.route(learner)
    tip = learner.get_by_role("form", name="Tip")
    tip.get_by_label("Amount (EUR)").fill("7.50")
    tip.get_by_label("Message (optional)").fill("¡Gracias!")
    tip.get_by_label("Pay with").select_option("stripe")
    tip.get_by_role("button", name="Send tip").click()
    expect(learner.get_by_role("heading", name="Checkout")).to_be_visible()
    expect(learner.get_by_test_id("checkout-amount")).to_have_text("7.50 EUR")
    screenshot("tip-checkout", page=learner)
    learner.get_by_role("button", name="Pay 7.50 EUR").click()
    learner.wait_for_url("**/payments/**")
    stripe.send_payment_succeeded(asgi_live_server)
    gift = Gift.objects.get(booking=booking)
    assert gift.amount == 7.5 and gift.message == "¡Gracias!" and gift.paid_at is not None
    learner.context.close()


def test_bell_menu_and_notifications_page(
    browser, asgi_live_server, role_user, screenshot, viewport
) -> None:
    from notifications.models import Notification
    from notifications.services import notify

    sam, _ = people(role_user)
    notify(sam, "system", "Your lesson is confirmed", url="/tutoring/dashboard/")
    notify(sam, "system", "Lena sent you a message", url="/chat/")
    notify(sam, "system", "Welcome to Toto")

    page = open_as(browser, asgi_live_server, sam, viewport)
    page.goto(asgi_live_server + "/tutoring/dashboard/")
    bell = page.locator("[data-notification-bell]")
    expect(bell.locator(".bell-count")).to_have_text("3")
    bell.click()
    menu = page.get_by_role("region", name="Latest notifications")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link")).to_have_count(4)  # three and "See all notifications"
    expect(menu).to_contain_text("3 unread")
    expect(bell).to_have_attribute("aria-expanded", "true")
    no_sideways_scroll(page)
    screenshot("bell-menu", page=page)
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()

    # A live one arrives while the page is open.
    notify(sam, "system", "Your class starts in 10 minutes")
    expect(bell.locator(".bell-count")).to_have_text("4")

    bell.click()
    menu.get_by_role("link", name="See all notifications").click()
    expect(page).to_have_url(asgi_live_server + "/notifications/")
    expect(page.get_by_test_id("unread-summary")).to_have_text("4 unread")
    no_sideways_scroll(page)
    screenshot("notifications-page", page=page)
    welcome = page.locator("li.notification", has_text="Welcome to Toto")
    welcome.get_by_role("button", name="Mark read").click()
    expect(page.get_by_test_id("unread-summary")).to_have_text("3 unread")
    expect(bell.locator(".bell-count")).to_have_text("3")

    # Following one reads it and goes to what it is about.
    page.get_by_role("link", name="Your lesson is confirmed").click()
    expect(page).to_have_url(asgi_live_server + "/tutoring/dashboard/")
    assert Notification.objects.get(title="Your lesson is confirmed").read_at is not None

    page.goto(asgi_live_server + "/notifications/")
    page.get_by_role("button", name="Mark all as read").first.click()
    expect(page.get_by_test_id("unread-summary")).to_have_text("0 unread")
    expect(bell.locator(".bell-count")).to_be_hidden()
    assert not Notification.objects.filter(recipient=sam, read_at__isnull=True).exists()
    screenshot("notifications-read", page=page)
    page.context.close()


def test_find_a_person_by_name_chat_and_retry_a_failed_send(
    browser, asgi_live_server, role_user, screenshot, viewport
) -> None:
    from messaging.models import Message

    sam, lena = people(role_user)
    page = open_as(browser, asgi_live_server, sam, viewport)

    # The server-side path fails once: the first message.send never reaches the server and
    # the page gets the error the consumer sends when storing a message fails.
    failed_once: list[str] = []

    def chat_socket(route) -> None:  # type: ignore[no-untyped-def]
        server = route.connect_to_server()

        def from_page(frame: str) -> None:
            data = json.loads(frame)
            if data.get("type") == "message.send" and not failed_once:
                failed_once.append(data["client_id"])
                error = {
                    "type": "error",
                    "code": "unavailable",
                    "message": "The server could not store the message.",
                    "client_id": data["client_id"],
                }
                route.send(json.dumps(error))
                return
            server.send(frame)

        route.on_message(from_page)

    page.route_web_socket("**/ws/chat/", chat_socket)
    page.goto(asgi_live_server + "/chat/")
    expect(page.locator("#connection-status")).to_have_text("Online")
    page.get_by_label("Find people by name").fill("lena")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Message Lena Learner").click()
    expect(page.locator("#conversation-title")).to_have_text("Lena Learner")

    page.get_by_role("textbox", name="Message").fill("¿Practicamos mañana?")
    page.get_by_role("textbox", name="Message").press("Enter")
    failed = page.locator("#messages li.failed")
    expect(failed).to_contain_text("Not sent: The server could not store the message.")
    assert not Message.objects.exists()
    no_sideways_scroll(page)
    screenshot("chat-send-failed", page=page)

    failed.get_by_role("button", name="Retry").click()
    # Stored and echoed back by the server (a stored message carries its sequence number).
    expect(page.locator("#messages li.mine[data-seq]")).to_have_text(["¿Practicamos mañana?"])
    expect(page.locator("#messages li.mine")).to_have_count(1)
    stored = Message.objects.get()
    assert str(stored.client_id) == failed_once[0]  # the same idempotency key
    screenshot("chat-retried", page=page)

    # Lena sees it once.
    other = open_as(browser, asgi_live_server, lena, viewport)
    other.goto(asgi_live_server + "/chat/")
    other.get_by_role("button", name="Sam Student").click()
    expect(other.locator("#messages li.theirs")).to_have_text(["¿Practicamos mañana?"])
    assert Message.objects.count() == 1
    other.context.close()
    page.context.close()


def test_message_button_on_a_teacher_page_opens_the_chat(
    browser, asgi_live_server, role_user, make_listing, viewport
) -> None:
    sam, _ = people(role_user)
    listing = make_listing()
    page = open_as(browser, asgi_live_server, sam, viewport)
    page.goto(f"{asgi_live_server}/tutoring/teachers/{listing.pk}/")
    page.get_by_role("button", name="Message").click()
    expect(page.locator("#conversation-title")).to_have_text(listing.user.get_full_name())
    expect(page.get_by_role("textbox", name="Message")).to_be_visible()
    page.context.close()


def test_two_learners_find_each_other_for_a_practice_call(
    media_browser, asgi_live_server, role_user, screenshot, viewport
) -> None:
    sam, lena = people(role_user)
    pages = [open_as(media_browser, asgi_live_server, user, viewport) for user in (sam, lena)]
    for page in pages:
        page.goto(asgi_live_server + "/rooms/")
        page.get_by_role("link", name="Find a practice partner").click()
        form = page.locator("#practice-form")
        form.get_by_label("Language").select_option("es")
        form.get_by_label("Level").select_option("A2")
    pages[0].get_by_role("button", name="Find a partner").click()
    expect(pages[0].get_by_role("status")).to_have_text("Looking for a partner…")
    no_sideways_scroll(pages[0])
    screenshot("practice-waiting", page=pages[0])
    pages[1].get_by_role("button", name="Find a partner").click()
    for page in pages:
        page.wait_for_url("**/calls/*/")
    assert pages[0].url == pages[1].url
    # No black stage: the participant list names both and shows who speaks (Chromium's fake
    # microphone beeps).
    listed = pages[1].get_by_role("list", name="People in the room").get_by_role("listitem")
    expect(listed).to_have_count(2, timeout=20_000)
    expect(listed.filter(has_text="Lena Learner (you)")).to_have_count(1)
    expect(listed.filter(has_text="Sam Student")).to_have_count(1)
    expect(pages[1].locator('#people li[data-speaking="true"]').first).to_be_visible(timeout=20_000)
    no_sideways_scroll(pages[1])
    screenshot("practice-call", page=pages[1])
    for page in pages:
        page.context.close()
