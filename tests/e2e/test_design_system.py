"""The design system in a real browser: the living style guide, and a sweep over every page a
learner and a teacher use, at phone sizes, each checked with axe-core (no serious or critical
WCAG 2.1 AA violation), for sideways scrolling, and screenshotted."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# The sizes every learner and teacher page is checked at: a small phone and a common one.
PHONE_SIZES = [{"width": 360, "height": 640}, {"width": 390, "height": 844}]

SIZE_IDS = [f"{size['width']}x{size['height']}" for size in PHONE_SIZES]


def _visit(page, url: str, label: str, axe, no_sideways_scroll, screenshot) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url} answered {response}"
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    screenshot(label, page=page)
    no_sideways_scroll(page)
    axe(page)


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 900}, {"width": 360, "height": 640}],
    ids=["desktop", "360x640"],
)
def test_the_style_guide_shows_every_component_accessibly(
    page, live_server, viewport, axe, no_sideways_scroll, screenshot
) -> None:
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/style-guide/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Style guide")
    for section in ["Colours", "Buttons", "Cards", "Forms", "Tabs", "Dialogs", "Toasts"]:
        expect(page.get_by_role("heading", level=2, name=section)).to_be_visible()

    # The components are styled by the built stylesheet, not the browser's defaults.
    primary = page.get_by_role("button", name="Primary")
    assert primary.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(11, 110, 79)"
    assert primary.bounding_box()["height"] >= 44
    # Icons come from the local sprite.
    assert (
        page.locator("svg.icon use")
        .first.get_attribute("href")
        .startswith("/static/dist/icons.svg#")
    )

    # Tabs: arrow keys move between them (Alpine), and the panel follows.
    page.get_by_role("tab", name="Upcoming").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Past")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel")).to_have_text("Last week · Ser or estar?")

    # The dialog opens, is modal, and Escape closes it.
    page.get_by_role("button", name="Cancel booking…").click()
    dialog = page.get_by_role("dialog", name="Cancel this booking?")
    expect(dialog).to_be_visible()
    screenshot("dialog")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    no_sideways_scroll(page)
    axe(page)
    screenshot("style-guide")


def test_the_phone_layout_has_a_bottom_bar_and_the_desktop_a_full_menu(
    page, live_server, demo_site, signed_in_page, browser, screenshot, no_sideways_scroll
) -> None:
    from accounts.models import User

    teacher = signed_in_page(
        browser, live_server.url, User.objects.get(email="teacher@toto.localhost")
    )
    teacher.set_viewport_size({"width": 1280, "height": 900})
    teacher.goto(live_server.url + "/learn/")
    main_nav = teacher.get_by_role("navigation", name="Main")
    for name in ["Lessons", "Translate", "Writing", "Teachers", "Group sessions", "Materials"]:
        expect(main_nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    for name in ["Wallet", "Chat", "Voice rooms", "Teach"]:
        expect(main_nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(main_nav.get_by_role("link", name="Lessons")).to_have_attribute("aria-current", "page")
    expect(teacher.get_by_role("navigation", name="Shortcuts")).to_be_hidden()
    expect(main_nav.get_by_role("link", name="Admin")).to_have_count(0)

    teacher.set_viewport_size({"width": 360, "height": 640})
    shortcuts = teacher.get_by_role("navigation", name="Shortcuts")
    expect(shortcuts).to_be_visible()
    # The tabs (#20): Learn, Translate, Social, Tutors, Me.
    expect(shortcuts.get_by_role("link")).to_have_text(
        ["Learn", "Translate", "Social", "Tutors", "Me"]
    )
    # Touch targets of at least 44 px, and the bar sits at the bottom of the screen.
    for link in shortcuts.get_by_role("link").all():
        box = link.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    bar = shortcuts.bounding_box()
    assert abs(bar["y"] + bar["height"] - 640) < 1
    screenshot("phone-bottom-bar", page=teacher)
    shortcuts.get_by_role("link", name="Tutors").click()
    expect(teacher).to_have_url(live_server.url + "/tutoring/")
    expect(
        teacher.get_by_role("navigation", name="Shortcuts").get_by_role("link", name="Tutors")
    ).to_have_attribute("aria-current", "page")
    teacher.get_by_role("navigation", name="Shortcuts").get_by_role("link", name="Social").click()
    expect(teacher).to_have_url(live_server.url + "/social/")
    expect(
        teacher.get_by_role("navigation", name="Shortcuts").get_by_role("link", name="Social")
    ).to_have_attribute("aria-current", "page")
    no_sideways_scroll(teacher)
    screenshot("phone-social-tab", page=teacher)
    # The rest of the sections stay one swipe away in the header, on the same page: Chat
    # (no longer a tab) is visible there on a phone, Social (a tab) is not repeated.
    main_nav = teacher.get_by_role("navigation", name="Main")
    expect(main_nav.get_by_role("link", name="Teach")).to_be_attached()
    expect(main_nav.get_by_role("link", name="Chat", exact=True)).to_be_visible()
    expect(main_nav.get_by_role("link", name="Social", exact=True)).to_be_hidden()
    teacher.context.close()

    # A learner has no Teach entry; staff see Admin.
    learner = signed_in_page(
        browser, live_server.url, User.objects.get(email="student@toto.localhost")
    )
    learner.goto(live_server.url + "/")
    expect(learner.get_by_role("link", name="Teach", exact=True)).to_have_count(0)
    learner.context.close()
    admin = signed_in_page(browser, live_server.url, User.objects.get(email="admin@toto.localhost"))
    admin.goto(live_server.url + "/")
    expect(
        admin.get_by_role("navigation", name="Main").get_by_role("link", name="Admin")
    ).to_be_visible()
    admin.context.close()


@pytest.mark.parametrize("viewport", PHONE_SIZES, ids=SIZE_IDS)
def test_every_learner_page_fits_a_phone_and_passes_axe(
    browser, live_server, demo_site, signed_in_page, viewport, axe, no_sideways_scroll, screenshot
) -> None:
    from accounts.models import User
    from cms.abroad.models import HomestayPage
    from cms.learning.models import LessonPage
    from tutoring.selectors import discovery

    lesson = LessonPage.objects.live().get(title="Hello and goodbye")
    listing = discovery.listed_teachers().first()
    homestay = HomestayPage.objects.live().order_by("path").first()
    assert homestay is not None, "the demo site has a homestay"
    page = signed_in_page(
        browser, live_server.url, User.objects.get(email="student@toto.localhost")
    )
    page.set_viewport_size(viewport)
    base = live_server.url
    pages = [
        ("home", "/"),
        ("lessons", "/learn/"),
        ("lesson", lesson.url),
        ("progress", "/learn/progress/"),
        ("teachers", "/tutoring/"),
        ("teacher", f"/tutoring/teachers/{listing.pk}/"),
        ("my-lessons", "/tutoring/dashboard/"),
        ("group-sessions", "/tutoring/group-sessions/"),
        ("wallet", "/wallet/"),
        ("payments", "/payments/"),
        ("referrals", "/referrals/"),
        ("chat", "/chat/"),
        ("rooms", "/rooms/"),
        ("translate", "/translate/"),
        ("writing", "/grammar/"),
        ("materials", "/materials/packs/"),
        ("my-materials", "/materials/"),
        ("profile", "/accounts/profile/"),
        ("notifications", "/notifications/"),
        ("translate-history", "/translate/history/"),
        ("writing-feedback", "/writing/"),
        ("refunds", "/refunds/"),
        ("disputes", "/disputes/"),
        ("abroad", "/abroad/"),
        # The app's other tabs and sections (issue #20: every learner page at 360x640).
        ("social", "/social/"),
        ("words", "/vocabulary/"),
        ("review", "/vocabulary/review/"),
        ("practice-partner", "/practice/"),
        ("voice-tutor", "/tutor/"),
        ("progress-overview", "/progress/"),
        ("install-app", "/app/"),
        ("abroad-compare", "/abroad/compare/"),
        ("abroad-trips", "/abroad/trips/"),
        ("homestay", homestay.url),
        ("voice-tutor-history", "/tutor/history/"),
    ]
    for label, path in pages:
        _visit(page, base + path, f"learner-{label}", axe, no_sideways_scroll, screenshot)
    page.context.close()


@pytest.mark.parametrize("viewport", PHONE_SIZES, ids=SIZE_IDS)
def test_every_teacher_page_fits_a_phone_and_passes_axe(
    browser, live_server, demo_site, signed_in_page, viewport, axe, no_sideways_scroll, screenshot
) -> None:
    from accounts.models import User
    from tutoring.models import Gig

    teacher = User.objects.get(email="teacher@toto.localhost")
    gig = Gig.objects.filter(listing__user=teacher).order_by("pk").first()
    assert gig is not None
    page = signed_in_page(browser, live_server.url, teacher)
    page.set_viewport_size(viewport)
    base = live_server.url
    pages = [
        ("teach", "/tutoring/teach/"),
        ("group-sessions", "/tutoring/teach/group-sessions/"),
        ("new-group-session", "/tutoring/teach/group-sessions/new/"),
        ("library", "/materials/library/"),
        ("materials", "/materials/"),
        ("wallet", "/wallet/"),
        ("chat", "/chat/"),
        ("rooms", "/rooms/"),
        ("profile", "/accounts/profile/"),
        *(
            (f"onboarding-{step}", f"/tutoring/teach/onboarding/{step}/")
            for step in ("profile", "media", "languages", "qualifications", "status")
        ),
        ("gigs", "/tutoring/teach/gigs/"),
        ("new-gig", "/tutoring/teach/gigs/new/"),
        ("gig", f"/tutoring/teach/gigs/{gig.pk}/"),
        ("hours", "/tutoring/teach/hours/"),
        ("requests", "/tutoring/teach/requests/"),
        ("earnings", "/tutoring/teach/earnings/"),
        ("payout-method", "/payouts/method/"),
    ]
    for label, path in pages:
        _visit(page, base + path, f"teacher-{label}", axe, no_sideways_scroll, screenshot)
    page.context.close()


@pytest.mark.parametrize("viewport", PHONE_SIZES, ids=SIZE_IDS)
def test_the_sign_up_and_sign_in_pages_fit_a_phone_and_pass_axe(
    page, live_server, viewport, axe, no_sideways_scroll, screenshot
) -> None:
    page.set_viewport_size(viewport)
    for label, path in [("sign-in", "/accounts/login/"), ("sign-up", "/accounts/signup/")]:
        _visit(page, live_server.url + path, label, axe, no_sideways_scroll, screenshot)


def test_on_a_phone_the_lesson_is_one_step_at_a_time_and_ends_with_a_celebration(
    browser, live_server, demo_site, signed_in_page, axe, no_sideways_scroll, screenshot
) -> None:
    from accounts.models import User
    from cms.learning.models import LessonPage

    lesson = LessonPage.objects.live().get(title="Telling the time")
    page = signed_in_page(
        browser, live_server.url, User.objects.get(email="student@toto.localhost")
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + lesson.url)
    progress = page.get_by_role("progressbar", name="Lesson progress")
    expect(progress).to_have_attribute("aria-valuetext", "Step 1 of 2")
    exercise = page.locator("section.exercise")
    finish = page.get_by_role("button", name="Finish lesson")
    expect(exercise).to_be_visible()
    expect(finish).to_be_hidden()
    back = page.get_by_role("button", name="Back")
    expect(back).to_be_disabled()
    screenshot("step-1", page=page)
    no_sideways_scroll(page)
    axe(page)

    # Immediate feedback on the exercise, in its live region, before moving on.
    exercise.get_by_role("radio").first.check()
    exercise.get_by_role("button", name="Check").click()
    expect(exercise.locator(".exercise-result")).to_contain_text(re.compile(r"\S"))

    page.get_by_role("button", name="Continue").click()
    expect(progress).to_have_attribute("aria-valuetext", "Step 2 of 2")
    expect(exercise).to_be_hidden()
    expect(page.get_by_role("button", name="Continue")).to_be_hidden()
    # Focus follows the step, so a screen reader or keyboard user starts at the new step.
    assert page.evaluate("document.activeElement.classList.contains('lesson-finish')")

    finish.click()
    expect(page.locator(".finish-result")).to_contain_text("Lesson completed!")
    expect(page.locator(".lesson")).to_have_class(re.compile("is-celebrating"))
    screenshot("celebration", page=page)
    axe(page)

    back.click()
    expect(progress).to_have_attribute("aria-valuetext", "Step 1 of 2")
    expect(exercise).to_be_visible()

    # On a wide screen the whole lesson is one page again, without the step controls.
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(progress).to_be_hidden()
    expect(exercise).to_be_visible()
    expect(finish).to_be_visible()
    page.context.close()
