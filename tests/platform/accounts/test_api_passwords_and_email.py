"""Password reset by code, password change and email change with re-verification, through
the auth API."""

import pytest
from rest_framework.test import APIClient

from accounts.testing import AUTH, bearer, code_in

pytestmark = pytest.mark.django_db


def test_password_reset_by_code(mailbox, student) -> None:
    client = APIClient()
    response = client.post(
        f"{AUTH}/auth/password/request", {"email": "SAM@example.com"}, format="json"
    )
    assert response.status_code == 401, response.content  # a pending "reset by code" step
    session_token = response.json()["meta"]["session_token"]
    code = code_in(mailbox[-1])

    wrong = client.post(
        f"{AUTH}/auth/password/reset",
        {"key": "ZZZZ-ZZZZ", "password": "Brand-new-pass-42"},
        format="json",
        HTTP_X_SESSION_TOKEN=session_token,
    )
    assert wrong.status_code == 400
    weak = client.post(
        f"{AUTH}/auth/password/reset",
        {"key": code, "password": "123"},
        format="json",
        HTTP_X_SESSION_TOKEN=session_token,
    )
    assert weak.status_code == 400
    response = client.post(
        f"{AUTH}/auth/password/reset",
        {"key": code, "password": "Brand-new-pass-42"},
        format="json",
        HTTP_X_SESSION_TOKEN=session_token,
    )
    assert response.status_code in {200, 401}, response.content
    student.refresh_from_db()
    assert student.check_password("Brand-new-pass-42")

    login = APIClient().post(
        f"{AUTH}/auth/login",
        {"email": "sam@example.com", "password": "Brand-new-pass-42"},
        format="json",
    )
    assert login.status_code == 200


def test_a_reset_for_an_unknown_address_is_a_clear_400(mailbox) -> None:
    response = APIClient().post(
        f"{AUTH}/auth/password/request", {"email": "nobody@example.com"}, format="json"
    )
    assert response.status_code == 400
    assert [error["param"] for error in response.json()["errors"]] == ["email"]
    assert mailbox == []


def test_password_change_needs_the_current_one(mailbox, student, login_tokens) -> None:
    client = bearer(APIClient(), login_tokens("sam@example.com")["access_token"])
    wrong = client.post(
        f"{AUTH}/account/password/change",
        {"current_password": "guess", "new_password": "Another-pass-77"},
        format="json",
    )
    assert wrong.status_code == 400
    ok = client.post(
        f"{AUTH}/account/password/change",
        {"current_password": "correct-horse-battery", "new_password": "Another-pass-77"},
        format="json",
    )
    assert ok.status_code == 200, ok.content
    student.refresh_from_db()
    assert student.check_password("Another-pass-77")


def test_email_change_takes_effect_only_once_verified(mailbox, student, login_tokens) -> None:
    client = bearer(APIClient(), login_tokens("sam@example.com")["access_token"])
    mailbox.clear()
    response = client.post(f"{AUTH}/account/email", {"email": "sam.new@example.com"}, format="json")
    assert response.status_code == 200, response.content
    student.refresh_from_db()
    assert student.email == "sam@example.com"  # not yet
    code = code_in(next(m for m in mailbox if "sam.new@example.com" in m.to))
    response = client.post(f"{AUTH}/auth/email/verify", {"key": code}, format="json")
    assert response.status_code == 200, response.content
    student.refresh_from_db()
    assert student.email == "sam.new@example.com"
    assert [a.email for a in student.emailaddress_set.all()] == ["sam.new@example.com"]
