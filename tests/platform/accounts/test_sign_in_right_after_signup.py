"""Signing in with the password right after sign-up (a code was just emailed) works.

allauth would refuse it for 10 s with ``too_many_login_attempts`` (the per-address cooldown
on sending codes, see accounts.apps); the failed-sign-in lockout still applies."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.testing import AUTH

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "quick@example.com",
    "password": "Gr33n-tea-at-noon",
    "role": "student",
    "full_name": "Quinn Quick",
}


def test_api_sign_in_at_once_after_signup(mailbox, app_client: APIClient) -> None:
    assert app_client.post(f"{AUTH}/auth/signup", SIGNUP, format="json").status_code == 200
    assert len(mailbox) == 1  # the code was just sent: the cooldown is running
    response = APIClient().post(
        f"{AUTH}/auth/login",
        {"email": SIGNUP["email"], "password": SIGNUP["password"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["meta"]["access_token"]
    # Still unverified, and no second code was sent by signing in.
    assert response.json()["data"]["user"]["email"] == SIGNUP["email"]
    assert len(mailbox) == 1


def test_website_sign_in_at_once_after_signup(mailbox) -> None:
    browser = Client()
    response = browser.post(
        "/accounts/signup/",
        {
            "email": SIGNUP["email"],
            "password1": SIGNUP["password"],
            "role": "student",
            "full_name": SIGNUP["full_name"],
        },
    )
    assert response.status_code == 302, response.content
    response = Client().post(
        "/accounts/login/", {"login": SIGNUP["email"], "password": SIGNUP["password"]}
    )
    assert response.status_code == 302
    assert "too many" not in response.content.decode().lower()


def test_wrong_passwords_still_lock_the_address(mailbox, app_client: APIClient) -> None:
    app_client.post(f"{AUTH}/auth/signup", SIGNUP, format="json")
    codes = []
    for _ in range(6):
        response = APIClient().post(
            f"{AUTH}/auth/login", {"email": SIGNUP["email"], "password": "wrong"}, format="json"
        )
        codes.append([error["code"] for error in response.json()["errors"]])
    assert codes[-1] == ["too_many_login_attempts"]
