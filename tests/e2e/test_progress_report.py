"""The progress report page in a real browser: the week and the month with charts drawn and
their table views, desktop and 390x844, axe and no sideways scroll, screenshots."""

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_progress_report_page(
    viewport: dict[str, int],
    browser: Any,
    live_server: Any,
    role_user: Any,
    axe: Any,
    no_sideways_scroll: Any,
    screenshot: Any,
    signed_in_page: Any,
) -> None:
    from django.utils import timezone

    from accounts.roles import Role
    from analytics.services import store_event
    from core.activity import Activity

    learner = role_user(Role.STUDENT, email="pia@example.com", first_name="Pia")
    for days_ago, seconds in ((0, 900), (2, 600), (3, 1200), (9, 300)):
        store_event(
            Activity(
                user_id=learner.pk,
                kind="learning.lesson_completed",
                occurred_at=timezone.now() - timedelta(days=days_ago),
                data={
                    "lesson_id": 1,
                    "translation_key": "k",
                    "parent_path": "p",
                    "score": 0.8,
                    "time_spent_seconds": seconds,
                    "first_time": True,
                },
            )
        )
    page = signed_in(signed_in_page, browser, live_server, learner, viewport)
    page.goto(live_server.url + "/progress/")
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()
    summary = page.get_by_test_id("progress-summary")
    expect(summary).to_contain_text("45")  # minutes this week
    expect(page.get_by_test_id("next-steps").locator("li")).not_to_have_count(0)
    page.wait_for_function("window.Chart && Object.keys(window.Chart.instances).length === 3")
    page.locator("[data-progress-chart='minutes'] summary").click()
    expect(page.locator("[data-progress-chart='minutes'] table")).to_be_visible()
    no_sideways_scroll(page)
    axe(page)
    screenshot("week", page=page)
    page.get_by_role("link", name="Last 30 days").click()
    expect(page.get_by_role("link", name="Last 30 days")).to_have_attribute("aria-current", "page")
    expect(summary).to_contain_text("50")
    no_sideways_scroll(page)
    axe(page)
    screenshot("month", page=page)


def signed_in(
    open_page: Any, browser: Any, live_server: Any, user: Any, size: dict[str, int]
) -> Any:
    page = open_page(browser, live_server.url, user)
    page.set_viewport_size(size)
    return page
