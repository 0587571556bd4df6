"""Admin access: /admin/ (and /django-admin/) only from ADMIN_ALLOWED_NETWORKS, judged on the
address the trusted proxies vouch for; failed sign-ins aimed at the admin are security events
(a row superusers list in the admin, and a structured log record)."""

import logging

import pytest

from core.models import SecurityEvent, SecurityEventKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_only(settings):  # type: ignore[no-untyped-def]
    settings.ADMIN_ALLOWED_NETWORKS = ["192.0.2.0/24", "2001:db8::/32"]


def test_everywhere_when_no_networks_are_set(client, admin):
    client.force_login(admin)
    assert client.get("/admin/", REMOTE_ADDR="203.0.113.5").status_code == 200


def test_outside_the_networks_the_admin_is_refused_and_recorded(client, admin, office_only):
    client.force_login(admin)
    refused = client.get("/admin/pages/", REMOTE_ADDR="203.0.113.5")
    assert refused.status_code == 403
    assert client.get("/django-admin/", REMOTE_ADDR="203.0.113.5").status_code == 403
    events = SecurityEvent.objects.filter(kind=SecurityEventKind.ADMIN_NETWORK_REFUSED)
    assert sorted(events.values_list("ip", "path")) == [
        ("203.0.113.5", "/admin/pages/"),
        ("203.0.113.5", "/django-admin/"),
    ]
    # Inside the networks (IPv4 and IPv6) it works; the website is never restricted.
    assert client.get("/admin/", REMOTE_ADDR="192.0.2.44").status_code == 200
    assert client.get("/admin/", REMOTE_ADDR="2001:db8::7").status_code == 200
    assert client.get("/wallet/", REMOTE_ADDR="203.0.113.5").status_code == 200


def test_a_forged_forwarded_for_does_not_get_in(client, admin, office_only, settings):
    client.force_login(admin)
    forged = client.get("/admin/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert forged.status_code == 403
    # Behind one trusted proxy the proxy's entry is the client: that one counts.
    settings.TRUSTED_PROXY_COUNT = 1
    via_proxy = client.get(
        "/admin/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 192.0.2.9"
    )
    assert via_proxy.status_code == 200


def test_two_factor_is_still_required_inside_the_networks(client, user_factory, office_only):
    from accounts.roles import Role
    from accounts.services import grant_role

    new_admin = user_factory(email="new-admin@example.com")
    grant_role(new_admin, Role.ADMIN)  # no authenticator yet
    client.force_login(new_admin)
    answer = client.get("/admin/", REMOTE_ADDR="192.0.2.44")
    assert answer.status_code == 302 and "/accounts/2fa/totp/activate/" in answer["Location"]


def test_a_failed_admin_sign_in_is_a_security_event(client, admin, caplog):
    with caplog.at_level(logging.WARNING, logger="toto.security"):
        answer = client.post(
            "/accounts/login/?next=/admin/",
            {"login": "ada@example.com", "password": "wrong-password"},
            REMOTE_ADDR="198.51.100.23",
        )
    assert answer.status_code == 200  # the form again, with its error
    event = SecurityEvent.objects.get(kind=SecurityEventKind.ADMIN_SIGN_IN_FAILED)
    assert (event.identifier, event.ip) == ("ada@example.com", "198.51.100.23")
    record = next(r for r in caplog.records if r.name == "toto.security")
    assert record.event == "admin_sign_in_failed" and record.ip == "198.51.100.23"  # type: ignore[attr-defined]


def test_a_learner_s_failed_sign_in_on_the_website_is_not_an_admin_event(client, student):
    client.post("/accounts/login/", {"login": student.email, "password": "nope-nope-nope"})
    assert not SecurityEvent.objects.exists()


def test_superusers_see_security_events_in_the_admin_others_do_not(client, admin, moderator):
    SecurityEvent.objects.create(
        kind=SecurityEventKind.ADMIN_SIGN_IN_FAILED, ip="198.51.100.23", identifier="x@example.com"
    )
    client.force_login(admin)
    listing = client.get("/admin/security-events/")
    assert listing.status_code == 200 and "x@example.com" in listing.content.decode()
    event = SecurityEvent.objects.get()
    inspect = client.get(f"/admin/security-events/inspect/{event.pk}/")
    assert inspect.status_code == 200 and "198.51.100.23" in inspect.content.decode()
    assert client.get(f"/admin/security-events/edit/{event.pk}/").status_code == 404
    client.force_login(moderator)
    assert client.get("/admin/security-events/").status_code in (302, 403)
