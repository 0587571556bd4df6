"""Anonymous throttles key on the address the configured proxies vouch for: a client that
rotates forged X-Forwarded-For values stays one client."""

from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_per_minute(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/minute", raising=False)
    cache.clear()
    return reverse("gig-category-list")


def statuses(url: str, forwarded: list[str]) -> list[int]:
    client = APIClient()
    return [client.get(url, HTTP_X_FORWARDED_FOR=value).status_code for value in forwarded]


def test_forged_forwarded_for_does_not_escape_the_anon_throttle(three_per_minute: str) -> None:
    forged = [f"203.0.113.{n}" for n in range(6)]
    assert statuses(three_per_minute, forged) == [200, 200, 200, 429, 429, 429]


def test_behind_one_proxy_only_the_proxy_s_entry_counts(three_per_minute: str) -> None:
    rest = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    with override_settings(REST_FRAMEWORK=rest, TRUSTED_PROXY_COUNT=1):
        # The client forges the left part; the proxy appends the address it saw.
        forged = [f"198.51.100.{n}, 192.0.2.7" for n in range(4)]
        assert statuses(three_per_minute, forged) == [200, 200, 200, 429]
        # Another real client (another address written by the proxy) has its own budget.
        assert statuses(three_per_minute, ["192.0.2.8"]) == [200]


def test_allauth_and_referrals_use_the_same_proxy_count(settings: Any, rf: Any) -> None:
    from allauth.core.internal.httpkit import get_client_ip

    from core.net import client_ip

    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == settings.TRUSTED_PROXY_COUNT == 0
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="192.0.2.1")
    assert client_ip(request) == get_client_ip(request) == "192.0.2.1"
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.9", REMOTE_ADDR="192.0.2.1")
    assert client_ip(request) == get_client_ip(request) == "203.0.113.9"


def test_the_production_image_does_not_let_daphne_trust_forwarded_for() -> None:
    """daphne --proxy-headers sets REMOTE_ADDR from the leftmost X-Forwarded-For entry,
    which the client writes: every address-keyed limit would follow the forged value."""
    from pathlib import Path

    dockerfile = Path(__file__).resolve().parents[3] / "Dockerfile"
    lines = dockerfile.read_text().splitlines()
    commands = [line for line in lines if "daphne" in line and not line.startswith("#")]
    assert commands and not any("--proxy-headers" in line for line in commands)
