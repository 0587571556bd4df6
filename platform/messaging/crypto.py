"""Encryption at rest of message bodies, and the keyed blind index used to search them.

Bodies: MultiFernet (AES-128-CBC + HMAC-SHA256, from `cryptography`). The first key of
``MESSAGING_ENCRYPTION_KEYS`` encrypts, all of them decrypt, so keys rotate without
downtime (tasks.reencrypt_messages moves old rows to the newest key).

Search: the database cannot search ciphertext, so each normalised word of a body is stored
as HMAC-SHA256(MESSAGING_SEARCH_KEY, word), truncated to 128 bits. A query is tokenised the
same way and matched by equality. What this gives away, knowingly: someone holding the
database (but not the key) sees which messages share a word and how often a token occurs,
never the words. What it cannot do: prefix, fuzzy or substring search. We prefer that to
decrypting every message in Python at query time (unbounded cost) or to plaintext search.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

WORD = re.compile(r"\w+", re.UNICODE)
MAX_TOKENS_PER_MESSAGE = 200


def _derived_key(purpose: str) -> bytes:
    digest = hashlib.sha256(f"toto:{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    keys = tuple(settings.MESSAGING_ENCRYPTION_KEYS) or (_derived_key("messaging").decode(),)
    return _fernet(keys)


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode()).decode() if token else ""


def rotate(token: str) -> str:
    """The same plaintext under the newest key (unchanged if it already is)."""
    return fernet().rotate(token.encode()).decode() if token else ""


def _search_key() -> bytes:
    key = settings.MESSAGING_SEARCH_KEY
    return key.encode() if key else _derived_key("messaging-search")


def normalise(word: str) -> str:
    # Case- and accent-insensitive: "Árbol" and "arbol" match.
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    return [normalise(match) for match in WORD.findall(text)]


def blind_token(word: str) -> str:
    return hmac.new(_search_key(), word.encode(), hashlib.sha256).hexdigest()[:32]


def search_tokens(text: str) -> set[str]:
    return {blind_token(word) for word in words(text)[:MAX_TOKENS_PER_MESSAGE]}
