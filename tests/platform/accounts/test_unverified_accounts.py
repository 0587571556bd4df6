"""An unverified account signs in and edits its profile, but cannot pay (nor book or message:
the same permission) until it enters a code; the code can be asked for at any later sign-in."""

import pytest
from rest_framework.test import APIClient

from accounts.selectors import is_email_verified
from accounts.testing import AUTH, bearer, code_in

pytestmark = pytest.mark.django_db


def checkout(client: APIClient):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/payments/checkout/", {}, format="json")


def test_an_unverified_account_signs_in_edits_its_profile_then_verifies_to_pay(
    mailbox, user_factory, login_tokens
) -> None:
    user = user_factory(email="una@example.com", verified=False)
    client = bearer(APIClient(), login_tokens("una@example.com")["access_token"])
    # Signing in sends nothing: the code was mailed at sign-up.
    assert mailbox == []

    me = client.get("/api/v1/users/me/")
    assert me.status_code == 200, me.content
    assert me.json()["email_verified"] is False
    response = client.patch("/api/v1/users/me/", {"bio": "Aprendo inglés."}, format="json")
    assert response.status_code == 200, response.content
    user.profile.refresh_from_db()
    assert user.profile.bio == "Aprendo inglés."

    refused = checkout(client)
    assert refused.status_code == 403
    assert refused.json()["code"] == "email_not_verified"

    # No code is pending in this sign-in: asking for one sends it to the account's address.
    assert client.post(f"{AUTH}/auth/email/verify", {"key": "AAAA-AAAA"}).status_code == 409
    response = client.put(f"{AUTH}/account/email", {"email": "una@example.com"}, format="json")
    assert response.status_code == 200, response.content
    assert [message.to for message in mailbox] == [["una@example.com"]]
    response = client.post(f"{AUTH}/auth/email/verify", {"key": code_in(mailbox[0])}, format="json")
    assert response.status_code == 200, response.content
    assert is_email_verified(user)

    # The permission passes now; the empty request is merely invalid.
    assert checkout(client).status_code == 400


def test_a_code_cannot_be_asked_for_another_persons_address(
    mailbox, user_factory, login_tokens
) -> None:
    user_factory(email="una@example.com", verified=False)
    user_factory(email="victim@example.com", verified=False)
    client = bearer(APIClient(), login_tokens("una@example.com")["access_token"])
    response = client.put(f"{AUTH}/account/email", {"email": "victim@example.com"}, format="json")
    assert response.status_code == 400
    assert mailbox == []


def test_a_code_from_one_account_does_not_verify_another(
    mailbox, user_factory, login_tokens
) -> None:
    una = user_factory(email="una@example.com", verified=False)
    other = user_factory(email="otto@example.com", verified=False)
    una_client = bearer(APIClient(), login_tokens("una@example.com")["access_token"])
    other_client = bearer(APIClient(), login_tokens("otto@example.com")["access_token"])
    una_client.put(f"{AUTH}/account/email", {"email": "una@example.com"}, format="json")
    response = other_client.post(
        f"{AUTH}/auth/email/verify", {"key": code_in(mailbox[0])}, format="json"
    )
    assert response.status_code == 409
    assert not is_email_verified(una)
    assert not is_email_verified(other)
