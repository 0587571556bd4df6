"""Time-zone names are read from disk once per process, not on every request."""

from __future__ import annotations

import zoneinfo
from typing import Any

import pytest

from core import timezones


def test_names_choices_and_validation() -> None:
    assert timezones.is_time_zone("Europe/Madrid")
    assert not timezones.is_time_zone("Mars/Olympus_Mons")
    choices = timezones.time_zone_choices()
    assert ("America/New_York", "America/New York") in choices
    assert choices == sorted(choices)
    choices.append(("x", "x"))
    assert ("x", "x") not in timezones.time_zone_choices(), "callers get their own list"


@pytest.mark.django_db
def test_the_profile_endpoint_does_not_walk_the_tz_database(
    api_client: Any, student: Any, monkeypatch: Any
) -> None:
    api_client.force_login(student)
    api_client.get("/api/v1/users/me/")  # the process's first read fills the cache
    calls: list[int] = []
    real = zoneinfo.available_timezones

    def counted() -> set[str]:
        calls.append(1)
        return real()

    monkeypatch.setattr(zoneinfo, "available_timezones", counted)
    for _ in range(3):
        assert api_client.get("/api/v1/users/me/").status_code == 200
        assert (
            api_client.patch(
                "/api/v1/users/me/", {"time_zone": "Europe/Madrid"}, format="json"
            ).status_code
            == 200
        )
    assert calls == [], "every request walked the tz directory (~40 ms each)"
