"""The dashboards' endpoints: who may read what, pinned queries, CSV, the admin pages."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics import selectors, services

pytestmark = pytest.mark.django_db

# Queries per chart request by an admin, authentication included (session, user): pinned so
# that a chart never grows with the data. Every chart reads the rollups only.
QUERIES = {
    "active_users": 3,
    "stickiness": 3,
    "signups_by_role": 3,
    "lifecycle": 3,
    "retention": 4,
    "activation": 4,
    "active_by_platform": 3,
    "active_by_language": 3,
    "active_by_country": 3,
    "lesson_completion": 4,
    "lesson_steps": 4,  # its lesson is not a LessonPage here: test_lesson_steps pins 5
    "exercise_accuracy": 3,
    "most_failed": 4,
    "tutor_sessions": 3,
    "ai_usage": 4,
    "bookings": 3,
    "availability_fill_rate": 6,  # + the offered-hours history (tutoring.OfferedHoursWeek)
    "ratings": 3,
    "marketplace_activity": 3,
    "earnings": 3,
    "time_to_verification": 4,
    "revenue": 3,
    "payouts_pending": 3,
    "vocabulary": 3,
    "goals": 10,  # AI usage reads the distinct people of DailyActiveBy
}


@pytest.fixture
def activity_data(user_factory, act, student):  # type: ignore[no-untyped-def]
    from wagtail.models import Page

    root = Page.get_first_root_node()
    lesson = root.add_child(instance=Page(title="Greetings", slug="greetings-analytics"))
    today = selectors.today()
    for n in range(3):
        person = user_factory()
        day = (today - timedelta(days=n)).isoformat()
        act(person, day, lesson_id=lesson.id, score=0.5 if n else 1)
        act(person, day, kind="ai.feature_used")
        act(person, day, kind="tutoring.review_left", rating=4 + (n % 2))
    services.roll_up_range(today - timedelta(days=3), today)
    return lesson


def test_every_chart_answers_in_a_pinned_number_of_queries(
    api_client, admin, activity_data
) -> None:  # type: ignore[no-untyped-def]
    assert set(QUERIES) == set(selectors.CHARTS)
    api_client.force_login(admin)
    counts = {}
    for key in selectors.CHARTS:
        with CaptureQueriesContext(connection) as queries:
            response = api_client.get(f"/api/v1/analytics/charts/{key}/?days=30")
        assert response.status_code == 200, (key, response.content)
        body = response.json()
        assert body["key"] == key and body["columns"] and isinstance(body["rows"], list)
        counts[key] = len(queries)
    assert counts == QUERIES


def test_the_query_count_does_not_grow_with_the_period(api_client, admin, activity_data) -> None:  # type: ignore[no-untyped-def]
    api_client.force_login(admin)
    for key in ("active_users", "lifecycle", "retention", "revenue"):
        with CaptureQueriesContext(connection) as queries:
            api_client.get(f"/api/v1/analytics/charts/{key}/?days=365")
        assert len(queries) == QUERIES[key], key


def test_charts_show_the_rolled_up_numbers(api_client, admin, activity_data) -> None:  # type: ignore[no-untyped-def]
    api_client.force_login(admin)
    active = api_client.get("/api/v1/analytics/charts/active_users/?days=7").json()
    assert active["rows"][-1][1:] == [1, 3, 3]  # today: DAU 1, WAU 3, MAU 3
    ratings = api_client.get("/api/v1/analytics/charts/ratings/?days=7").json()
    assert ratings["rows"][3:] == [["4", 2], ["5", 1]]
    assert ratings["summary"] == {"average": 4.33, "count": 3}
    accuracy = api_client.get("/api/v1/analytics/charts/exercise_accuracy/?days=7").json()
    assert accuracy["rows"] == [["multiple_choice", 66.7, 3]]
    completion = api_client.get("/api/v1/analytics/charts/lesson_completion/?days=7").json()
    assert completion["rows"][0][:2] == ["Greetings", 3]


def test_a_chart_downloads_as_csv(api_client, admin, activity_data) -> None:  # type: ignore[no-untyped-def]
    api_client.force_login(admin)
    response = api_client.get("/api/v1/analytics/charts/active_users/csv/?days=7")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="toto-active_users.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Day", "DAU", "WAU (7 days)", "MAU (30 days)"]
    assert rows[-1][1:] == ["1", "3", "3"]
    assert len(rows) == 8


def test_learners_and_strangers_are_refused(api_client, student) -> None:  # type: ignore[no-untyped-def]
    response = api_client.get("/api/v1/analytics/charts/active_users/")
    assert response.status_code in (401, 403)
    api_client.force_login(student)
    response = api_client.get("/api/v1/analytics/charts/active_users/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert api_client.get("/api/v1/analytics/charts/active_users/csv/").status_code == 403


def test_a_bad_period_is_a_400_with_field_errors(api_client, admin) -> None:  # type: ignore[no-untyped-def]
    api_client.force_login(admin)
    response = api_client.get("/api/v1/analytics/charts/active_users/?days=2&currency=XXX")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"days", "currency"}
    assert api_client.get("/api/v1/analytics/charts/nope/").status_code == 404


def test_a_content_creator_sees_only_their_own_lessons(  # type: ignore[no-untyped-def]
    api_client, client, content_creator, user_factory, act, activity_data
) -> None:
    from wagtail.models import Page

    root = Page.get_first_root_node()
    mine = root.add_child(instance=Page(title="My lesson", slug="mine", owner=content_creator))
    learner = user_factory()
    today = selectors.today()
    act(learner, today.isoformat(), lesson_id=mine.id, block_id="q1", score=0)
    services.roll_up_day(today)

    api_client.force_login(content_creator)
    completion = api_client.get("/api/v1/analytics/charts/lesson_completion/?days=7").json()
    assert [row[0] for row in completion["rows"]] == ["My lesson"]
    failed = api_client.get("/api/v1/analytics/charts/most_failed/?days=7").json()
    assert [row[0] for row in failed["rows"]] == ["My lesson · q1"]
    accuracy = api_client.get("/api/v1/analytics/charts/exercise_accuracy/?days=7").json()
    assert [row[0] for row in accuracy["rows"]] == ["My lesson · q1"]
    for key in ("active_users", "revenue", "goals", "ai_usage"):
        assert api_client.get(f"/api/v1/analytics/charts/{key}/").status_code == 403, key

    client.force_login(content_creator)
    assert client.get("/admin/analytics/")["Location"] == "/admin/analytics/learning/"
    page = client.get("/admin/analytics/learning/")
    assert page.status_code == 200
    assert b"You see your own lessons only." in page.content
    assert b"/api/v1/analytics/charts/ai_usage/" not in page.content
    # Wagtail answers a refused admin page by sending the person back to the admin home.
    refused = client.get("/admin/analytics/platform/")
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")


def test_the_admin_dashboards_and_home_panel(client, admin, activity_data) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin)
    home = client.get("/admin/")
    assert b'id="analytics-summary-heading"' in home.content
    assert b'href="/admin/analytics/"' in home.content
    for slug, dashboard in selectors.DASHBOARDS.items():
        page = client.get(f"/admin/analytics/{slug}/?days=30")
        assert page.status_code == 200
        for key in dashboard.charts:
            assert f"/api/v1/analytics/charts/{key}/?days=30".encode() in page.content
        assert b"<script>" not in page.content and b' style="' not in page.content
    assert client.get("/admin/analytics/nope/").status_code == 404


def test_goals_compare_the_editable_targets_with_the_actual_values(
    api_client, admin, activity_data
) -> None:  # type: ignore[no-untyped-def]
    from analytics.models import AnalyticsSettings

    settings = AnalyticsSettings.load()
    settings.goal_exercise_accuracy = 60
    settings.goal_mau_by = date(2027, 6, 30)
    settings.save()
    api_client.force_login(admin)
    rows = {
        row[0]: row[1:]
        for row in api_client.get("/api/v1/analytics/charts/goals/?days=7").json()["rows"]
    }
    assert rows["Exercise accuracy %"] == [60, 66.7, True]
    assert rows["Daily active users"] == [10000, 1, False]
    assert rows["Average rating"] == [4.5, 4.33, False]
    assert rows["Monthly active users, by 2027-06-30"][0] == 50000
    assert rows["Support tickets, % of users (not measured)"] == [5, None, None]
