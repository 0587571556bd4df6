"""The custom report builder: build, preview, save, export, schedule by email, permissions."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from analytics import selectors, services
from analytics.models import SavedReport
from analytics.tasks import send_scheduled_reports

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Exercise answers by platform",
    "metric": "exercise_attempts",
    "group_by": "platform",
    "language": "",
    "level": "",
    "platform": "",
    "days": "30",
    "schedule": "weekly",
    "recipients": "boss@example.com, data@example.com",
}


@pytest.fixture
def answers(user_factory, act):  # type: ignore[no-untyped-def]
    today = selectors.today()
    for n in range(3):
        person = user_factory()
        act(person, (today - timedelta(days=n)).isoformat(), platform="web")
    act(user_factory(), today.isoformat(), platform="app")
    services.roll_up_range(today - timedelta(days=3), today)


def saved(admin, **fields) -> SavedReport:  # type: ignore[no-untyped-def]
    data = {**FORM, **fields}
    report = SavedReport(
        owner=admin,
        name=data["name"],
        metric=data["metric"],
        group_by=data["group_by"],
        days=int(data["days"]),
        schedule=data["schedule"],
        recipients=data["recipients"],
    )
    return services.save_report(report, [], admin)


def test_admin_previews_saves_and_reads_a_report(client, admin, answers) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin)
    preview = client.post("/admin/analytics/reports/new/", {**FORM, "preview": "1"})
    assert preview.status_code == 200 and not SavedReport.objects.exists()
    assert preview.context["result"].rows == [("app", 1.0), ("web", 3.0)]
    assert b'id="report-chart-data"' in preview.content
    created = client.post("/admin/analytics/reports/new/", {**FORM, "save": "1"})
    report = SavedReport.objects.get()
    assert created["Location"] == f"/admin/analytics/reports/{report.pk}/"
    assert report.owner == admin
    assert ModelLogEntry.objects.filter(action="wagtail.create", object_id=str(report.pk)).exists()
    client.get(f"/admin/analytics/reports/{report.pk}/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/admin/analytics/reports/{report.pk}/")
    assert page.status_code == 200 and b"Download XLSX" in page.content
    # Session, user, permissions, the report, one aggregate over the rollups, admin chrome.
    assert len(queries) == 10, [q["sql"] for q in queries]
    listing = client.get("/admin/analytics/reports/")
    assert FORM["name"].encode() in listing.content


def test_exports_as_csv_and_xlsx(client, admin, answers) -> None:  # type: ignore[no-untyped-def]
    report = saved(admin, group_by="day", days="7")
    client.force_login(admin)
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/admin/analytics/reports/{report.pk}/export.csv").content.decode()
            )
        )
    )
    assert rows[0] == ["Date (day)", "Exercise answers"]
    assert sum(float(value) for _day, value in rows[1:]) == 4
    workbook = load_workbook(
        io.BytesIO(client.get(f"/admin/analytics/reports/{report.pk}/export.xlsx").content)
    )
    sheet = workbook.active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1] == ("Date (day)", "Exercise answers") and len(values) == 2 + len(rows[1:])
    assert client.get(f"/admin/analytics/reports/{report.pk}/export.pdf").status_code == 404


def test_average_and_active_people_metrics(admin, answers) -> None:  # type: ignore[no-untyped-def]
    from analytics import reports

    today = selectors.today()
    score = reports.run(saved(admin, metric="exercise_score", group_by="platform"), today=today)
    assert dict(score.rows) == {"app": 1.0, "web": 1.0}
    active = reports.run(
        saved(admin, name="Active", metric="active_users", group_by="month"), today=today
    )
    assert sum(value for _m, value in active.rows) >= 4


def test_bad_input_is_refused_with_field_errors(client, admin) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin)
    answer = client.post(
        "/admin/analytics/reports/new/",
        {**FORM, "days": "0", "recipients": "not-an-address", "save": "1"},
    )
    assert answer.status_code == 200
    assert set(answer.context["form"].errors) == {"days", "recipients"}
    answer = client.post("/admin/analytics/reports/new/", {**FORM, "recipients": "", "save": "1"})
    assert set(answer.context["form"].errors) == {"recipients"}
    # Active people are counted per person and day: neither grouped nor filtered by what a
    # day of a person doesn't have (it was silently ignored before).
    answer = client.post(
        "/admin/analytics/reports/new/",
        {**FORM, "metric": "active_users", "group_by": "language", "country": "ES", "save": "1"},
    )
    assert set(answer.context["form"].errors) == {"group_by", "country"}
    assert not SavedReport.objects.exists()


def test_permissions_per_report(client, admin, student, content_creator) -> None:  # type: ignore[no-untyped-def]
    private = saved(admin, name="Private")
    shared = saved(admin, name="Shared")
    shared.shared_with.set([Group.objects.get(name="Content creators")])
    client.force_login(student)
    assert client.get("/admin/analytics/reports/new/").status_code in {302, 403}
    assert client.get(f"/admin/analytics/reports/{shared.pk}/").status_code in {302, 403, 404}
    client.force_login(content_creator)
    assert client.get(f"/admin/analytics/reports/{shared.pk}/").status_code == 200
    assert client.get(f"/admin/analytics/reports/{private.pk}/").status_code == 404
    assert client.get(f"/admin/analytics/reports/{shared.pk}/edit/").status_code in {302, 403}
    assert client.get(f"/admin/analytics/reports/{shared.pk}/export.csv").status_code == 200


def test_scheduled_reports_are_emailed_with_the_spreadsheet(admin, answers, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    weekly = saved(admin, name="Weekly answers")
    monthly = saved(admin, name="Monthly answers", schedule="monthly", recipients="cfo@example.com")
    saved(admin, name="Not scheduled", schedule="")
    monday = date(2026, 12, 7)
    assert services.send_due_reports(monday - timedelta(days=1)) == []  # a Sunday
    monkeypatch.setattr(
        services.timezone,
        "now",
        lambda: __import__("datetime").datetime(2026, 12, 7, 6, tzinfo=__import__("datetime").UTC),
    )
    assert send_scheduled_reports() == 1  # the beat task, on a Monday
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["boss@example.com", "data@example.com"]
    assert "Weekly answers" in email.subject
    names = [attachment[0] for attachment in email.attachments]
    assert names == ["weekly-answers-2026-12-07.xlsx", "weekly-answers-2026-12-07.csv"]
    workbook = load_workbook(io.BytesIO(email.attachments[0][1]))
    assert workbook.active["A1"].value == "Weekly answers"
    assert send_scheduled_reports() == 0  # once a day at most
    weekly.refresh_from_db()
    assert weekly.last_sent_on == monday
    assert services.send_due_reports(date(2027, 1, 1)) == [monthly.pk]
    assert mail.outbox[-1].to == ["cfo@example.com"]


def test_the_beat_schedule_exists() -> None:
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="analytics.tasks.send_scheduled_reports")
    assert task.enabled and task.crontab is not None
