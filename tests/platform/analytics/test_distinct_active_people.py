"""People are counted once: the "active by platform / language / country" charts and the AI
usage share count distinct people per day, whatever number of actions or kinds each did; the
platform comes from the client of the request (a token client is the app)."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from analytics import selectors, services
from analytics.models import ActivityEvent, UserDay

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


@pytest.fixture
def busy_day(user_factory, act):  # type: ignore[no-untyped-def]
    """Ana does two kinds of action in Spanish on the web, uses AI twice and translates once,
    and answers once more in the app. Ben answers once in the app."""
    ana = user_factory(email="ana@example.com")
    ben = user_factory(email="ben@example.com")
    act(ana, DAY.isoformat(), score=1)
    act(ana, DAY.isoformat(), block_id="b2", exercise_type="typing", score=0)
    act(ana, DAY.isoformat(), kind="ai.feature_used")
    act(ana, DAY.isoformat(), kind="ai.feature_used", feature="writing")
    act(ana, DAY.isoformat(), kind="translation.translated", mode="text")
    act(ana, DAY.isoformat(), platform="app")
    act(ben, DAY.isoformat(), platform="app")
    services.roll_up_day(DAY)
    return ana, ben


def _totals(chart) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {dataset["label"]: sum(dataset["data"]) for dataset in chart["datasets"]}


def test_a_person_with_several_kinds_of_action_counts_once_per_value(busy_day) -> None:  # type: ignore[no-untyped-def]
    scope = selectors.Scope(DAY, DAY)
    # Ana is on both platforms (counted once in each), Ben on the app only.
    assert _totals(selectors.active_by_platform(scope)) == {"web": 1, "app": 2}
    assert _totals(selectors.active_by_country(scope)) == {"unknown": 2}


def test_the_ai_share_counts_people_not_uses(busy_day) -> None:  # type: ignore[no-untyped-def]
    chart = selectors.ai_usage(selectors.Scope(DAY, DAY))
    # One of the two active people used AI (three uses, two kinds): 50 %, not 150 %.
    assert chart["datasets"][0]["data"][-1] == 50.0


def test_the_day_keeps_the_platform_each_person_used_most(busy_day) -> None:  # type: ignore[no-untyped-def]
    ana, ben = busy_day
    platforms = dict(UserDay.objects.filter(day=DAY).values_list("user", "platform"))
    assert platforms == {ana.pk: "web", ben.pk: "app"}


def test_a_token_client_is_the_app_and_the_website_is_the_web(  # type: ignore[no-untyped-def]
    user_factory, django_capture_on_commit_callbacks
) -> None:
    user_factory(email="app@example.com")
    login = APIClient().post(
        "/api/auth/app/v1/auth/login",
        {"email": "app@example.com", "password": "correct-horse-battery"},
        format="json",
    )
    assert login.status_code == 200, login.content
    app = APIClient()
    app.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['meta']['access_token']}")
    web = APIClient()
    web.force_login(user_factory(email="web@example.com"))
    for client, word in ((app, "la casa"), (web, "el perro")):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/api/v1/vocabulary/words/",
                {"text": word, "translation": "x", "language": "es"},
                format="json",
            )
        assert response.status_code == 201, response.content
    platforms = dict(
        ActivityEvent.objects.filter(kind="vocabulary.word_added").values_list(
            "user__email", "platform"
        )
    )
    assert platforms == {"app@example.com": "app", "web@example.com": "web"}


def test_activation_is_the_share_of_a_weeks_sign_ups_active_within_7_days(
    user_factory, act, api_client, admin
) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    monday_noon = datetime(2026, 3, 2, 12, tzinfo=UTC)
    quick = user_factory(email="quick@example.com", date_joined=monday_noon)
    late = user_factory(email="late@example.com", date_joined=monday_noon)
    user_factory(email="never@example.com", date_joined=monday_noon)
    act(quick, "2026-03-08")  # the 7th day counting the day of sign-up
    act(late, "2026-03-09")  # the 8th: too late
    act(late, "2026-03-02", kind="accounts.signed_in")  # signing in is not activity
    services.roll_up_range(date(2026, 3, 2), date(2026, 3, 9))
    chart = selectors.activation(selectors.Scope(date(2026, 3, 2), date(2026, 3, 15)))
    rows = {row[0]: row[1:] for row in chart["rows"]}
    assert rows["2026-03-02"] == [3, 1, 33.3]
    assert rows["2026-03-09"] == [0, 0, None]
    api_client.force_login(admin)
    body = api_client.get("/api/v1/analytics/charts/activation/?days=14&until=2026-03-15").json()
    assert body["rows"][0][1:] == [3, 1, 33.3]
