"""Production's two ways of keeping PostgreSQL connections (toto.settings.database): the
psycopg pool (the default) and a persistent connection per request thread."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from toto.settings.database import configure


def test_the_pool_takes_over_the_connections_lifetime() -> None:
    database = configure(
        {"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": 60}, pool=True, max_size=8
    )

    assert database["CONN_MAX_AGE"] == 0  # Django refuses a pool with persistent connections
    assert database["OPTIONS"]["pool"]["max_size"] == 8
    assert database["OPTIONS"]["pool"]["min_size"] == 2


def test_other_engines_keep_persistent_connections() -> None:
    """The image's build step runs production settings on SQLite, which has no pool option."""
    database = configure({"ENGINE": "django.db.backends.sqlite3"}, pool=True)

    assert "pool" not in database["OPTIONS"]
    assert database["CONN_MAX_AGE"] == 60


def test_without_the_pool_each_thread_keeps_its_connection() -> None:
    database = configure({"ENGINE": "x", "OPTIONS": {"pool": {"max_size": 4}}}, pool=False)

    assert "pool" not in database["OPTIONS"]
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db
def test_a_pooled_connection_answers_and_goes_back_to_the_pool() -> None:
    """The pool as production configures it, on the test PostgreSQL: Django accepts the
    settings (psycopg_pool installed, no CONN_MAX_AGE), a query runs, and closing the
    connection returns it to the pool instead of ending the backend."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    settings: dict[str, Any] = configure(
        {**connections["default"].settings_dict}, pool=True, min_size=1, max_size=1
    )
    wrapper = DatabaseWrapper(settings, alias="pooled")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            first = cursor.fetchone()[0]
        wrapper.close()
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            again = cursor.fetchone()[0]
        wrapper.close()
        assert again == first  # the pool's one backend, kept open between requests
        assert wrapper.pool is not None
    finally:
        wrapper.close_pool()


def test_django_refuses_a_pool_with_persistent_connections() -> None:
    """Why configure() sets CONN_MAX_AGE to 0 with the pool."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    settings = {**connections["default"].settings_dict}
    settings = configure(settings, pool=True)
    settings["CONN_MAX_AGE"] = 60
    with pytest.raises(ImproperlyConfigured):
        DatabaseWrapper(settings, alias="refused").pool  # noqa: B018
