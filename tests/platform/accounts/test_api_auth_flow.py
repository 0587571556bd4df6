"""Sign-up → verify → sign in → refresh → sign out through the auth API (app client)."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import is_email_verified, roles_of
from accounts.testing import AUTH, bearer, code_in

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "new.learner@example.com",
    "password": "Gr33n-tea-at-noon",
    "role": "student",
    "full_name": "Nora  van   Learner",
}


def test_signup_verify_login_refresh_logout(mailbox, app_client: APIClient) -> None:
    # Sign-up signs the new account in at once and emails a code.
    response = app_client.post(f"{AUTH}/auth/signup", SIGNUP, format="json")
    assert response.status_code == 200, response.content
    meta = response.json()["meta"]
    assert meta["is_authenticated"] is True
    assert meta["access_token"] and meta["refresh_token"]

    user = User.objects.get(email="new.learner@example.com")
    assert user.first_name == "Nora"
    assert user.last_name == "van Learner"
    assert roles_of(user) == {Role.STUDENT}
    assert user.profile.time_zone == "UTC"
    assert not is_email_verified(user)
    assert len(mailbox) == 1
    code = code_in(mailbox[0])

    client = bearer(APIClient(), meta["access_token"])
    me = client.get("/api/v1/users/me/")
    assert me.status_code == 200, me.content
    assert me.json()["email_verified"] is False
    # Unverified: paying is refused with a clear code.
    refused = client.post("/api/v1/payments/checkout/", {}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "email_not_verified"

    # The signed-in user enters the emailed code.
    response = client.post(f"{AUTH}/auth/email/verify", {"key": code}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["meta"]["is_authenticated"] is True
    assert is_email_verified(user)

    me = client.get("/api/v1/users/me/")
    assert me.status_code == 200, me.content
    assert me.json()["email"] == "new.learner@example.com"
    assert me.json()["full_name"] == "Nora van Learner"
    assert me.json()["email_verified"] is True
    # Past the permission now: the empty checkout request is merely invalid.
    assert client.post("/api/v1/payments/checkout/", {}, format="json").status_code == 400

    # Sign in again with the password: fresh tokens.
    response = APIClient().post(
        f"{AUTH}/auth/login",
        {"email": "New.Learner@Example.com", "password": SIGNUP["password"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    tokens = response.json()["meta"]

    # Refresh rotates: the new pair works, the used refresh token no longer does.
    response = APIClient().post(
        f"{AUTH}/tokens/refresh", {"refresh_token": tokens["refresh_token"]}, format="json"
    )
    assert response.status_code == 200, response.content
    refreshed = response.json()["data"]
    assert refreshed["refresh_token"] != tokens["refresh_token"]
    reused = APIClient().post(
        f"{AUTH}/tokens/refresh", {"refresh_token": tokens["refresh_token"]}, format="json"
    )
    assert reused.status_code == 400
    assert (
        bearer(APIClient(), refreshed["access_token"]).get("/api/v1/users/me/").status_code == 200
    )

    # Signing out revokes the session behind every token of this sign-in.
    response = bearer(APIClient(), refreshed["access_token"]).delete(f"{AUTH}/auth/session")
    assert response.status_code == 401, response.content
    assert (
        bearer(APIClient(), refreshed["access_token"]).get("/api/v1/users/me/").status_code == 401
    )
    again = APIClient().post(
        f"{AUTH}/tokens/refresh", {"refresh_token": refreshed["refresh_token"]}, format="json"
    )
    assert again.status_code == 400
    # The first sign-in (at sign-up) is a separate session and still works.
    assert bearer(APIClient(), meta["access_token"]).get("/api/v1/users/me/").status_code == 200
