"""Issue #13's "Done when", walked as one learner from sign-up to notifications, in a real
browser over daphne (HTTP and WebSockets), at desktop size (1280x900) and phone size (390x844):

sign up → confirm the emailed code → take a lesson in the player (answer an exercise) → buy
credits with the demo card on the wallet → find a teacher → book a slot and pay it with the
demo card → at lesson time join the classroom (the teacher lets the learner in from their
own page) → after the lesson confirm it, review it with stars, tip with the demo card → chat
with the teacher (the teacher's page shows the message) → the bell shows the notifications
and the notifications page marks them read.

Every page on the way is checked for a raw JSON answer or a traceback, and at phone size for
sideways scrolling; each step is screenshotted. Nothing is mocked: no Stripe keys, so the
website pays with this server's own demo provider, as after a fresh `make run`.

Also two shorter walks, desktop only: voice rooms found by topic, and a subscription paid
with the demo card, then cancelled.
"""

import re
import time
from collections.abc import Iterator
from datetime import time as clock
from datetime import timedelta

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.testing import code_in
from credits import testing as credits_testing

# make_listing and make_gig come from tests/e2e/conftest.py; the plan fixture from credits.
premium_plan = credits_testing.premium_plan

pytestmark = pytest.mark.e2e

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
FAKE_MEDIA = [
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]
ALL_DAY = [(day, clock(0), clock(23, 59)) for day in range(7)]


@pytest.fixture
def demo_payments_only(settings):  # type: ignore[no-untyped-def]
    """A fresh `make run`'s situation: the demo provider on, Stripe not configured."""
    settings.PAYMENTS_DEMO_ENABLED = True
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""


@pytest.fixture
def server(demo_payments_only, demo_site, asgi_live_server) -> str:  # type: ignore[no-untyped-def]
    """daphne, forked after the settings above and the demo data (lessons, credit packages,
    plans) are in place, so the server process sees both."""
    return asgi_live_server


@pytest.fixture
def media_browser(playwright, browser_type_launch_args: dict) -> Iterator:  # type: ignore[no-untyped-def]
    """A Chromium with a fake camera and microphone that grants them without asking."""
    args = {**browser_type_launch_args}
    args["args"] = [*args.get("args", []), *FAKE_MEDIA]
    browser = playwright.chromium.launch(**args)
    yield browser
    browser.close()


def new_page(browser, viewport: dict[str, int]):  # type: ignore[no-untyped-def]
    page = browser.new_context(viewport=viewport).new_page()
    page.set_default_timeout(15_000)
    page.set_default_navigation_timeout(45_000)  # first loads are slow on a busy machine
    return page


def open_as(browser, base_url: str, user, viewport: dict[str, int]):  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client()
    client.force_login(user)
    page = new_page(browser, viewport)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    return page


def wait_for_mail(to: str, timeout: float = 30) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mail.outbox:
            if to in message.to:
                return message
        time.sleep(0.1)
    raise AssertionError(f"no email to {to}")


def check_page(page, viewport: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    """A web page, not a raw JSON answer nor an error page with a traceback; at phone size
    without sideways scrolling."""
    page.wait_for_load_state("domcontentloaded")
    kind = page.evaluate("document.contentType")
    assert kind == "text/html", f"{page.url} answered {kind}"
    text = page.locator("body").inner_text()
    stripped = text.strip()
    assert not stripped.startswith(("{", "[")), f"{page.url} shows raw JSON: {stripped[:200]}"
    for sign in ("Traceback", "Server Error (500)", "Internal Server Error"):
        assert sign not in text, f"{page.url} shows {sign!r}: {stripped[:300]}"
    if viewport["width"] < 500:
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px"


def fill_card(page, number: str = "4242 4242 4242 4242") -> None:  # type: ignore[no-untyped-def]
    demo = page.get_by_test_id("demo-pay")
    expect(demo.get_by_role("heading", name="Demo payment — no real money")).to_be_visible()
    demo.get_by_role("textbox", name="Card number", exact=True).fill(number)
    demo.get_by_role("textbox", name="Expiry (MM/YY)", exact=True).fill("12/40")
    demo.get_by_role("textbox", name="CVC", exact=True).fill("123")


@pytest.mark.timeout(900)  # one long journey over daphne; the machine is shared
@pytest.mark.parametrize("size", sorted(VIEWPORTS))
def test_a_learner_walks_the_whole_journey(  # type: ignore[no-untyped-def]
    server, celery_worker, media_browser, role_user, make_listing, make_gig, screenshot, size
) -> None:
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role
    from credits.models import AccountKind
    from credits.services import user_account
    from messaging.models import Message
    from notifications.models import Notification
    from payments.models import Payment
    from tutoring.models import (
        AvailabilityException,
        Booking,
        BookingStatus,
        ExceptionKind,
        Gift,
        Review,
    )

    viewport = VIEWPORTS[size]
    url = server
    mail.outbox = []

    # A verified teacher with hours all day, and extra hours around now: a slot is free soon
    # (their slots start every 5 minutes; the classroom opens 10 minutes before a lesson).
    ana = role_user(Role.TEACHER, email="ana@example.com", first_name="Ana", last_name="Ruiz")
    listing = make_listing(ana, hours=ALL_DAY, slot_step_minutes=5)
    now = timezone.now().replace(second=0, microsecond=0)
    AvailabilityException.objects.create(
        listing=listing,
        kind=ExceptionKind.EXTRA,
        start=now - timedelta(hours=1),
        end=now + timedelta(hours=3),
    )
    make_gig(listing, title="Spanish conversation", durations={30: "12.00"}, currency="EUR")

    page = new_page(media_browser, viewport)

    def shot(label: str, on=None) -> None:  # type: ignore[no-untyped-def]
        check_page(on or page, viewport)
        screenshot(label, page=on or page)

    # 1. Sign up as a learner, then the code from the email.
    page.goto(url + "/")
    page.goto(url + "/accounts/signup/")
    page.get_by_label("Full name").fill("Lucía Learner")
    page.get_by_label("Email").fill("lucia@example.com")
    page.locator("#id_password1").fill("Gr33n-tea-at-noon")
    page.get_by_label("Learn", exact=True).check()
    shot("01-signup")
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/"))
    code = code_in(wait_for_mail("lucia@example.com"))
    shot("02-code")
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".verify-banner")).to_have_count(0)
    lucia = User.objects.get(email="lucia@example.com")
    assert EmailAddress.objects.get(user=lucia).verified
    shot("03-verified")

    # 2. A lesson in the player: one exercise answered, the lesson finished.
    page.goto(url + "/learn/")
    shot("04-learn")
    page.get_by_role("link", name="Hello and goodbye").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello and goodbye")
    # The player's script wires the answer forms when it has loaded (slower on a phone).
    expect(page.locator("article.lesson[data-ready=true]")).to_be_attached()
    choice = page.locator("section[data-exercise-type=multiple_choice]")
    choice.get_by_label("Hi", exact=True).check()
    choice.get_by_role("button", name="Check").click()
    expect(choice.locator(".exercise-result")).to_contain_text("Correct!")
    shot("05-lesson-exercise")

    # 3. Credits bought with the demo card.
    page.goto(url + "/wallet/")
    before = user_account(lucia, AccountKind.WALLET).balance
    starter = page.get_by_role("form", name="Starter")
    expect(starter.get_by_label("Pay with")).to_have_value("demo")
    shot("06-wallet")
    starter.get_by_role("button", name="Buy Starter").click()
    fill_card(page)
    shot("07-credits-card")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r"/wallet/$"))
    expect(page.get_by_text("Payment received: Starter: 100 credits")).to_be_visible()
    assert user_account(lucia, AccountKind.WALLET).balance == before + 100
    shot("08-credits-bought")

    # 4. A teacher found in the directory; the first free slot booked and paid with the card.
    page.goto(url + "/tutoring/")
    shot("09-teachers")
    page.get_by_role("link", name="Ana Ruiz").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ana Ruiz")
    shot("10-teacher")
    page.locator("button.slot").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pay for your lesson")
    fill_card(page)
    shot("11-lesson-card")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    booking = Booking.objects.get(learner=lucia)
    page.wait_for_url(re.compile(rf"/tutoring/bookings/{booking.pk}/$"))
    expect(page.get_by_text("Payment received: Lesson: Spanish conversation")).to_be_visible()
    expect(page.get_by_test_id("booking-status")).to_have_text("Confirmed")
    payment = Payment.objects.get(purpose="tutoring_booking", item__booking=str(booking.pk))
    assert (payment.provider, payment.status) == ("demo", "succeeded")
    shot("12-lesson-booked")

    # 5. Lesson time: the dashboard offers the classroom (opened by the confirmation task);
    # the teacher, on their own page, lets the learner in.
    page.goto(url + "/tutoring/dashboard/")
    happening = page.get_by_test_id("happening-now")
    expect(happening).to_contain_text("Spanish conversation", timeout=30_000)
    shot("13-dashboard-join")
    teacher = open_as(media_browser, url, ana, viewport)
    teacher.goto(f"{url}/tutoring/bookings/{booking.pk}/")
    teacher.get_by_role("link", name="Join classroom").click()
    expect(teacher.locator("#room-status")).to_contain_text("In the room as teacher")
    happening.get_by_role("link", name="Join classroom").click()
    booking.refresh_from_db()
    expect(page).to_have_url(f"{url}/rooms/{booking.room_id}/")
    expect(page.locator("#room-status")).to_contain_text("Waiting for the teacher")
    teacher.get_by_role("button", name="Let Lucía Learner in").click()
    expect(page.locator("#room-status")).to_contain_text("In the room as learner")
    shot("14-classroom")
    shot("14-classroom-teacher", on=teacher)
    teacher.goto(url + "/tutoring/teach/")  # the teacher leaves the classroom

    # 6. After the lesson (its times moved into the past, as the clock would): confirmed,
    # reviewed with stars, tipped with the demo card.
    past = timezone.now() - timedelta(hours=2)
    Booking.objects.filter(pk=booking.pk).update(
        status=BookingStatus.AWAITING_CONFIRMATION,
        start=past,
        end=past + timedelta(minutes=30),
        blocked_start=past,
        blocked_end=past + timedelta(minutes=30),
    )
    page.goto(f"{url}/tutoring/bookings/{booking.pk}/")
    expect(page.get_by_role("link", name="Join classroom")).to_have_count(0)
    page.get_by_role("button", name="Confirm the lesson took place").click()
    expect(page.get_by_test_id("booking-status")).to_have_text("Completed")
    review = page.get_by_role("form", name="Review this lesson")
    review.get_by_label("5 stars").check()
    review.get_by_label("What was it like?").fill("Ana made me talk the whole time.")
    shot("15-review")
    review.get_by_role("button", name="Publish review").click()
    expect(page.get_by_test_id("my-review")).to_contain_text("Ana made me talk")
    assert Review.objects.get(booking=booking).rating == 5

    tip = page.get_by_role("form", name="Tip")
    tip.get_by_label("Amount (EUR)").fill("5")
    tip.get_by_label("Message (optional)").fill("¡Gracias!")
    expect(tip.get_by_label("Pay with")).to_have_value("demo")
    tip.get_by_role("button", name="Send tip").click()
    fill_card(page)
    shot("16-tip-card")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    # Paid, back on the lesson the tip thanks for.
    page.wait_for_url(re.compile(rf"/tutoring/bookings/{booking.pk}/$"))
    expect(page.get_by_text(re.compile(r"Payment received: .*5\.00 EUR"))).to_be_visible()
    gift = Gift.objects.get(booking=booking)
    assert gift.amount == 5 and gift.message == "¡Gracias!" and gift.paid_at is not None
    shot("17-tipped")

    # 7. A message to the teacher from the lesson's page; the teacher's chat shows it.
    page.goto(f"{url}/tutoring/bookings/{booking.pk}/")
    page.get_by_role("button", name="Message").click()
    expect(page.locator("#conversation-title")).to_have_text("Ana Ruiz")
    expect(page.locator("#connection-status")).to_have_text("Online")
    box = page.get_by_role("textbox", name="Message")
    box.fill("¡Hasta la próxima, Ana!")
    box.press("Enter")
    expect(page.locator("#messages li.mine[data-seq]")).to_have_text(["¡Hasta la próxima, Ana!"])
    shot("18-chat")
    teacher.goto(url + "/chat/")
    teacher.get_by_role("button", name="Lucía Learner").click()
    expect(teacher.locator("#messages li.theirs")).to_have_text(["¡Hasta la próxima, Ana!"])
    assert Message.objects.filter(sender=lucia).count() == 1
    shot("19-chat-teacher", on=teacher)
    teacher.context.close()

    # 8. The bell counts the learner's notifications (the lesson's confirmation among them);
    # the notifications page marks them read.
    unread = Notification.objects.filter(recipient=lucia, read_at__isnull=True).count()
    assert unread >= 1
    page.goto(url + "/tutoring/dashboard/")
    bell = page.locator("[data-notification-bell]")
    expect(bell.locator(".bell-count")).to_have_text(str(unread))
    bell.click()
    menu = page.get_by_role("region", name="Latest notifications")
    expect(menu).to_contain_text(f"{unread} unread")
    expect(menu).to_contain_text("Your lesson is confirmed")
    box = menu.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (
        f"the bell's menu sticks out of the screen: {box}"
    )
    shot("20-bell")
    menu.get_by_role("link", name="See all notifications").click()
    expect(page).to_have_url(url + "/notifications/")
    expect(page.get_by_test_id("unread-summary")).to_have_text(f"{unread} unread")
    shot("21-notifications")
    confirmed = page.locator("li.notification", has_text="Your lesson is confirmed")
    confirmed.get_by_role("button", name="Mark read").click()
    expect(page.get_by_test_id("unread-summary")).to_have_text(f"{unread - 1} unread")
    if unread > 1:
        page.get_by_role("button", name="Mark all as read").first.click()
    expect(page.get_by_test_id("unread-summary")).to_have_text("0 unread")
    expect(bell.locator(".bell-count")).to_be_hidden()
    assert not Notification.objects.filter(recipient=lucia, read_at__isnull=True).exists()
    shot("22-notifications-read")
    page.context.close()


def test_learners_meet_in_a_voice_room_found_by_topic(  # type: ignore[no-untyped-def]
    media_browser, asgi_live_server, role_user, screenshot
) -> None:
    from accounts.roles import Role
    from rooms.models import Room

    viewport = VIEWPORTS["desktop"]
    url = asgi_live_server
    sam = role_user(Role.STUDENT, email="sam@example.com", first_name="Sam", last_name="Student")
    lena = role_user(Role.STUDENT, email="lena@example.com", first_name="Lena", last_name="Learner")

    # Sam opens the rooms page from the website's navigation and opens a room on a topic.
    host = open_as(media_browser, url, sam, viewport)
    host.goto(url + "/learn/")
    host.get_by_role("navigation", name="Main").get_by_role("link", name="Voice rooms").click()
    expect(host.get_by_role("heading", level=1)).to_have_text("Voice rooms")
    form = host.locator("#new-room")
    form.get_by_label("Topic").fill("Travel in Mexico")
    form.get_by_label("Language").select_option("es")
    check_page(host, viewport)
    screenshot("rooms-open", page=host)
    form.get_by_role("button", name="Open a room").click()
    expect(host).to_have_url(re.compile(r"/rooms/[0-9a-f-]{36}/$"))
    room = Room.objects.get(topic="Travel in Mexico")
    assert host.url == f"{url}/rooms/{room.pk}/"

    # Lena, on her own page, finds it by its topic and joins.
    guest = open_as(media_browser, url, lena, viewport)
    guest.goto(url + "/learn/")
    guest.get_by_role("navigation", name="Main").get_by_role("link", name="Voice rooms").click()
    search = guest.get_by_role("search", name="Find rooms by topic")
    search.get_by_label("Topic").fill("mexico")
    search.get_by_role("button", name="Find rooms").click()
    rooms = guest.get_by_role("list", name="Open rooms")
    expect(rooms.get_by_role("link")).to_have_text(["Travel in Mexico"])
    check_page(guest, viewport)
    screenshot("rooms-found", page=guest)
    rooms.get_by_role("link", name="Travel in Mexico").click()
    expect(guest).to_have_url(f"{url}/rooms/{room.pk}/")

    # Both see who is in the room (no black stage).
    for page, me, other in (
        (guest, "Lena Learner", "Sam Student"),
        (host, "Sam Student", "Lena Learner"),
    ):
        listed = page.get_by_role("list", name="People in the room").get_by_role("listitem")
        expect(listed).to_have_count(2, timeout=20_000)
        expect(listed.filter(has_text=f"{me} (you)")).to_have_count(1)
        expect(listed.filter(has_text=other)).to_have_count(1)
    check_page(guest, viewport)
    screenshot("rooms-together", page=guest)
    screenshot("rooms-together-host", page=host)
    guest.context.close()
    host.context.close()


def test_a_learner_subscribes_with_the_demo_card_then_cancels(  # type: ignore[no-untyped-def]
    demo_payments_only, browser, live_server, role_user, premium_plan, screenshot, tmp_path
) -> None:
    from accounts.roles import Role
    from credits.models import Subscription, SubscriptionStatus

    viewport = VIEWPORTS["desktop"]
    url = live_server.url
    sam = role_user(Role.STUDENT, email="sam@example.com", first_name="Sam", last_name="Student")
    page = open_as(browser, url, sam, viewport)

    page.goto(url + "/wallet/")
    plan = page.get_by_role("form", name="Premium")
    expect(plan.get_by_label("Pay with")).to_have_value("demo")
    check_page(page, viewport)
    screenshot("subscribe", page=page)
    plan.get_by_role("button", name="Subscribe to Premium").click()
    expect(page.get_by_test_id("checkout-amount")).to_have_text("9.99 USD")
    fill_card(page)
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r"/wallet/$"))
    expect(page.get_by_text("Payment received: ")).to_be_visible()
    subscription = Subscription.objects.get(user=sam)
    assert (subscription.status, subscription.provider) == (SubscriptionStatus.ACTIVE, "demo")
    balances = page.locator(".wallet-balances")
    expect(balances).to_contain_text("Premium")
    expect(balances).to_contain_text("renews")
    check_page(page, viewport)
    screenshot("subscribed", page=page)

    # The invoice of the plan's payment.
    page.get_by_role("link", name="Payments and invoices").click()
    row = page.get_by_role("row").filter(has_text="Succeeded").first
    expect(row).to_contain_text("9.99 USD")
    check_page(page, viewport)
    screenshot("invoice", page=page)
    with page.expect_download() as download_info:
        row.get_by_role("link", name=re.compile("Invoice")).click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    # Cancelled from the wallet: it stays until the paid period ends, then is not renewed.
    page.get_by_role("link", name="Back to your wallet").click()
    page.get_by_role("button", name="Cancel Premium").click()
    expect(page.get_by_text("Your subscription is cancelled")).to_be_visible()
    expect(balances).to_contain_text("ends")
    expect(page.get_by_role("button", name="Cancel Premium")).to_have_count(0)
    subscription.refresh_from_db()
    assert subscription.cancel_at_period_end
    check_page(page, viewport)
    screenshot("cancelled", page=page)
    page.context.close()
