"""The page cache's front: anonymous pages answered in the event loop, before Django.

``core.page_cache.AnonymousPageCacheMiddleware`` decides what may be shared and keeps it, but
sits deep in the middleware: a hit still crossed Django's ASGI handler, a worker thread and
every synchronous middleware before it (benchmarks/pages: 0.23-0.28x a static file's
requests/s). This ASGI wrapper, around the Django application in ``toto.asgi``, keeps a copy
of the answer *as it left the server* (every header the outer middleware added: security
headers, CSP, Vary, Cache-Control, Content-Language) and gives it to the next visitor who
sends the same inputs, with one cache round trip and no thread.

Policy (the middleware's, not a second one):
- Only what the middleware vouched for is kept: it writes in the ASGI scope
  (``page_cache.SCOPE_KEY``) how long the answer may be shared, after all its checks (no
  cookie set but CSRF's, no session write, no message, no CSP nonce, nothing private). The
  copy lives no longer than the middleware's entry, and answers that set another cookie,
  vary by anything but ``Cookie`` and ``Accept-Language``, or carry a nonce in their CSP are
  not kept even then.
- Only a request the middleware would have served from its cache is answered here: GET or
  HEAD, no ``Authorization`` or app session header, no cookie but CSRF's and the language
  switcher's, outside /api/, /admin/, static and media. Everyone else goes through Django.
- The key is the raw inputs the outer middleware read: scheme, Host and forwarding headers,
  path and query string, the language cookie and Accept-Language. The same inputs gave the
  same answer; any other combination is a miss that Django renders.
- Invalidation: each copy carries the page cache's version read *before* Django rendered it;
  it is served only while that is still the current version, so a publication forgets it
  at once (a page rendered across a publication holds the old version and is never served).
- Gates (``gates``): cache keys another app keeps and a predicate that must hold for the front
  to answer; maintenance mode is one (``toto.asgi``): while it is on, or unknown because its
  key is not cached, every request goes through its middleware.
- CSRF: the tokens in the body are cut out when kept and each answer gets fresh tokens for
  its visitor's secret (a new secret and cookie if it had none), as CsrfViewMiddleware would.
- A fresh X-Request-ID (the proxy's if sane), ``X-Page-Cache: hit``, a new Content-Length.
- The cache down, or not one this front can read without blocking (Redis, or the in-process
  memory of the embedded default): everything goes through Django, as before.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import pickle
import time
import uuid
import weakref
from collections.abc import Awaitable, Callable, Iterable, Mapping
from http.cookies import SimpleCookie
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, parse_cookie
from django.middleware import csrf as django_csrf

from .middleware import _VALID_REQUEST_ID, MAX_QUERY_STRING, REQUEST_ID_HEADER
from .page_cache import (
    _SKIPPED_PREFIXES,
    CSRF_HOLE,
    HEADER,
    SCOPE_KEY,
    VERSION_KEY,
    _cut_csrf_tokens,
    _neutral_cookie_names,
)

Scope = dict[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Gate = Callable[[Any], bool]

FRONT_PREFIX = "page-cache:front:"
_REFUSING_HEADERS = {b"authorization", b"x-session-token"}
# Per request: never kept, made again for each answer.
_PER_ANSWER = {REQUEST_ID_HEADER.lower().encode(), b"content-length", b"set-cookie", b"date"}
_COVERED_VARY = {b"cookie", b"accept-language"}
_KEY_HEADERS = (b"host", b"x-forwarded-host", b"x-forwarded-port", b"x-forwarded-proto")
logger = logging.getLogger(__name__)


class _RedisStore:
    """Reads what django's RedisCache wrote (its key function and serializer) and keeps the
    front's copies beside them, with redis.asyncio: one client per event loop."""

    def __init__(self, location: str) -> None:
        from django.core.cache.backends.redis import RedisSerializer

        self.location = location
        self.serializer = RedisSerializer()
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = (
            weakref.WeakKeyDictionary()
        )

    def _client(self) -> Any:
        import redis.asyncio

        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = redis.asyncio.Redis.from_url(
                self.location, socket_timeout=1, socket_connect_timeout=1
            )
            self._clients[loop] = client
        return client

    async def read(self, keys: list[str], front_key: str) -> tuple[list[Any], bytes | None]:
        raw = await self._client().mget([cache.make_key(k) for k in keys] + [front_key])
        values = [None if value is None else self.serializer.loads(value) for value in raw[:-1]]
        return values, raw[-1]

    async def write(self, front_key: str, blob: bytes, seconds: int) -> None:
        await self._client().set(front_key, blob, ex=seconds)


class _MemoryStore:
    """The embedded default's in-process cache: a dictionary behind a lock, no I/O."""

    async def read(self, keys: list[str], front_key: str) -> tuple[list[Any], bytes | None]:
        found = cache.get_many([*keys, front_key])
        return [found.get(k) for k in keys], found.get(front_key)

    async def write(self, front_key: str, blob: bytes, seconds: int) -> None:
        cache.set(front_key, blob, seconds)


def _store_for_cache() -> _RedisStore | _MemoryStore | None:
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if isinstance(backend, RedisCache):
        servers = backend._servers  # type: ignore[attr-defined]
        return _RedisStore(servers[0])  # the first server is the one written to
    if isinstance(backend, LocMemCache):
        return _MemoryStore()
    return None


class FrontPageCache:
    """ASGI application: ``app`` with anonymous pages answered from the cache first."""

    def __init__(self, app: ASGIApp, gates: Mapping[str, Gate] | None = None) -> None:
        self.app = app
        self.gates = dict(gates or {})
        self._store: _RedisStore | _MemoryStore | bool | None = False  # False: not chosen yet

    def store(self) -> _RedisStore | _MemoryStore | None:
        if self._store is False:
            self._store = _store_for_cache()
        return self._store  # type: ignore[return-value]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _may_answer(scope):
            await self.app(scope, receive, send)
            return
        store = self.store()
        if store is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        front_key = cache.make_key(FRONT_PREFIX + _key(scope))
        try:
            (version, *gate_values), blob = await store.read([VERSION_KEY, *self.gates], front_key)
        except Exception:
            logger.warning("page cache unavailable; serving through Django", exc_info=True)
            await self.app(scope, receive, send)
            return
        gates_open = all(
            value is not None and allows(value)
            for value, allows in zip(gate_values, self.gates.values(), strict=True)
        )
        if gates_open and version is not None and blob is not None:
            kept = pickle.loads(blob)  # noqa: S301 - written by this module into our own cache
            if kept["version"] == str(version):
                await _answer(scope, kept, send)
                _count(scope, started)
                return
        if version is None or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        await self._render_and_keep(scope, receive, send, store, front_key, str(version))

    async def _render_and_keep(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        store: _RedisStore | _MemoryStore,
        front_key: str,
        version: str,
    ) -> None:
        start: dict[str, Any] = {}
        body: list[bytes] = []
        complete = False

        async def keep_and_send(message: Message) -> None:
            nonlocal complete
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))
                complete = not message.get("more_body", False)
            await send(message)

        await self.app(scope, receive, keep_and_send)
        seconds = scope.get(SCOPE_KEY)
        if not (seconds and complete and start.get("status") == 200):
            return
        kept = _kept(start["headers"], b"".join(body), version)
        if kept is None:
            return
        try:
            await store.write(front_key, pickle.dumps(kept), int(seconds))
        except Exception:
            logger.warning("page cache unavailable; page not kept at the front", exc_info=True)


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {name.lower(): value for name, value in scope.get("headers", [])}


def _may_answer(scope: Scope) -> bool:
    if scope["method"] not in ("GET", "HEAD") or not settings.PAGE_CACHE_SECONDS:
        return False
    if not settings.PAGE_CACHE_FRONT:
        return False
    if settings.CSRF_USE_SESSIONS or scope["path"].startswith(_SKIPPED_PREFIXES):
        return False
    if len(scope.get("query_string", b"")) > MAX_QUERY_STRING:
        return False
    headers = _headers(scope)
    if _REFUSING_HEADERS & headers.keys():
        return False
    cookies = parse_cookie(headers.get(b"cookie", b"").decode("latin-1"))
    return set(cookies) <= _neutral_cookie_names()


def _key(scope: Scope) -> str:
    headers = _headers(scope)
    cookies = parse_cookie(headers.get(b"cookie", b"").decode("latin-1"))
    parts = [
        scope.get("scheme", "http").encode(),
        *(headers.get(name, b"") for name in _KEY_HEADERS),
        scope.get("root_path", "").encode(),
        scope["path"].encode(),
        scope.get("query_string", b""),
        cookies.get(settings.LANGUAGE_COOKIE_NAME, "").encode(),
        headers.get(b"accept-language", b""),
    ]
    return hashlib.sha256(b"\n".join(parts)).hexdigest()


def _kept(headers: Iterable[tuple[bytes, bytes]], content: bytes, version: str) -> dict | None:
    """What to keep of an answer Django sent, or None if it must not be shared."""
    kept_headers = []
    csrf_secret = ""
    csrf_cookie = settings.CSRF_COOKIE_NAME
    for name, value in headers:
        lower = name.lower()
        if lower == b"set-cookie":
            cookie = SimpleCookie(value.decode("latin-1"))
            if set(cookie) != {csrf_cookie}:
                return None
            csrf_secret = cookie[csrf_cookie].value
        elif lower == b"vary":
            varies = {v.strip().lower() for v in value.split(b",") if v.strip()}
            if varies - _COVERED_VARY:
                return None
        elif lower.startswith(b"content-security-policy") and b"'nonce-" in value:
            return None
        if lower not in _PER_ANSWER:
            kept_headers.append((name, value))
    if csrf_secret:
        content, holes = _cut_csrf_tokens(content, csrf_secret)
        if not holes:
            return None
    elif CSRF_HOLE in content:
        return None
    return {"version": version, "headers": kept_headers, "content": content}


def _csrf_secret(scope: Scope) -> str:
    """The visitor's CSRF secret from its cookie, as CsrfViewMiddleware reads it, else new."""
    cookies = parse_cookie(_headers(scope).get(b"cookie", b"").decode("latin-1"))
    token = cookies.get(settings.CSRF_COOKIE_NAME, "")
    try:
        django_csrf._check_token_format(token)  # type: ignore[attr-defined]
    except django_csrf.InvalidTokenFormat:
        return django_csrf._get_new_csrf_string()
    if len(token) == django_csrf.CSRF_TOKEN_LENGTH:
        return django_csrf._unmask_cipher_token(token)  # type: ignore[attr-defined]
    return token


def _csrf_cookie(secret: str) -> bytes:
    response = HttpResponse()
    response.set_cookie(
        settings.CSRF_COOKIE_NAME,
        secret,
        max_age=settings.CSRF_COOKIE_AGE,
        domain=settings.CSRF_COOKIE_DOMAIN,
        path=settings.CSRF_COOKIE_PATH,
        secure=settings.CSRF_COOKIE_SECURE,
        httponly=settings.CSRF_COOKIE_HTTPONLY,
        samesite=settings.CSRF_COOKIE_SAMESITE,
    )
    return response.cookies[settings.CSRF_COOKIE_NAME].output(header="").encode("ascii").strip()


async def _answer(scope: Scope, kept: dict[str, Any], send: Send) -> None:
    content: bytes = kept["content"]
    headers = [
        (name, b"hit" if name.lower() == HEADER.lower().encode() else value)
        for name, value in kept["headers"]
    ]
    if CSRF_HOLE in content:
        secret = _csrf_secret(scope)
        pieces = content.split(CSRF_HOLE)
        filled = [pieces[0]]
        for piece in pieces[1:]:
            mask = django_csrf._mask_cipher_secret(secret)  # type: ignore[attr-defined]
            filled += [mask.encode(), piece]
        content = b"".join(filled)
        headers.append((b"Set-Cookie", _csrf_cookie(secret)))
    incoming = _headers(scope).get(REQUEST_ID_HEADER.lower().encode(), b"").decode("latin-1")
    request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
    headers += [
        (REQUEST_ID_HEADER.encode(), request_id.encode()),
        (b"Content-Length", str(len(content)).encode()),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send(
        {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else content}
    )


def _count(scope: Scope, started: float) -> None:
    from .metrics import REQUEST_LATENCY, REQUESTS

    REQUEST_LATENCY.labels(scope["method"], "page cache").observe(time.perf_counter() - started)
    REQUESTS.labels(scope["method"], "page cache", "2xx").inc()
