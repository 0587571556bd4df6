"""Country and course as report dimensions: captured on the event when it is stored (the
profile's ISO code, the lesson's course page), kept by the rollups, offered by the report
builder and its CSV export and by the country chart; cleared when the account is deleted."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Profile
from analytics import selectors, services
from analytics.models import ActivityEvent, DailyMetric, SavedReport
from core import activity

pytestmark = pytest.mark.django_db


def lives_in(user, country: str):  # type: ignore[no-untyped-def]
    Profile.objects.filter(user=user).update(country=country)
    return user


@pytest.fixture
def lessons(learning_tree, make_lesson):  # type: ignore[no-untyped-def]
    return make_lesson("Hello"), make_lesson("Goodbye")


@pytest.fixture
def answers(user_factory, act, lessons):  # type: ignore[no-untyped-def]
    """Two people in Spain and one in Mexico answer on the last three days; one person with
    no country uses an AI feature (no lesson, so no course)."""
    today = selectors.today()
    spain = [lives_in(user_factory(), "ES") for _ in range(2)]
    mexico = lives_in(user_factory(), "MX")
    for n, person in enumerate([*spain, mexico]):
        act(person, (today - timedelta(days=n)).isoformat(), lesson_id=lessons[n % 2].pk)
    act(user_factory(), today.isoformat(), kind="ai.feature_used")
    services.roll_up_range(today - timedelta(days=3), today)
    return spain, mexico


def test_an_event_carries_the_profile_country_and_the_lessons_course(
    student, lessons, learning_tree, django_capture_on_commit_callbacks, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    lives_in(student, "ES")
    event = activity.Activity(
        user_id=student.pk,
        kind="learning.exercise_attempted",
        occurred_at=timezone.now(),
        data={"lesson_id": lessons[0].pk, "block_id": "b1", "score": 1},
    )
    from analytics.models import AnalyticsSettings

    AnalyticsSettings.load()  # the settings row exists (cached per request elsewhere)
    # The person and their country in one query (as before: only the existence check),
    # the lesson's course in one, the insert.
    with django_assert_num_queries(4):
        stored = services.store_event(event)
    assert stored is not None
    assert (stored.country, stored.course) == ("ES", learning_tree["subcategory"].pk)
    with django_capture_on_commit_callbacks(execute=True):
        activity.record(student, "ai.feature_used", data={"feature": "grammar_check"})
    other = ActivityEvent.objects.get(kind="ai.feature_used")
    assert (other.country, other.course) == ("ES", None)


def test_rollups_keep_country_and_course_and_a_backfill_recomputes_them(
    answers, learning_tree
) -> None:  # type: ignore[no-untyped-def]
    spain, _mexico = answers
    rows = DailyMetric.objects.filter(kind="learning.exercise_attempted")
    assert sorted(rows.values_list("country", "course", "events")) == [
        ("ES", learning_tree["subcategory"].pk, 1),
        ("ES", learning_tree["subcategory"].pk, 1),
        ("MX", learning_tree["subcategory"].pk, 1),
    ]
    assert DailyMetric.objects.get(kind="ai.feature_used").course is None
    # Deleting an account clears its country and course on its events; the backfill
    # (the same roll-up) then counts them under no country, and the totals do not change.
    from accounts.services import delete_account

    delete_account(spain[0])
    gone = ActivityEvent.objects.get(user=spain[0])
    assert (gone.country, gone.course, gone.language) == ("", None, "")
    today = selectors.today()
    services.roll_up_range(today - timedelta(days=3), today)
    assert sorted(rows.values_list("country", "events")) == [("", 1), ("ES", 1), ("MX", 1)]


def test_the_report_builder_groups_by_country_and_by_course(client, admin, answers) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin)
    form = {
        "name": "Answers by country",
        "metric": "exercise_attempts",
        "group_by": "country",
        "language": "",
        "level": "",
        "platform": "",
        "country": "",
        "days": "30",
        "schedule": "",
        "recipients": "",
        "preview": "1",
    }
    by_country = client.post("/admin/analytics/reports/new/", form)
    assert by_country.status_code == 200
    assert by_country.context["result"].rows == [("ES", 2.0), ("MX", 1.0)]
    by_course = client.post("/admin/analytics/reports/new/", {**form, "group_by": "course"})
    assert by_course.context["result"].rows == [("Greetings", 3.0)]
    # A country filter, typed in lower case, narrows any grouping.
    spain = client.post(
        "/admin/analytics/reports/new/", {**form, "group_by": "platform", "country": "es"}
    )
    assert spain.context["form"].cleaned_data["country"] == "ES"
    assert spain.context["result"].rows == [("web", 2.0)]
    wrong = client.post("/admin/analytics/reports/new/", {**form, "country": "Spain"})
    assert set(wrong.context["form"].errors) == {"country"}

    saving = {key: value for key, value in form.items() if key != "preview"}
    client.post("/admin/analytics/reports/new/", {**saving, "save": "1"})
    report = SavedReport.objects.get()
    assert report.group_by == "country"
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/admin/analytics/reports/{report.pk}/export.csv").content.decode()
            )
        )
    )
    assert rows == [["Country", "Exercise answers"], ["ES", "2.0"], ["MX", "1.0"]]


def test_the_country_chart_counts_active_people_per_country(api_client, admin, answers) -> None:  # type: ignore[no-untyped-def]
    api_client.force_login(admin)
    body = api_client.get("/api/v1/analytics/charts/active_by_country/?days=7").json()
    totals = {dataset["label"]: sum(dataset["data"]) for dataset in body["datasets"]}
    # The AI user has no country: "unknown". Sign-ins are not activity.
    assert totals == {"ES": 2, "MX": 1, "unknown": 1}
    download = api_client.get("/api/v1/analytics/charts/active_by_country/csv/?days=7")
    assert download.status_code == 200
    table = list(csv.reader(io.StringIO(download.content.decode())))
    assert table[0] == ["Day", "ES", "MX", "unknown"]
    assert [sum(int(cell) for cell in row[1:]) for row in table[1:]][-3:] == [1, 1, 2]
