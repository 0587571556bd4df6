"""The demo student walks the social safety pages and shares their progress; the demo
teacher then reads it. In a real browser, desktop and 390x844, axe and no sideways scroll on
every page, screenshots. The journey runs at desktop size, then every page it visited is
checked again at 390x844 (the demo data loads once):

- shares a teacher's moment into their chat with the teacher, then reports it;
- on "Reports and decisions" sees their report waiting and appeals a warning a moderator
  gave them (once: the form is gone afterwards);
- from /progress/ lets the teacher they booked see their progress;
- the teacher opens "Your students' progress" and the student's own report page."""

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def open_as(signed_in_page: Any, browser: Any, live_server: Any, user: Any, size: Any) -> Any:
    page = signed_in_page(browser, live_server.url, user)
    page.set_viewport_size(size)
    return page


def check(page: Any, axe: Any, no_sideways_scroll: Any, screenshot: Any, label: str) -> None:
    no_sideways_scroll(page)
    axe(page)
    screenshot(label, page=page)


@pytest.mark.timeout(900)  # the demo data loads once for both sizes; the machine is shared
def test_share_report_appeal_and_progress_sharing(
    browser: Any,
    live_server: Any,
    demo_site: None,
    signed_in_page: Any,
    axe: Any,
    no_sideways_scroll: Any,
    screenshot: Any,
) -> None:
    from accounts.models import User
    from messaging.models import Message
    from social import services
    from social.models import ModerationAction, Moment, Report

    student = User.objects.get(email="student@toto.localhost")
    teacher = User.objects.get(email="teacher@toto.localhost")
    moderator = User.objects.get(email="admin@toto.localhost")
    # A moderator warned the student about one of their moments (reported by the teacher).
    own = Moment.objects.filter(author=student).order_by("pk").first()
    assert own is not None
    reported = services.report(
        teacher, target="moment", target_id=own.pk, category="spam", details="Repeated post"
    )
    services.decide_report(
        reported, moderator=moderator, kind=ModerationAction.Kind.WARN, reason="Please vary posts"
    )
    theirs = Moment.objects.filter(author=teacher, language="es").order_by("pk").first()
    assert theirs is not None

    page = open_as(signed_in_page, browser, live_server, student, DESKTOP)
    page.goto(f"{live_server.url}/social/moments/{theirs.pk}/")
    share = page.get_by_test_id("share")
    share.locator("summary").click()
    share.get_by_label("Add a note (optional)").fill("Mira este consejo")
    share.get_by_role("button", name="Share").click()
    expect(page.get_by_text("The moment was shared in the chat.")).to_be_visible()
    shared = Message.objects.filter(sender=student, client_id__startswith="share-").get()
    assert shared.conversation.participants.filter(user=teacher).exists()
    report = page.get_by_test_id("report-moment")
    report.locator("summary").click()
    report.get_by_label("What is wrong?").select_option("misinformation")
    report.get_by_label("Anything a moderator should know (optional)").fill("Not true for B1")
    check(page, axe, no_sideways_scroll, screenshot, "report-form")
    report.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("A moderator will look at it")).to_be_visible()
    assert Report.objects.filter(reporter=student, moment=theirs, status="open").exists()

    page.goto(f"{live_server.url}/social/appeals/")
    expect(page.get_by_test_id("my-report").first).to_contain_text("Waiting for a moderator")
    decision = page.get_by_test_id("decision").first
    expect(decision).to_contain_text("Please vary posts")
    decision.get_by_label("Why should the decision change?").fill("Each post was different.")
    decision.get_by_role("button", name="Appeal").click()
    expect(page.get_by_text("Your appeal was sent to the moderators.")).to_be_visible()
    expect(
        page.get_by_test_id("decision").first.get_by_role("button", name="Appeal")
    ).to_have_count(0)
    check(page, axe, no_sideways_scroll, screenshot, "appeals")

    page.goto(f"{live_server.url}/progress/")
    page.get_by_role("link", name="Share with your teachers").click()
    expect(page.get_by_role("heading", name="Share your progress")).to_be_visible()
    page.get_by_role("button", name="Share with Tomás").click()
    expect(page.get_by_text("This teacher now sees your progress.")).to_be_visible()
    expect(page.get_by_role("button", name="Stop sharing with Tomás")).to_be_visible()
    check(page, axe, no_sideways_scroll, screenshot, "sharing")

    teaching = open_as(signed_in_page, browser, live_server, teacher, DESKTOP)
    teaching.goto(f"{live_server.url}/progress/")
    teaching.get_by_role("link", name="Your students' progress").click()
    table = teaching.get_by_test_id("students-progress")
    expect(table).to_contain_text("Sam Student")
    check(teaching, axe, no_sideways_scroll, screenshot, "students")
    table.get_by_role("link", name="Sam Student").click()
    expect(teaching.get_by_role("heading", name="Sam Student's progress")).to_be_visible()
    teaching.wait_for_function(
        "() => window.Chart && Object.keys(window.Chart.instances).length === 3"
    )
    check(teaching, axe, no_sideways_scroll, screenshot, "student")

    page.get_by_role("button", name="Stop sharing with Tomás").click()
    expect(page.get_by_role("button", name="Share with Tomás")).to_be_visible()
    response = teaching.goto(f"{live_server.url}/progress/students/{student.pk}/")
    assert response is not None and response.status == 404

    # The same pages on a phone.
    phone = open_as(signed_in_page, browser, live_server, student, PHONE)
    phone.goto(f"{live_server.url}/social/moments/{theirs.pk}/")
    phone.get_by_test_id("share").locator("summary").click()
    phone.get_by_test_id("report-moment").locator("summary").click()
    check(phone, axe, no_sideways_scroll, screenshot, "phone-share-and-report")
    phone.goto(f"{live_server.url}/social/appeals/")
    expect(phone.get_by_test_id("decision").first).to_contain_text("Open")
    check(phone, axe, no_sideways_scroll, screenshot, "phone-appeals")
    phone.goto(f"{live_server.url}/progress/sharing/")
    phone.get_by_role("button", name="Share with Tomás").click()
    expect(phone.get_by_role("button", name="Stop sharing with Tomás")).to_be_visible()
    check(phone, axe, no_sideways_scroll, screenshot, "phone-sharing")
    teaching = open_as(signed_in_page, browser, live_server, teacher, PHONE)
    teaching.goto(f"{live_server.url}/progress/students/")
    check(teaching, axe, no_sideways_scroll, screenshot, "phone-students")
    teaching.get_by_role("link", name="Sam Student").click()
    teaching.wait_for_function(
        "() => window.Chart && Object.keys(window.Chart.instances).length === 3"
    )
    check(teaching, axe, no_sideways_scroll, screenshot, "phone-student")
