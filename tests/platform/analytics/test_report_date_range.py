"""Saved reports over a fixed from/to range: validated in the admin form, used by the
preview, the page, the CSV/XLSX exports and the scheduled email."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from openpyxl import load_workbook

from analytics import selectors, services
from analytics.models import SavedReport

pytestmark = pytest.mark.django_db

NEW = "/admin/analytics/reports/new/"


@pytest.fixture
def answers(user_factory, act):  # type: ignore[no-untyped-def]
    """Exercise answers: one on each of the last 5 days (today included), and a second one
    three days ago from the app."""
    today = selectors.today()
    for n in range(5):
        act(user_factory(), (today - timedelta(days=n)).isoformat(), platform="web")
    act(user_factory(), (today - timedelta(days=3)).isoformat(), platform="app")
    services.roll_up_range(today - timedelta(days=5), today)
    return today


def form(**fields: str) -> dict[str, str]:
    return {
        "name": "Answers in a fixed week",
        "metric": "exercise_attempts",
        "group_by": "day",
        "language": "",
        "level": "",
        "platform": "",
        "country": "",
        "days": "",
        "date_from": "",
        "date_to": "",
        "schedule": "weekly",
        "recipients": "boss@example.com",
        **fields,
    }


def test_a_fixed_range_is_previewed_saved_exported_and_emailed(client, admin, answers) -> None:  # type: ignore[no-untyped-def]
    today = answers
    first, last = today - timedelta(days=3), today - timedelta(days=1)
    client.force_login(admin)
    dates = {"date_from": first.isoformat(), "date_to": last.isoformat()}
    preview = client.post(NEW, {**form(**dates), "preview": "1"})
    assert preview.status_code == 200, preview.context["form"].errors
    expected = [(first.isoformat(), 2.0), ((first + timedelta(days=1)).isoformat(), 1.0)]
    expected.append((last.isoformat(), 1.0))
    assert preview.context["result"].rows == expected
    assert (preview.context["result"].first, preview.context["result"].last) == (first, last)

    client.post(NEW, {**form(**dates), "save": "1"})
    report = SavedReport.objects.get()
    assert (report.date_from, report.date_to, report.days) == (first, last, 30)
    page = client.get(f"/admin/analytics/reports/{report.pk}/")
    assert page.context["result"].rows == expected

    exported = client.get(f"/admin/analytics/reports/{report.pk}/export.csv").content.decode()
    rows = list(csv.reader(io.StringIO(exported)))[1:]
    assert [(day, float(value)) for day, value in rows] == expected
    sheet = load_workbook(
        io.BytesIO(client.get(f"/admin/analytics/reports/{report.pk}/export.xlsx").content)
    ).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][1] == f"{first.isoformat()} to {last.isoformat()}"
    assert [(day, value) for day, value in values[2:]] == expected

    # The scheduled email repeats the same days, whenever it is sent.
    services.send_report(report, today + timedelta(days=10))
    email = mail.outbox[-1]
    assert f"({first.isoformat()} to {last.isoformat()})" in email.subject
    attached = list(csv.reader(io.StringIO(email.attachments[1][1])))[1:]
    assert [(day, float(value)) for day, value in attached] == expected


def test_the_relative_range_still_works_when_no_dates_are_given(client, admin, answers) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin)
    preview = client.post(NEW, {**form(days="2", group_by="platform"), "preview": "1"})
    assert preview.context["result"].rows == [("web", 2.0)]
    assert preview.context["result"].first == answers - timedelta(days=1)


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"date_from": "2026-03-10", "date_to": "2026-03-01"}, {"date_to"}),  # reversed
        ({"date_from": "2026-03-10"}, {"date_to"}),  # half a range
        ({"date_to": "2026-03-10"}, {"date_from"}),
        ({"date_from": "2024-01-01", "date_to": "2025-06-01"}, {"date_to"}),  # too long
        ({"date_from": "not a date", "date_to": "2026-03-01"}, {"date_from"}),
        ({}, {"days"}),  # neither a range nor a number of days
    ],
)
def test_bad_ranges_are_refused_with_field_errors(client, admin, fields, errors) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin)
    answer = client.post(NEW, {**form(**fields), "save": "1"})
    assert answer.status_code == 200
    assert set(answer.context["form"].errors) == errors
    assert not SavedReport.objects.exists()


def test_a_range_ending_after_today_is_refused(client, admin) -> None:  # type: ignore[no-untyped-def]
    today = selectors.today()
    client.force_login(admin)
    dates = {"date_from": today.isoformat(), "date_to": (today + timedelta(days=1)).isoformat()}
    answer = client.post(NEW, {**form(**dates), "save": "1"})
    assert "in the future" in str(answer.context["form"].errors["date_to"])
    today_only = client.post(
        NEW, {**form(date_from=today.isoformat(), date_to=today.isoformat()), "save": "1"}
    )
    assert today_only.status_code == 302
