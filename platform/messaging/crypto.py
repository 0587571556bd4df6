"""Encryption at rest of message bodies, and the keyed blind index used to search them.

Bodies: the project's key ring (``core.crypto``, ``ENCRYPTION_KEYS``): the first key
encrypts, all of them decrypt, so keys rotate without downtime (tasks.reencrypt_messages
moves old rows to the newest key).

Search: the database cannot search ciphertext, so each normalised word of a body is stored
as HMAC-SHA256(MESSAGING_SEARCH_KEY, word), truncated to 128 bits. A query is tokenised the
same way and matched by equality. What this gives away, knowingly: someone holding the
database (but not the key) sees which messages share a word and how often a token occurs,
never the words. What it cannot do: prefix, fuzzy or substring search. We prefer that to
decrypting every message in Python at query time (unbounded cost) or to plaintext search.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

from cryptography.fernet import MultiFernet
from django.conf import settings

from core import crypto as core_crypto

WORD = re.compile(r"\w+", re.UNICODE)
MAX_TOKENS_PER_MESSAGE = 200


def fernet() -> MultiFernet:
    return core_crypto.fernet()


encrypt = core_crypto.encrypt
decrypt = core_crypto.decrypt
rotate = core_crypto.rotate


def _search_key() -> bytes:
    key = settings.MESSAGING_SEARCH_KEY
    return key.encode() if key else core_crypto.derived_key("messaging-search")


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
