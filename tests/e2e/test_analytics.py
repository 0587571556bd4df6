"""The analytics dashboards in a real browser: an admin opens each, the charts are drawn by
Chart.js from the JSON endpoints, a table view shows the same numbers, a CSV downloads, on a
desktop and on a phone, without a Content-Security-Policy violation (the autouse
``csp_violations`` fixture)."""

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from analytics import selectors

pytestmark = pytest.mark.e2e


def sign_in_as_admin(page, live_server):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts.testing import activate_totp

    admin = get_user_model().objects.get(email="admin@toto.localhost")
    activate_totp(admin)
    client = Client()
    client.force_login(admin)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return admin


def test_admin_reads_the_dashboards_as_charts_tables_and_csv(
    page, live_server, demo_site, screenshot, no_sideways_scroll
) -> None:  # type: ignore[no-untyped-def]
    sign_in_as_admin(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(live_server.url + "/admin/")
    panel = page.locator(".analytics-summary")
    expect(panel.get_by_role("heading", name="Analytics")).to_be_visible()
    panel.get_by_role("link", name="Open the dashboards").click()
    expect(page).to_have_url(live_server.url + "/admin/analytics/platform/")

    charts = page.locator("[data-analytics-chart]")
    expect(charts).to_have_count(9)
    for index in range(9):
        expect(charts.nth(index)).to_have_attribute("data-state", "drawn")
    active = page.locator('[data-analytics-chart][data-src*="/active_users/"]')
    expect(active.get_by_role("heading", name="Active people: DAU, WAU, MAU")).to_be_visible()
    # Chart.js drew on the canvas: it has a size and non-blank pixels.
    drawn = active.locator("canvas").evaluate(
        "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }"
    )
    assert drawn > 1000
    retention = page.locator('[data-analytics-chart][data-src*="/retention/"]')
    expect(retention.locator("td.heat-10, td.heat-9, td.heat-8").first).to_be_visible()
    expect(retention.locator("td.heat-incomplete").first).to_be_attached()
    screenshot("platform-desktop")

    # The table view: the same numbers as rows.
    active.get_by_role("button", name="Table view").click()
    table = active.get_by_role("table")
    expect(table).to_be_visible()
    expect(table.get_by_role("columnheader", name="MAU (30 days)")).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(90)
    expect(active.locator("canvas")).to_be_hidden()
    active.get_by_role("button", name="Chart view").click()
    expect(active.locator("canvas")).to_be_visible()

    # The CSV download.
    with page.expect_download() as download_info:
        active.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename == "toto-active_users.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0] == ["Day", "DAU", "WAU (7 days)", "MAU (30 days)"]
    assert len(rows) == 91

    activation = page.locator('[data-analytics-chart][data-src*="/activation/"]')
    expect(
        activation.get_by_role("heading", name="Activation: sign-ups active within 7 days")
    ).to_be_visible()
    for slug, count in [("learning", 7), ("marketplace", 6), ("finance", 2), ("goals", 1)]:
        page.goto(f"{live_server.url}/admin/analytics/{slug}/")
        charts = page.locator("[data-analytics-chart]")
        expect(charts).to_have_count(count)
        for index in range(count):
            expect(charts.nth(index)).to_have_attribute("data-state", "drawn")
        screenshot(f"{slug}-desktop")
    expect(page.get_by_role("link", name="Edit the targets")).to_be_visible()
    goals = page.locator("[data-analytics-chart]")
    expect(goals.get_by_role("rowheader", name="Daily active users")).to_be_visible()
    expect(goals.locator("td.goal-missed").first).to_be_visible()

    page.goto(live_server.url + "/admin/analytics/finance/")
    expect(page.get_by_text("Reconciled with the ledger")).to_be_visible()

    # The learning charts narrowed to a level, and a chosen lesson's drop-off per step.
    page.goto(live_server.url + "/admin/analytics/learning/")
    steps = page.locator('[data-analytics-chart][data-src*="/lesson_steps/"]')
    expect(steps).to_have_attribute("data-state", "drawn")
    expect(steps.get_by_role("heading", name=re.compile("^Drop-off per step: "))).to_be_visible()
    page.get_by_label("Level").select_option("A1")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"level=A1"))
    lesson = page.get_by_label("Lesson (drop-off per step)")
    chosen = lesson.locator("option").nth(1).text_content()
    lesson.select_option(index=1)
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"level=A1&lesson="))
    expect(steps).to_have_attribute("data-state", "drawn")
    expect(steps.get_by_role("heading", name=f"Drop-off per step: {chosen}")).to_be_visible()
    steps.get_by_role("button", name="Table view").click()
    expect(steps.get_by_role("rowheader", name="Finished")).to_be_visible()
    fill = "/admin/analytics/marketplace/"
    page.goto(live_server.url + fill)
    expect(
        page.locator('[data-analytics-chart][data-src*="/availability_fill_rate/"]')
    ).to_have_attribute("data-state", "drawn")
    page.goto(live_server.url + "/admin/analytics/learning/?level=A1")
    screenshot("learning-filtered-desktop")

    # A report over a fixed from/to range.
    today = selectors.today()
    first, last = today - timedelta(days=20), today - timedelta(days=6)
    page.goto(live_server.url + "/admin/analytics/reports/new/")
    page.get_by_label("Name").fill("Answers, a fixed fortnight")
    page.get_by_label("Metric").select_option(label="Exercise answers")
    page.get_by_label("Group by").select_option(label="Date (day)")
    page.get_by_label("From", exact=True).fill(first.isoformat())
    page.get_by_label("To", exact=True).fill(last.isoformat())
    page.get_by_role("button", name="Preview").click()
    result = page.locator("[data-report-chart]")
    expect(result.get_by_role("rowheader", name=first.isoformat())).to_be_visible()
    expect(
        result.get_by_role("rowheader", name=(last + timedelta(days=1)).isoformat())
    ).to_have_count(0)
    screenshot("report-dates-preview-desktop")
    page.get_by_role("button", name="Save report").click()
    expect(page.locator("[data-report-range]")).to_contain_text("Fixed range")
    screenshot("report-dates-desktop")
    page.set_viewport_size({"width": 360, "height": 640})
    page.reload()
    no_sideways_scroll(page)
    screenshot("report-dates-phone")

    page.set_viewport_size({"width": 390, "height": 844})
    for slug in ("platform", "learning", "marketplace", "finance", "goals"):
        page.goto(f"{live_server.url}/admin/analytics/{slug}/")
        expect(page.locator("[data-analytics-chart]").first).to_have_attribute(
            "data-state", "drawn"
        )
        no_sideways_scroll(page)
        screenshot(f"{slug}-phone")
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(f"{live_server.url}/admin/analytics/learning/?level=A1")
    expect(page.locator('[data-src*="/lesson_steps/"]')).to_have_attribute("data-state", "drawn")
    no_sideways_scroll(page)
    screenshot("learning-filtered-phone")
