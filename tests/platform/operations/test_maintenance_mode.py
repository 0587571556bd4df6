"""Maintenance mode: learners see the branded page or a 503 in the error shape with
Retry-After; staff, health checks and sign-in still get through; edits are logged."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from operations.models import MaintenanceSettings
from wagtail.models import ModelLogEntry

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/admin/settings/operations/maintenancesettings/"


def switch_on(client, admin, message: str = "Upgrading the database.") -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin)
    response = client.post(
        f"{SETTINGS_URL}{MaintenanceSettings.load().pk}/",
        {"enabled": "on", "message": message, "retry_after_minutes": "15"},
    )
    assert response.status_code == 302, response.content
    client.logout()


def test_admins_switch_it_on_in_the_settings_and_the_change_is_logged(client, admin) -> None:  # type: ignore[no-untyped-def]
    switch_on(client, admin)
    settings = MaintenanceSettings.load()
    assert settings.enabled and settings.retry_after_minutes == 15
    assert ModelLogEntry.objects.filter(action="wagtail.edit", user=admin).exists()


def test_learners_get_the_maintenance_page_and_the_api_a_503(
    client, api_client, admin, student
) -> None:  # type: ignore[no-untyped-def]
    switch_on(client, admin)
    client.force_login(student)
    page = client.get("/")
    assert page.status_code == 503 and page["Retry-After"] == "900"
    assert b"Upgrading the database." in page.content
    assert b"Down for maintenance" in page.content
    api_client.force_login(student)
    answer = api_client.get("/api/v1/notifications/")
    assert answer.status_code == 503 and answer["Retry-After"] == "900"
    body = answer.json()
    assert body["code"] == "maintenance" and body["message"] == "Upgrading the database."
    assert "request_id" in body


def test_anonymous_api_clients_and_the_default_message(client, api_client, admin) -> None:  # type: ignore[no-untyped-def]
    switch_on(client, admin, message="")
    answer = api_client.get("/api/v1/learning/categories/")
    assert answer.status_code == 503
    assert answer.json()["message"].startswith("Toto is down for maintenance")


def test_health_sign_in_and_staff_get_through(client, api_client, admin, moderator) -> None:  # type: ignore[no-untyped-def]
    switch_on(client, admin)
    assert api_client.get("/api/v1/health/").status_code == 200
    assert client.get("/accounts/login/").status_code == 200
    client.force_login(moderator)
    assert client.get("/").status_code != 503
    assert client.get("/admin/").status_code == 200


def test_staff_with_a_bearer_token_get_through(client, api_client, admin, user_factory) -> None:  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    staff = user_factory(email="staff@example.com", is_staff=True)
    learner = user_factory(email="learner@example.com")
    switch_on(client, admin)

    def token(email: str) -> str:
        response = APIClient().post(
            "/api/auth/app/v1/auth/login",
            {"email": email, "password": "correct-horse-battery"},
            format="json",
        )
        assert response.status_code == 200, response.content
        return str(response.json()["meta"]["access_token"])

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token(staff.email)}")
    assert api_client.get("/api/v1/notifications/").status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token(learner.email)}")
    assert api_client.get("/api/v1/notifications/").status_code == 503


def test_switching_off_lets_everyone_back_and_costs_no_query_per_request(
    client, admin, student
) -> None:  # type: ignore[no-untyped-def]
    switch_on(client, admin)
    settings = MaintenanceSettings.load()
    settings.enabled = False
    settings.save()  # the cached state is dropped on save
    from operations import maintenance

    maintenance.current()
    with CaptureQueriesContext(connection) as queries:
        assert not maintenance.current().enabled
    assert len(queries) == 0
    client.force_login(student)
    assert client.get("/api/v1/health/").status_code == 200
    assert client.get("/").status_code != 503


def test_with_the_cache_down_it_reads_the_row_and_never_raises(admin) -> None:  # type: ignore[no-untyped-def]
    """Redis unreachable (nothing listens on the port): the state comes from the database,
    "off" here, and the failed cache write is only logged."""
    from django.core.cache import cache
    from django.test import override_settings
    from operations import maintenance
    from redis.exceptions import ConnectionError as RedisDown

    row = MaintenanceSettings.load()  # (saving it would drop the cache entry: not now)

    dead = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=dead):
        with pytest.raises(RedisDown):
            cache.get("anything")
        state = maintenance.current()
        assert (state.enabled, state.message) == (False, "")
        # It is the row that was read: switched on there, it says so.
        MaintenanceSettings.objects.filter(pk=row.pk).update(enabled=True, message="Back soon")
        assert maintenance.current() == maintenance.Maintenance(True, "Back soon", 30 * 60)


@pytest.mark.django_db(transaction=True)
def test_with_the_database_down_it_says_off_and_never_raises() -> None:
    """PostgreSQL unreachable (the connection pointed at a port nothing listens on) and
    nothing cached: "off", so the request goes on to fail (or answer from cache) on its own
    terms rather than in this middleware."""
    from django.db import OperationalError
    from operations import maintenance

    maintenance.forget()
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"
    try:
        with pytest.raises(OperationalError):
            connection.ensure_connection()
        state = maintenance.current()
        assert (state.enabled, state.message) == (False, "")
    finally:
        connection.settings_dict["PORT"] = port
        connection.close()
