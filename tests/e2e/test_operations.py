"""Operations in a real browser: an admin builds a custom report (preview as chart and
table), saves it with a weekly email, reads the system status page and turns maintenance
mode on; a learner then meets the maintenance page. Desktop and 390x844, screenshots."""

from datetime import timedelta

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.fixture
def rollups(transactional_db):  # type: ignore[no-untyped-def]
    from analytics import selectors
    from analytics.models import DailyMetric

    today = selectors.today()
    for n in range(10):
        for platform, events in (("web", 5 + n), ("app", 2 + n % 3)):
            DailyMetric.objects.create(
                day=today - timedelta(days=n),
                kind="learning.exercise_attempted",
                app="learning",
                platform=platform,
                events=events,
                users=events,
            )


def cookie_for(page, live_server, user) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_admin_reports_status_and_maintenance_for_a_learner(
    page, browser, live_server, admin, student, rollups, screenshot, axe, no_sideways_scroll
) -> None:  # type: ignore[no-untyped-def]
    from analytics import selectors, services
    from analytics.models import SavedReport

    cookie_for(page, live_server, admin)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Build, preview and save a report with a weekly email.
    page.goto(live_server.url + "/admin/analytics/reports/")
    page.get_by_role("link", name="New report").click()
    page.get_by_label("Name").fill("Answers by platform")
    page.get_by_label("Metric").select_option(label="Exercise answers")
    page.get_by_label("Group by").select_option(label="Platform (web/app)")
    page.get_by_label("Last N days").fill("30")
    page.get_by_label("Email", exact=True).select_option(label="Weekly (Mondays)")
    page.get_by_label("Email to").fill("boss@example.com")
    page.get_by_role("button", name="Preview").click()
    result = page.locator("[data-report-chart]")
    expect(result.get_by_role("rowheader", name="web")).to_be_visible()
    expect(result.locator("canvas")).to_be_visible()
    drawn = result.locator("canvas").evaluate(
        "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }"
    )
    assert drawn > 1000
    screenshot("report-preview-desktop")
    page.get_by_role("button", name="Save report").click()
    expect(page.get_by_role("link", name="Download XLSX")).to_be_visible()
    expect(page.get_by_text("Emailed Weekly (Mondays) to boss@example.com.")).to_be_visible()
    report = SavedReport.objects.get(name="Answers by platform")
    services.send_report(report, selectors.today())
    assert mail.outbox[-1].to == ["boss@example.com"]
    assert mail.outbox[-1].attachments[0][0].endswith(".xlsx")
    screenshot("report-saved-desktop")

    # The system status page.
    page.goto(live_server.url + "/admin/system-status/")
    expect(page.get_by_role("rowheader", name="Database")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Celery queues")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Media storage")).to_be_visible()
    screenshot("status-desktop")

    # Phone: the report and the status page fit.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/admin/analytics/reports/{report.pk}/")
    expect(page.locator("[data-report-chart] canvas")).to_be_visible()
    no_sideways_scroll(page)
    screenshot("report-phone")
    page.goto(live_server.url + "/admin/system-status/")
    screenshot("status-phone")

    # Maintenance mode on, through the settings.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/admin/settings/operations/maintenancesettings/")
    page.get_by_role("checkbox", name="Maintenance mode on").check()
    page.get_by_role("textbox", name="Message").fill("We are upgrading Toto until 3 pm.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages .success")).to_be_visible()
    page.reload()
    expect(page.get_by_role("checkbox", name="Maintenance mode on")).to_be_checked()

    # A learner meets the maintenance page, on a desktop and on a phone.
    learner = browser.new_context()
    learner_page = learner.new_page()
    cookie_for(learner_page, live_server, student)
    for label, size in (("desktop", (1280, 900)), ("phone", (390, 844))):
        learner_page.set_viewport_size({"width": size[0], "height": size[1]})
        response = learner_page.goto(live_server.url + "/")
        assert response is not None and response.status == 503
        expect(learner_page.get_by_role("heading", name="Down for maintenance")).to_be_visible()
        expect(learner_page.get_by_text("We are upgrading Toto until 3 pm.")).to_be_visible()
        axe(learner_page)
        no_sideways_scroll(learner_page)
        screenshot(f"maintenance-{label}", page=learner_page)
    # The admin still works.
    page.goto(live_server.url + "/admin/")
    expect(page.get_by_role("heading", name="Down for maintenance")).to_have_count(0)
    learner.close()
