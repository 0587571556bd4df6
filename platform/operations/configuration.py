"""Service configuration: the addresses and keys of the services Toto talks to, editable in
the admin (Settings > Service configuration), stored encrypted, read through a cache.

Precedence, per name: an environment variable that is set wins (operators who configure by
environment keep control, and the form says so); else the value stored here; else the
setting's default. Readers call :func:`value` each time (never at import), so a change in the
admin takes effect on the next request, in every process, without a restart: the cache holds
ciphertext only and is dropped when a value is saved.

Encryption: the project's one MultiFernet key ring (``core.crypto``, ``ENCRYPTION_KEYS``;
the first encrypts, all decrypt, so the keys rotate the same way).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from core import crypto

CACHE_KEY = "operations:service-config:v1"
CACHE_SECONDS = 300


@dataclass(frozen=True)
class ServiceKey:
    name: str
    label: str
    group: str
    secret: bool


SERVICE_KEYS: tuple[ServiceKey, ...] = (
    ServiceKey("ML_URL", _("ML service URL"), "ml", False),
    ServiceKey("ML_API_KEY", _("ML service key"), "ml", True),
    ServiceKey("AI_LLM_BASE_URL", _("LLM server URL (OpenAI-compatible)"), "llm", False),
    ServiceKey("AI_LLM_API_KEY", _("LLM API key"), "llm", True),
    ServiceKey("AI_LLM_MODEL", _("LLM model"), "llm", False),
    ServiceKey("STRIPE_SECRET_KEY", _("Stripe secret key"), "stripe", True),
    ServiceKey("STRIPE_PUBLISHABLE_KEY", _("Stripe publishable key"), "stripe", False),
    ServiceKey("STRIPE_WEBHOOK_SECRET", _("Stripe webhook secret"), "stripe", True),
    ServiceKey("RAZORPAY_KEY_ID", _("Razorpay key id"), "razorpay", False),
    ServiceKey("RAZORPAY_KEY_SECRET", _("Razorpay key secret"), "razorpay", True),
    ServiceKey("RAZORPAY_WEBHOOK_SECRET", _("Razorpay webhook secret"), "razorpay", True),
    ServiceKey("VAPID_PRIVATE_KEY", _("Web push (VAPID) private key"), "push", True),
    ServiceKey("VAPID_SUBJECT", _("Web push contact (mailto:)"), "push", False),
    ServiceKey("ZOOM_ACCOUNT_ID", _("Zoom account id"), "zoom", False),
    ServiceKey("ZOOM_CLIENT_ID", _("Zoom client id"), "zoom", False),
    ServiceKey("ZOOM_CLIENT_SECRET", _("Zoom client secret"), "zoom", True),
)
KEYS_BY_NAME = {key.name: key for key in SERVICE_KEYS}
GROUPS = {
    "ml": _("ML service"),
    "llm": _("Language model (LLM)"),
    "stripe": _("Stripe"),
    "razorpay": _("Razorpay"),
    "push": _("Push notifications"),
    "zoom": _("Zoom"),
}


def encrypt(text: str) -> str:
    return crypto.encrypt(text)


def decrypt(token: str) -> str:
    return crypto.decrypt(token)


def _stored() -> dict[str, str]:
    stored: dict[str, str] | None = cache.get(CACHE_KEY)
    if stored is None:
        from .models import ServiceSetting

        stored = dict(ServiceSetting.objects.values_list("name", "ciphertext"))
        cache.set(CACHE_KEY, stored, CACHE_SECONDS)
    return stored


def forget() -> None:
    cache.delete(CACHE_KEY)


def forget_after_rotation(**kwargs: object) -> None:
    """``core.fields.keys_rotated``: the cached tokens may be under a key about to retire."""
    forget()


def from_environment(name: str) -> bool:
    return bool(os.environ.get(name))


def stored_value(name: str) -> str | None:
    token = _stored().get(name)
    if token is None:
        return None
    try:
        return decrypt(token)
    except InvalidToken:  # keys rotated away: fall back to the setting
        return None


def value(name: str) -> str:
    if name not in KEYS_BY_NAME:
        raise KeyError(name)
    if from_environment(name):
        return str(getattr(settings, name, ""))
    stored = stored_value(name)
    if stored is not None:
        return stored
    return str(getattr(settings, name, "") or "")


def setting(name: str) -> Any:
    """One way for an app to read a setting that may also be a service key: a name the admin
    can configure goes through :func:`value` (environment, then the stored value, then the
    setting's default), any other name is the project setting itself. Apps read their
    providers' addresses and keys with this, so a value saved in the admin reaches every
    caller alike."""
    if name in KEYS_BY_NAME:
        return value(name)
    return getattr(settings, name)


def masked(text: str) -> str:
    """What the admin shows of a secret: its length class and last four characters."""
    if not text:
        return ""
    return "••••" + text[-4:] if len(text) > 8 else "••••"


def ml_endpoint() -> tuple[str, str]:
    return value("ML_URL"), value("ML_API_KEY")
