"""Minimum age at sign-up (MINIMUM_AGE, UNDERAGE_POLICY) on the website and the headless API:
"refuse" turns an under-age sign-up down with a clear message; "guardian_consent" creates a
limited account and emails the guardian a signed link, the account opening once they consent.
Also: "I accept the terms" is asked only when legal documents are published."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.guardians import age_on, consent_token
from accounts.models import GuardianConsent, Profile, User
from accounts.testing import AUTH, bearer

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "kid@example.com",
    "password": "Gr33n-tea-at-noon",
    "role": "student",
    "full_name": "Kim Kid",
}


def years_ago(years: int, days: int = 0) -> str:
    today = timezone.localdate()
    return (today.replace(year=today.year - years) - datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def refuse(settings):  # type: ignore[no-untyped-def]
    settings.MINIMUM_AGE = 16
    settings.UNDERAGE_POLICY = "refuse"


@pytest.fixture
def guardian_policy(settings):  # type: ignore[no-untyped-def]
    settings.MINIMUM_AGE = 16
    settings.UNDERAGE_POLICY = "guardian_consent"


def test_age_counts_completed_years() -> None:
    born = datetime.date(2010, 2, 28)
    assert age_on(born, datetime.date(2026, 2, 27)) == 15
    assert age_on(born, datetime.date(2026, 2, 28)) == 16


def test_no_minimum_age_asks_no_birthday(app_client) -> None:
    answer = app_client.post(f"{AUTH}/auth/signup", SIGNUP, format="json")
    assert answer.status_code == 200, answer.content


def test_refuse_turns_an_under_age_api_signup_down(app_client, refuse) -> None:
    missing = app_client.post(f"{AUTH}/auth/signup", SIGNUP, format="json")
    assert missing.status_code == 400
    assert "date_of_birth" in str(missing.json())
    young = app_client.post(
        f"{AUTH}/auth/signup",
        {**SIGNUP, "date_of_birth": years_ago(16, days=-1)},  # 16 tomorrow
        format="json",
    )
    assert young.status_code == 400
    assert "at least 16 years old" in str(young.json())
    assert not User.objects.filter(email=SIGNUP["email"]).exists()

    old_enough = app_client.post(
        f"{AUTH}/auth/signup", {**SIGNUP, "date_of_birth": years_ago(16)}, format="json"
    )
    assert old_enough.status_code == 200, old_enough.content
    user = User.objects.get(email=SIGNUP["email"])
    assert not user.awaiting_guardian_consent
    # Stored (encrypted) on the profile.
    assert Profile.objects.get(user=user).date_of_birth.isoformat() == years_ago(16)


def test_refuse_on_the_website(client, refuse) -> None:
    form = {
        "email": "web.kid@example.com",
        "password1": "Gr33n-tea-at-noon",
        "role": "student",
        "full_name": "Wes Kid",
        "date_of_birth": years_ago(12),
    }
    page = client.get("/accounts/signup/").content.decode()
    assert 'name="date_of_birth"' in page and 'name="guardian_email"' not in page
    refused = client.post("/accounts/signup/", form)
    assert refused.status_code == 200
    assert "at least 16 years old" in refused.content.decode()
    assert not User.objects.filter(email="web.kid@example.com").exists()


def test_guardian_consent_limits_the_account_until_the_guardian_consents(
    app_client, mailbox, guardian_policy, client
) -> None:
    no_guardian = app_client.post(
        f"{AUTH}/auth/signup", {**SIGNUP, "date_of_birth": years_ago(12)}, format="json"
    )
    assert no_guardian.status_code == 400 and "guardian_email" in str(no_guardian.json())

    answer = app_client.post(
        f"{AUTH}/auth/signup",
        {**SIGNUP, "date_of_birth": years_ago(12), "guardian_email": "parent@example.com"},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    user = User.objects.get(email=SIGNUP["email"])
    assert user.awaiting_guardian_consent
    assert GuardianConsent.objects.get(user=user).guardian_email == "parent@example.com"

    # The API is limited, with the reason; signing in, the legal pages and the export are not.
    api = bearer(APIClient(), answer.json()["meta"]["access_token"])
    limited = api.get("/api/v1/users/me/")
    assert limited.status_code == 403
    assert limited.json()["code"] == "guardian_consent_required"
    assert api.get(f"{AUTH}/auth/session").status_code == 200
    assert api.get("/api/v1/users/me/export/").status_code == 200
    # The website sends the person to the waiting page.
    client.force_login(user)
    home = client.get("/wallet/")
    assert home.status_code == 302 and home["Location"] == "/accounts/guardian-consent/pending/"
    assert client.get(home["Location"]).status_code == 200

    [email] = [m for m in mailbox if "parent@example.com" in m.to]
    link = re.search(r"https?://\S+/accounts/guardian-consent/(\S+)/", email.body)
    assert link is not None
    token = link.group(1)
    guardian = Client()
    page = guardian.get(f"/accounts/guardian-consent/{token}/")
    assert page.status_code == 200 and "Kim Kid" in page.content.decode()
    assert guardian.get(f"/accounts/guardian-consent/{token}x/").status_code == 404

    consented = guardian.post(f"/accounts/guardian-consent/{token}/", {"answer": "consent"})
    assert "account is now open" in consented.content.decode()
    user.refresh_from_db()
    assert not user.awaiting_guardian_consent
    assert api.get("/api/v1/users/me/").status_code == 200
    assert client.get("/wallet/").status_code == 200
    # Answered once: a later "decline" through the same link changes nothing.
    guardian.post(f"/accounts/guardian-consent/{token}/", {"answer": "decline"})
    user.refresh_from_db()
    assert user.is_active and not user.awaiting_guardian_consent


def test_a_guardian_who_declines_closes_the_account(user_factory, guardian_policy) -> None:
    from accounts.services import request_guardian_consent

    kid = user_factory(email="kid2@example.com")
    request_guardian_consent(kid, guardian_email="parent@example.com")
    Client().post(f"/accounts/guardian-consent/{consent_token(kid.pk)}/", {"answer": "decline"})
    kid.refresh_from_db()
    assert not kid.is_active
    assert GuardianConsent.objects.get(user=kid).declined_at is not None


def test_an_adult_under_the_guardian_policy_signs_up_normally(app_client, guardian_policy):
    answer = app_client.post(
        f"{AUTH}/auth/signup", {**SIGNUP, "date_of_birth": years_ago(30)}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert not User.objects.get(email=SIGNUP["email"]).awaiting_guardian_consent
    assert not GuardianConsent.objects.exists()


def test_terms_are_not_required_while_none_is_published(app_client, client, settings) -> None:
    settings.LEGAL_ACCEPTANCE_REQUIRED = True
    answer = app_client.post(f"{AUTH}/auth/signup", SIGNUP, format="json")
    assert answer.status_code == 200, answer.content
    page = client.get("/accounts/signup/").content.decode()
    assert 'name="accept_terms"' not in page
