"""Social login, app flow: the app hands us Google's ID token, we verify it against Google's
published keys (served here by `responses` at Google's real URL, in Google's format) and
answer with our own tokens."""

import datetime as dt
import time
import uuid

import jwt
import pytest
import responses
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import is_email_verified, roles_of
from accounts.testing import AUTH, bearer

pytestmark = pytest.mark.django_db

CLIENT_ID = "1234-toto.apps.googleusercontent.com"
GOOGLE_CERTS = "https://www.googleapis.com/oauth2/v1/certs"
GOOGLE = {"google": {"APPS": [{"client_id": CLIENT_ID, "secret": ""}], "SCOPE": ["email"]}}


class FakeGoogleKeys:
    """A signing key and its X.509 certificate, published as Google publishes them
    (``{kid: PEM certificate}`` at the v1 certs URL)."""

    def __init__(self) -> None:
        self.kid = uuid.uuid4().hex
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "accounts.google.com")])
        now = dt.datetime.now(dt.UTC)
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .sign(self.key, hashes.SHA256())
        )

    def published(self) -> dict[str, str]:
        return {self.kid: self.certificate.public_bytes(serialization.Encoding.PEM).decode()}

    def id_token(self, **claims: object) -> str:
        now = int(time.time())
        payload = {
            "iss": "https://accounts.google.com",
            "aud": CLIENT_ID,
            "sub": "108001234567890",
            "email": "gina@gmail.com",
            "email_verified": True,
            "name": "Gina Google",
            "given_name": "Gina",
            "family_name": "Google",
            "iat": now,
            "exp": now + 600,
            **claims,
        }
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": self.kid})


@pytest.fixture
def google() -> FakeGoogleKeys:
    keys = FakeGoogleKeys()
    with responses.RequestsMock() as mock, override_settings(SOCIALACCOUNT_PROVIDERS=GOOGLE):
        mock.get(GOOGLE_CERTS, json=keys.published())
        yield keys


def provider_token(id_token: str):  # type: ignore[no-untyped-def]
    return APIClient().post(
        f"{AUTH}/auth/provider/token",
        {
            "provider": "google",
            "process": "login",
            "token": {"client_id": CLIENT_ID, "id_token": id_token},
        },
        format="json",
    )


def test_a_google_id_token_signs_up_and_returns_our_tokens(mailbox, google) -> None:
    response = provider_token(google.id_token())
    assert response.status_code == 200, response.content
    meta = response.json()["meta"]
    user = User.objects.get(email="gina@gmail.com")
    assert user.get_full_name() == "Gina Google"
    assert roles_of(user) == {Role.STUDENT}
    assert is_email_verified(user)  # Google vouched for the address
    me = bearer(APIClient(), meta["access_token"]).get("/api/v1/users/me/")
    assert me.status_code == 200
    assert me.json()["email"] == "gina@gmail.com"

    # The same Google account later signs in to the same Toto account.
    again = provider_token(google.id_token())
    assert again.status_code == 200
    assert User.objects.filter(email__iexact="gina@gmail.com").count() == 1


def test_a_token_signed_by_someone_else_is_refused(mailbox, google) -> None:
    forged = FakeGoogleKeys()
    forged.kid = google.kid  # claims Google's key id, signed with another key
    response = provider_token(forged.id_token())
    assert response.status_code == 400
    assert not User.objects.exists()


def test_a_token_for_another_app_or_expired_is_refused(mailbox, google) -> None:
    assert provider_token(google.id_token(aud="someone-else")).status_code == 400
    assert provider_token(google.id_token(exp=int(time.time()) - 10)).status_code == 400
    assert not User.objects.exists()


def test_buttons_appear_only_for_configured_providers(client) -> None:
    with override_settings(SOCIALACCOUNT_PROVIDERS={}):
        page = client.get("/accounts/login/").content.decode()
        assert "/accounts/google/login/" not in page
    with override_settings(SOCIALACCOUNT_PROVIDERS=GOOGLE):
        page = client.get("/accounts/login/").content.decode()
        assert "/accounts/google/login/" in page
        assert "/accounts/facebook/login/" not in page


def test_an_address_google_does_not_vouch_for_signs_in_unverified_until_the_code(
    mailbox, google
) -> None:
    from accounts.testing import code_in

    response = provider_token(google.id_token(email_verified=False, sub="999"))
    assert response.status_code == 200, response.content
    user = User.objects.get(email="gina@gmail.com")
    assert not is_email_verified(user)
    client = bearer(APIClient(), response.json()["meta"]["access_token"])
    refused = client.post("/api/v1/payments/checkout/", {}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "email_not_verified"

    response = client.post(
        f"{AUTH}/auth/email/verify", {"key": code_in(mailbox[-1])}, format="json"
    )
    assert response.status_code == 200, response.content
    assert is_email_verified(user)


FACEBOOK_APP_ID = "4242"
FACEBOOK = {"facebook": {"APPS": [{"client_id": FACEBOOK_APP_ID, "secret": "fb-secret"}]}}


@pytest.fixture
def facebook():  # type: ignore[no-untyped-def]
    """Facebook's Graph API as allauth calls it: the app token, debug_token (is the user's
    token valid and for our app?) and /me."""
    from allauth.socialaccount.providers.facebook.constants import GRAPH_API_URL

    with (
        responses.RequestsMock(assert_all_requests_are_fired=False) as mock,
        override_settings(SOCIALACCOUNT_PROVIDERS=FACEBOOK),
    ):
        mock.get(
            f"{GRAPH_API_URL}/oauth/access_token",
            json={"access_token": "app|token", "token_type": "bearer"},
        )
        mock.get(
            f"{GRAPH_API_URL}/me",
            json={
                "id": "10001",
                "email": "fiona@example.com",
                "first_name": "Fiona",
                "last_name": "Facebook",
                "name": "Fiona Facebook",
            },
        )
        yield mock, GRAPH_API_URL


def facebook_token(access_token: str):  # type: ignore[no-untyped-def]
    return APIClient().post(
        f"{AUTH}/auth/provider/token",
        {
            "provider": "facebook",
            "process": "login",
            "token": {"client_id": FACEBOOK_APP_ID, "access_token": access_token},
        },
        format="json",
    )


def test_a_facebook_token_signs_up_with_the_address_still_to_verify(mailbox, facebook) -> None:
    mock, graph = facebook
    mock.get(
        f"{graph}/debug_token",
        json={"data": {"is_valid": True, "app_id": FACEBOOK_APP_ID, "user_id": "10001"}},
    )
    response = facebook_token("user-token")
    # Facebook does not vouch for addresses: signed in, and a code is on its way.
    assert response.status_code == 200, response.content
    assert response.json()["meta"]["access_token"]
    user = User.objects.get(email="fiona@example.com")
    assert not is_email_verified(user)
    assert [message.to for message in mailbox] == [["fiona@example.com"]]
    assert user.get_full_name() == "Fiona Facebook"
    assert roles_of(user) == {Role.STUDENT}


def test_a_facebook_token_for_another_app_is_refused(mailbox, facebook) -> None:
    mock, graph = facebook
    mock.get(f"{graph}/debug_token", json={"data": {"is_valid": True, "app_id": "9999"}})
    assert facebook_token("someone-elses-token").status_code == 400
    assert not User.objects.exists()
