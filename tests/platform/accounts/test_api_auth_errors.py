"""Bad input to the auth API gets a clear 4xx and changes nothing."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.models import User
from accounts.testing import AUTH, bearer, code_in

pytestmark = pytest.mark.django_db


def signup(client: APIClient, **overrides: str):  # type: ignore[no-untyped-def]
    payload = {
        "email": "nora@example.com",
        "password": "Gr33n-tea-at-noon",
        "role": "student",
        "full_name": "Nora Learner",
        **overrides,
    }
    return client.post(f"{AUTH}/auth/signup", payload, format="json")


def error_params(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {error.get("param") for error in response.json()["errors"]}


def test_duplicate_email_in_other_letter_case_is_refused(mailbox, user_factory) -> None:
    user_factory(email="nora@example.com")
    response = signup(APIClient(), email="NORA@Example.COM")
    assert response.status_code == 400
    assert error_params(response) == {"email"}
    assert User.objects.filter(email__iexact="nora@example.com").count() == 1
    assert mailbox == []


@pytest.mark.parametrize("password", ["short1", "password123", "12345678901", "iloveyou"])
def test_weak_passwords_are_refused(mailbox, password: str) -> None:
    response = signup(APIClient(), password=password)
    assert response.status_code == 400
    assert error_params(response) == {"password"}
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("role", "admin"), ("role", "moderator"), ("role", ""), ("full_name", "   ")],
)
def test_role_and_full_name_are_required_and_staff_roles_cannot_be_chosen(
    mailbox, field: str, value: str
) -> None:
    response = signup(APIClient(), **{field: value})
    assert response.status_code == 400
    assert error_params(response) == {field}
    assert not User.objects.exists()


def test_html_in_a_name_is_stored_as_typed(mailbox) -> None:
    response = signup(APIClient(), full_name="<b>Nora</b> <script>alert(1)</script>")
    assert response.status_code == 200
    user = User.objects.get()
    assert user.get_full_name() == "<b>Nora</b> <script>alert(1)</script>"


def _signed_up(client: APIClient) -> APIClient:
    """Signs up (which signs in) and returns a client carrying the new access token."""
    response = signup(client)
    assert response.status_code == 200, response.content
    return bearer(APIClient(), response.json()["meta"]["access_token"])


def verify(client: APIClient, code: str):  # type: ignore[no-untyped-def]
    return client.post(f"{AUTH}/auth/email/verify", {"key": code}, format="json")


def test_a_wrong_code_is_refused_and_the_third_voids_the_code(mailbox) -> None:
    client = _signed_up(APIClient())
    right = code_in(mailbox[0])
    for _attempt in range(2):
        response = verify(client, "AAAA-AAAA")
        assert response.status_code == 400, response.content
        assert error_params(response) == {"key"}
        assert response.json()["errors"][0]["code"] == "incorrect_code"
    response = verify(client, "BBBB-BBBB")
    assert response.status_code == 400
    # After too many wrong codes even the right one no longer works: no code is pending.
    response = verify(client, right)
    assert response.status_code == 409, response.content
    assert not User.objects.get().emailaddress_set.filter(verified=True).exists()
    # The account stays signed in and can ask for a new code.
    assert client.get("/api/v1/users/me/").status_code == 200


def test_an_expired_code_is_refused(mailbox) -> None:
    client = _signed_up(APIClient())
    code = code_in(mailbox[0])
    with override_settings(ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT=-1):
        response = verify(client, code)
    assert response.status_code == 409, response.content
    assert not User.objects.get().emailaddress_set.filter(verified=True).exists()


def test_new_codes_are_throttled_per_address(mailbox) -> None:
    client = _signed_up(APIClient())
    # The code sent at sign-up was the address's one for the next ten seconds.
    response = client.post(f"{AUTH}/auth/email/verify/resend")
    assert response.status_code == 429, response.content
    response = client.put(f"{AUTH}/account/email", {"email": "nora@example.com"}, format="json")
    assert response.status_code == 429, response.content
    assert len(mailbox) == 1
    code = code_in(mailbox[0])
    assert verify(client, code).status_code == 200


def test_repeated_failed_logins_lock_the_address(mailbox, user_factory) -> None:
    user_factory(email="sam@example.com")
    for _attempt in range(5):
        response = APIClient().post(
            f"{AUTH}/auth/login",
            {"email": "sam@example.com", "password": "not-my-password"},
            format="json",
        )
        assert response.status_code == 400
    # Locked: even the right password is refused for now, from any client.
    response = APIClient().post(
        f"{AUTH}/auth/login",
        {"email": "sam@example.com", "password": "correct-horse-battery"},
        format="json",
    )
    assert response.status_code == 400
    assert [error["code"] for error in response.json()["errors"]] == ["too_many_login_attempts"]
    assert "access_token" not in response.json().get("meta", {})


def test_a_garbage_or_forged_token_is_401(student) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not.a.jwt")
    response = client.get("/api/v1/users/me/")
    assert response.status_code == 401
    assert response.json()["code"] in {"authentication_failed", "not_authenticated"}
