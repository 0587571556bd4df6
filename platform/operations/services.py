"""Writes of the operations app: service configuration (encrypted, logged)."""

from __future__ import annotations

from typing import Any

import httpx
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from . import configuration
from .models import ServiceSetting


@transaction.atomic
def configure(name: str, new_value: str, user: Any) -> None:
    """Stores ``new_value`` for ``name`` (an empty value removes it: the setting's default
    applies again). The log says who changed which name, never the value."""
    key = configuration.KEYS_BY_NAME[name]
    if new_value:
        setting, _created = ServiceSetting.objects.update_or_create(
            name=name,
            defaults={
                "ciphertext": configuration.encrypt(new_value),
                "hint": new_value[-4:] if key.secret and len(new_value) > 8 else "",
                "updated_by": user,
            },
        )
        log(setting, "operations.configure", user=user, data={"name": name})
    else:
        for setting in ServiceSetting.objects.filter(name=name):
            log(setting, "operations.unconfigure", user=user, data={"name": name})
            setting.delete()
    # Now (this transaction's later reads) and after commit (other processes' reads made
    # in between would have cached the old value again).
    configuration.forget()
    transaction.on_commit(configuration.forget)


# The credentials each connection test needs: without them it says so instead of calling.
REQUIRED_FOR_TEST: dict[str, tuple[str, ...]] = {
    "stripe": ("STRIPE_SECRET_KEY",),
    "razorpay": ("RAZORPAY_KEY_ID", "RAZORPAY_KEY_SECRET"),
    "zoom": ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET"),
}


def _provider_error(response: httpx.Response) -> str:
    """The provider's own words from an error answer, in each one's real shape: Stripe and
    OpenAI ``{"error": {"message"}}``, Razorpay ``{"error": {"description"}}``, Zoom
    ``{"reason", "error"}``; else the status code alone."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    error = body.get("error")
    if isinstance(error, dict):
        return str(error.get("message") or error.get("description") or error.get("code") or "")
    return str(body.get("reason") or body.get("message") or error or "")


def _without_secrets(text: str, secrets: list[str]) -> str:
    """Providers quote part of a rejected key back (Stripe: "Invalid API Key provided:
    sk_test_****1234"); an error shown in the admin never repeats a configured secret, in
    full or the masked key token the provider quotes."""
    import re

    for secret in secrets:
        if secret:
            text = text.replace(secret, "[hidden]")
    return re.sub(r"\b(sk|rk|pk)[-_][\w*-]{4,}", "[hidden key]", text)


def test_connection(group: str) -> tuple[bool, str]:
    """Tries the configured values of one service (as they are now, environment first) and
    says whether it answered. Nothing is charged or changed at the provider: each test is a
    read (Stripe balance, Razorpay's latest payment, the OpenAI-compatible model list) or,
    for Zoom, the server-to-server OAuth token request that every Zoom call starts with."""
    value = configuration.value
    missing = [name for name in REQUIRED_FOR_TEST.get(group, ()) if not value(name)]
    if missing:
        labels = ", ".join(str(configuration.KEYS_BY_NAME[name].label) for name in missing)
        return False, _("Not configured: %(names)s.") % {"names": labels}
    secrets = [value(key.name) for key in configuration.SERVICE_KEYS if key.secret]
    try:
        if group == "ml":
            url, key = configuration.ml_endpoint()
            headers = {"Authorization": f"Bearer {key}"} if key else {}
            response = httpx.get(f"{url.rstrip('/')}/health", headers=headers, timeout=5.0)
        elif group == "llm":
            base = value("AI_LLM_BASE_URL") or value("ML_URL").rstrip("/") + "/v1"
            key = value("AI_LLM_API_KEY") if value("AI_LLM_BASE_URL") else value("ML_API_KEY")
            headers = {"Authorization": f"Bearer {key}"} if key else {}
            response = httpx.get(f"{base.rstrip('/')}/models", headers=headers, timeout=5.0)
        elif group == "stripe":
            from django.conf import settings

            base = settings.STRIPE_API_BASE or "https://api.stripe.com"
            response = httpx.get(
                f"{base.rstrip('/')}/v1/balance",
                auth=(value("STRIPE_SECRET_KEY"), ""),
                timeout=5.0,
            )
        elif group == "razorpay":
            from django.conf import settings

            base = settings.RAZORPAY_API_BASE or "https://api.razorpay.com"
            response = httpx.get(
                f"{base.rstrip('/')}/v1/payments",
                params={"count": 1},
                auth=(value("RAZORPAY_KEY_ID"), value("RAZORPAY_KEY_SECRET")),
                timeout=5.0,
            )
        elif group == "zoom":
            from django.conf import settings

            response = httpx.post(
                settings.ZOOM_OAUTH_URL,
                params={
                    "grant_type": "account_credentials",
                    "account_id": value("ZOOM_ACCOUNT_ID"),
                },
                auth=(value("ZOOM_CLIENT_ID"), value("ZOOM_CLIENT_SECRET")),
                timeout=5.0,
            )
        else:
            return False, "This service has no connection test (its keys are checked on use)."
    except httpx.HTTPError as exc:
        return False, f"Could not connect: {type(exc).__name__}"
    if response.status_code >= 400:
        said = _without_secrets(_provider_error(response), secrets)[:300]
        if response.status_code in (401, 403):
            head = _("The service refused the credentials (%(status)s).")
        else:
            head = _("The service answered %(status)s.")
        message = head % {"status": response.status_code}
        return False, f"{message} {said}".strip() if said else message
    return (
        True,
        f"Connected ({response.status_code}, {response.elapsed.total_seconds() * 1000:.0f} ms).",
    )
