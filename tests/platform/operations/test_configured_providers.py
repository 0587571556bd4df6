"""Keys saved in the admin's service configuration reach the apps that use them (payments,
Zoom, Web Push) on their next call, with no restart and nothing in the environment."""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from notifications import push
from payments import conf as payments_conf
from tutoring import zoom

pytestmark = pytest.mark.django_db

CONFIG_URL = "/admin/service-configuration/"
NAMES = (
    "STRIPE_SECRET_KEY",
    "RAZORPAY_KEY_ID",
    "RAZORPAY_KEY_SECRET",
    "ZOOM_ACCOUNT_ID",
    "ZOOM_CLIENT_ID",
    "ZOOM_CLIENT_SECRET",
    "VAPID_PRIVATE_KEY",
    "VAPID_SUBJECT",
)


def test_keys_saved_in_the_admin_configure_payments_zoom_and_push(  # type: ignore[no-untyped-def]
    client, admin, settings, monkeypatch
) -> None:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
        setattr(settings, name, "")
    assert not payments_conf.stripe_configured()
    assert not payments_conf.razorpay_configured()
    assert not zoom.is_configured()
    assert push.vapid_public_key() == ""

    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    client.force_login(admin)
    response = client.post(
        CONFIG_URL,
        {
            "STRIPE_SECRET_KEY": "sk_test_configured_in_admin_1234",
            "RAZORPAY_KEY_ID": "rzp_test_admin",
            "RAZORPAY_KEY_SECRET": "rzp_secret_admin_5678",
            "ZOOM_ACCOUNT_ID": "acct-admin",
            "ZOOM_CLIENT_ID": "client-admin",
            "ZOOM_CLIENT_SECRET": "zoom-secret-admin-9012",
            "VAPID_PRIVATE_KEY": pem,
            "VAPID_SUBJECT": "mailto:ops@toto.example",
        },
    )
    assert response.status_code == 302

    assert payments_conf.setting("STRIPE_SECRET_KEY") == "sk_test_configured_in_admin_1234"
    assert payments_conf.stripe_configured() and payments_conf.razorpay_configured()
    offered = [code for code, _label in payments_conf.website_providers()]
    assert "stripe" in offered and "razorpay" in offered
    assert zoom.is_configured()
    assert len(push.vapid_public_key()) == 87  # a P-256 point, base64url without padding
    assert push.WebPushSender.from_settings(client=None).subject == "mailto:ops@toto.example"  # type: ignore[arg-type]
    # Settings that are not service keys still come from the project settings.
    assert payments_conf.setting("REFUND_RETRY_DELAYS") == settings.REFUND_RETRY_DELAYS


def test_an_environment_variable_still_wins_over_the_admin(  # type: ignore[no-untyped-def]
    client, admin, settings, monkeypatch
) -> None:
    client.force_login(admin)
    client.post(CONFIG_URL, {"STRIPE_SECRET_KEY": "sk_test_from_the_admin_0000"})
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_from_env")
    settings.STRIPE_SECRET_KEY = "sk_test_from_env"
    assert payments_conf.setting("STRIPE_SECRET_KEY") == "sk_test_from_env"
