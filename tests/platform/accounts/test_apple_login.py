"""Sign in with Apple, app flow: the app hands us the identity token Apple gave it, we verify
it against Apple's published keys (a JWKS served by `responses` at Apple's real URL, signed
here with an RSA key of our own) and answer with our own tokens."""

import json
import time
import uuid

import jwt
import pytest
import responses
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import override_settings
from jwt.algorithms import RSAAlgorithm
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import is_email_verified, roles_of
from accounts.testing import AUTH, bearer

pytestmark = pytest.mark.django_db

BUNDLE_ID = "org.toto.app"  # the app's bundle id: the identity token's audience
APPLE_KEYS = "https://appleid.apple.com/auth/keys"


def _signing_key_pem() -> str:
    """Apple's client-secret key (a P-256 key from the developer account): only used to call
    Apple's token endpoint in the website flow, never for verifying identity tokens."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


APPLE = {
    "apple": {
        "APPS": [
            {
                "client_id": BUNDLE_ID,
                "secret": "KEY1234567",
                "key": "TEAM123456",
                "settings": {"certificate_key": _signing_key_pem()},
            }
        ],
        "EMAIL_AUTHENTICATION": True,
    }
}


class FakeAppleKeys:
    """Apple's identity-token signing key, published as Apple publishes it: a JWKS
    (``{"keys": [{"kty": "RSA", "kid", "use": "sig", "alg": "RS256", "n", "e"}]}``)."""

    def __init__(self) -> None:
        self.kid = uuid.uuid4().hex[:10]
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def published(self) -> dict[str, list[dict[str, str]]]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def id_token(self, **claims: object) -> str:
        """An identity token with the claims Apple sends (email_verified and
        is_private_email are strings in Apple's tokens)."""
        now = int(time.time())
        payload = {
            "iss": "https://appleid.apple.com",
            "aud": BUNDLE_ID,
            "sub": "001234.0a1b2c3d4e5f60718293a4b5c6d7e8f9.1234",
            "email": "ana@icloud.com",
            "email_verified": "true",
            "is_private_email": "false",
            "auth_time": now,
            "nonce_supported": True,
            "iat": now,
            "exp": now + 600,
            **claims,
        }
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": self.kid})


@pytest.fixture
def apple() -> FakeAppleKeys:
    keys = FakeAppleKeys()
    with (
        responses.RequestsMock(assert_all_requests_are_fired=False) as mock,
        override_settings(SOCIALACCOUNT_PROVIDERS=APPLE),
    ):
        mock.get(APPLE_KEYS, json=keys.published())
        yield keys


def apple_token(id_token: str):  # type: ignore[no-untyped-def]
    return APIClient().post(
        f"{AUTH}/auth/provider/token",
        {
            "provider": "apple",
            "process": "login",
            "token": {"client_id": BUNDLE_ID, "id_token": id_token},
        },
        format="json",
    )


def test_an_apple_identity_token_signs_up_and_returns_our_tokens(mailbox, apple) -> None:
    response = apple_token(apple.id_token())
    assert response.status_code == 200, response.content
    meta = response.json()["meta"]
    user = User.objects.get(email="ana@icloud.com")
    assert roles_of(user) == {Role.STUDENT}
    assert is_email_verified(user)  # Apple vouched for the address
    assert user.socialaccount_set.get().provider == "apple"
    me = bearer(APIClient(), meta["access_token"]).get("/api/v1/users/me/")
    assert me.status_code == 200
    assert me.json()["email"] == "ana@icloud.com"

    # The same Apple ID later signs in to the same Toto account (Apple sends the email on
    # later sign-ins too, but the account is found by the Apple user id).
    again = apple_token(apple.id_token(email="ana@icloud.com"))
    assert again.status_code == 200, again.content
    assert User.objects.filter(email__iexact="ana@icloud.com").count() == 1
    assert again.json()["meta"]["access_token"] != meta["access_token"]


def test_a_hidden_relay_address_works_like_any_other(mailbox, apple) -> None:
    relay = "x7k2m9p4qz@privaterelay.appleid.com"
    response = apple_token(
        apple.id_token(sub="000999.abc.0001", email=relay, is_private_email="true")
    )
    assert response.status_code == 200, response.content
    assert is_email_verified(User.objects.get(email=relay))


def test_a_token_signed_by_someone_else_is_refused(mailbox, apple) -> None:
    forged = FakeAppleKeys()
    forged.kid = apple.kid  # claims Apple's key id, signed with another key
    assert apple_token(forged.id_token()).status_code == 400
    assert not User.objects.exists()


def test_a_token_for_another_app_from_another_issuer_or_expired_is_refused(mailbox, apple) -> None:
    assert apple_token(apple.id_token(aud="com.someone.else")).status_code == 400
    assert apple_token(apple.id_token(iss="https://accounts.google.com")).status_code == 400
    assert apple_token(apple.id_token(exp=int(time.time()) - 10)).status_code == 400
    assert apple_token("not-a-jwt").status_code == 400
    assert not User.objects.exists()


def test_the_keys_are_fetched_from_apple(mailbox, apple) -> None:
    """Apple's keys are fetched (not trusted from the token): with Apple unreachable, the
    token cannot be checked and nobody is signed in."""
    with responses.RequestsMock() as unreachable:
        unreachable.get(APPLE_KEYS, status=503)
        assert apple_token(apple.id_token()).status_code == 400
    assert not User.objects.exists()
