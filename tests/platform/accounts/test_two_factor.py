"""Two-factor authentication: available to everyone, required of admins and moderators
before they reach the Wagtail admin."""

import pytest
from allauth.mfa.models import Authenticator

from accounts.testing import totp_code

pytestmark = pytest.mark.django_db


def test_an_admin_without_totp_is_sent_to_set_it_up(client, user_factory) -> None:
    from accounts.roles import Role
    from accounts.services import grant_role

    admin_without = user_factory(email="new.admin@example.com")
    grant_role(admin_without, Role.ADMIN)
    client.force_login(admin_without)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
    # allauth asks for the password again before changing two-factor settings.
    setup = client.get(response["Location"], follow=True)
    assert setup.status_code == 200
    assert setup.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")


def test_moderators_too_but_not_content_creators(client, role_user, content_creator) -> None:
    from accounts.roles import Role

    moderator = role_user(Role.MODERATOR)
    Authenticator.objects.filter(user=moderator).delete()
    client.force_login(moderator)
    assert client.get("/admin/")["Location"].startswith("/accounts/2fa/")
    client.force_login(content_creator)
    assert client.get("/admin/").status_code == 200


def test_an_admin_with_totp_reaches_the_admin(client, admin) -> None:
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200


def test_signing_in_with_totp_asks_for_the_code(client, admin) -> None:
    response = client.post(
        "/accounts/login/", {"login": "ada@example.com", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert client.get("/admin/").status_code == 302  # not signed in yet
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(admin.totp_secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_wagtail_login_page_goes_through_allauth(client) -> None:
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/pages/"
    final = client.get("/admin/", follow=True).redirect_chain[-1][0]
    assert final.startswith("/accounts/login/")


def test_api_login_with_totp_needs_the_code(mailbox, admin) -> None:
    from rest_framework.test import APIClient

    from accounts.testing import AUTH

    client = APIClient()
    response = client.post(
        f"{AUTH}/auth/login",
        {"email": "ada@example.com", "password": "correct-horse-battery"},
        format="json",
    )
    assert response.status_code == 401
    pending = [f["id"] for f in response.json()["data"]["flows"] if f.get("is_pending")]
    assert pending == ["mfa_authenticate"]
    session_token = response.json()["meta"]["session_token"]
    response = client.post(
        f"{AUTH}/auth/2fa/authenticate",
        {"code": totp_code(admin.totp_secret)},
        format="json",
        HTTP_X_SESSION_TOKEN=session_token,
    )
    assert response.status_code == 200, response.content
    assert response.json()["meta"]["access_token"]
