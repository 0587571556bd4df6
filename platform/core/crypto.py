"""Encryption at rest with the project's one rotating key ring, and keyed blind indexes.

MultiFernet (AES-128-CBC + HMAC-SHA256, from `cryptography`): the first key of
``ENCRYPTION_KEYS`` encrypts, every key decrypts, so keys rotate without downtime. Rotate by
prepending a new key, deploying, then running ``manage.py rotate_encryption_keys`` (personal
data fields) and ``messaging.reencrypt_messages`` (chat bodies); drop the old key afterwards.
Without keys (developer machines) one is derived from SECRET_KEY: the derivation keeps the
"messaging" label under which chat bodies were first encrypted, so existing rows still open.

Blind index: where an exact-match lookup on an encrypted value is needed, the row also stores
HMAC-SHA256(ENCRYPTION_INDEX_KEY, normalised value), truncated to 128 bits. Someone holding
the database but not the key learns which rows share a value, never the value. Only the
fields that need a lookup get one (docs/decisions.md lists them).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = [
    "InvalidToken",
    "blind_index",
    "decrypt",
    "encrypt",
    "fernet",
    "is_current",
    "rotate",
]


def derived_key(purpose: str) -> bytes:
    digest = hashlib.sha256(f"toto:{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


def _keys() -> tuple[str, ...]:
    return tuple(settings.ENCRYPTION_KEYS) or (derived_key("messaging").decode(),)


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


@cache
def _primary(key: str) -> Fernet:
    return Fernet(key)


def fernet() -> MultiFernet:
    return _fernet(_keys())


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode()).decode() if token else ""


def rotate(token: str) -> str:
    """The same plaintext under the newest key."""
    return fernet().rotate(token.encode()).decode() if token else ""


def is_current(token: str) -> bool:
    """Whether ``token`` is already encrypted with the newest key (rotation skips it)."""
    if not token:
        return True
    try:
        _primary(_keys()[0]).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def _index_key() -> bytes:
    key = settings.ENCRYPTION_INDEX_KEY
    return key.encode() if key else derived_key("blind-index")


def blind_index(value: str, *, purpose: str) -> str:
    """The keyed digest of ``value`` for exact-match lookups ("" for an empty value). The
    purpose separates indexes, so equal values in two fields do not link."""
    if not value:
        return ""
    message = f"{purpose}:{value}".encode()
    return hmac.new(_index_key(), message, hashlib.sha256).hexdigest()[:32]


def mask(value: str, *, visible: int = 4) -> str:
    """``•••• 1332``: enough to tell two accounts apart, not to use one ("" when empty)."""
    compact = "".join(value.split())
    if not compact:
        return ""
    tail = compact[-visible:] if visible and len(compact) > visible + 2 else ""
    return f"•••• {tail}".strip()
