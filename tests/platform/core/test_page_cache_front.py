"""The page cache's ASGI front (core.page_cache_front): a page the middleware vouched for is
answered before Django's handler and middleware, with the same headers, fresh CSRF tokens and
request id; everyone and everything else goes through Django."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from operations import maintenance

from cms.learning.testing import learning_tree, make_lesson  # noqa: F401
from core import page_cache_front
from core.page_cache_front import FrontPageCache, _kept

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings: Any) -> None:
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture
def new_lesson(request: pytest.FixtureRequest) -> Callable[..., Any]:
    return request.getfixturevalue("make_lesson")  # type: ignore[no-any-return]


@dataclass
class Django:
    """Django's ASGI handler, counting the requests that reached it."""

    handler: ASGIHandler = field(default_factory=ASGIHandler)
    calls: int = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.calls += 1
        await self.handler(scope, receive, send)


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def __getitem__(self, name: str) -> str:
        return next(v for k, v in self.headers if k.lower() == name.lower())

    def get(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def cookie(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == "set-cookie" and value.startswith(f"{name}="):
                return value.split(";")[0].split("=", 1)[1]
        return None

    def tokens(self) -> list[str]:
        return re.findall(
            r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', self.body.decode()
        )


def call(app: Any, path: str, method: str = "GET", headers: dict[str, str] | None = None) -> Answer:
    path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(b"host", b"testserver")]
        + [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent: list[dict[str, Any]] = []
    asked = 0

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        if asked == 1:
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays connected
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    # As Django's test client: the test's transaction must outlive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        async_to_sync(app)(scope, receive, send)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    start = sent[0]
    return Answer(
        start["status"],
        [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start["headers"]],
        b"".join(m.get("body", b"") for m in sent[1:]),
    )


def front(django: Django) -> FrontPageCache:
    return FrontPageCache(django, gates={maintenance.CACHE_KEY: lambda state: not state.enabled})


PER_ANSWER = {"x-request-id", "set-cookie", "content-length", "x-page-cache"}


def test_a_kept_page_is_answered_without_django_with_the_same_headers(
    new_lesson: Callable[..., Any],
) -> None:
    url = new_lesson(title="Greetings at the market").url
    django = Django()
    app = front(django)
    first = call(app, url)
    assert first.status == 200 and first["X-Page-Cache"] == "miss"
    assert django.calls == 1

    second = call(app, url)
    assert django.calls == 1, "answered at the front"
    assert second.status == 200 and second["X-Page-Cache"] == "hit"
    assert b"Greetings at the market" in second.body
    # Every header the middleware added (security, CSP, Vary, Cache-Control, language) is there.
    same = sorted((k.lower(), v) for k, v in first.headers if k.lower() not in PER_ANSWER)
    assert sorted((k.lower(), v) for k, v in second.headers if k.lower() not in PER_ANSWER) == same
    assert {"content-security-policy", "x-frame-options", "vary", "cache-control"} <= {
        k for k, _ in same
    }
    assert second["X-Request-ID"] != first["X-Request-ID"]
    assert int(second["Content-Length"]) == len(second.body)
    # Its own CSRF tokens, matching its own new cookie; none of the first visitor's.
    secret = second.cookie(django_settings.CSRF_COOKIE_NAME)
    assert secret and secret != first.cookie(django_settings.CSRF_COOKIE_NAME)
    assert second.tokens() and all(_unmask_cipher_token(t) == secret for t in second.tokens())
    assert not set(second.tokens()) & set(first.tokens())
    assert b"\x00" not in second.body

    # A visitor who has a CSRF cookie keeps its secret; HEAD gets the headers only.
    mine = "A" * 32
    with_cookie = call(app, url, headers={"Cookie": f"{django_settings.CSRF_COOKIE_NAME}={mine}"})
    assert with_cookie["X-Page-Cache"] == "hit"
    assert all(_unmask_cipher_token(t) == mine for t in with_cookie.tokens())
    head = call(app, url, method="HEAD")
    assert head["X-Page-Cache"] == "hit" and head.body == b""
    assert int(head["Content-Length"]) == len(second.body)
    assert django.calls == 1


def test_the_post_of_a_front_answer_passes_the_csrf_check(new_lesson: Callable[..., Any]) -> None:
    url = new_lesson().url
    app = front(Django())
    call(app, url)
    page = call(app, url)
    assert page["X-Page-Cache"] == "hit"
    visitor = Client(enforce_csrf_checks=True)
    visitor.cookies[django_settings.CSRF_COOKIE_NAME] = page.cookie(
        django_settings.CSRF_COOKIE_NAME
    )
    answer = visitor.post(
        "/accounts/language/",
        {"csrfmiddlewaretoken": page.tokens()[0], "language": "es", "next": url},
    )
    assert answer.status_code == 302


def test_what_is_not_kept_goes_through_django(new_lesson: Callable[..., Any]) -> None:
    url = new_lesson().url
    django = Django()
    app = front(django)
    call(app, url)
    # Another language, another query string: other inputs, rendered by Django.
    assert call(app, url, headers={"Accept-Language": "es"}).get("X-Page-Cache") == "miss"
    assert call(app, url + "?page=2").get("X-Page-Cache") == "miss"
    # A page the middleware does not vouch for (not opted in) is never kept.
    for _ in range(2):
        assert call(app, "/accounts/login/").get("X-Page-Cache") is None
    assert django.calls == 5


def test_signed_in_people_and_other_cookies_always_go_through_django(
    new_lesson: Callable[..., Any],
) -> None:
    url = new_lesson(title="Only mine").url
    django = Django()
    app = front(django)
    call(app, url)
    call(app, url)
    assert django.calls == 1
    person = Client()
    person.force_login(
        get_user_model().objects.create_user(email="ana@example.com", password="x" * 12)
    )
    session = person.cookies[django_settings.SESSION_COOKIE_NAME].value
    signed_in = call(
        app, url, headers={"Cookie": f"{django_settings.SESSION_COOKIE_NAME}={session}"}
    )
    assert signed_in.status == 200 and signed_in.get("X-Page-Cache") is None
    assert call(app, url, headers={"Cookie": "messages=x"}).get("X-Page-Cache") is None
    assert call(app, url, headers={"Authorization": "Bearer x"}).status in (200, 401)
    assert django.calls == 4


def test_maintenance_mode_wins_over_the_front(new_lesson: Callable[..., Any]) -> None:
    url = new_lesson().url
    django = Django()
    app = front(django)
    call(app, url)
    assert call(app, url)["X-Page-Cache"] == "hit"

    cache.set(maintenance.CACHE_KEY, maintenance.Maintenance(True, "Back soon.", 600))
    answer = call(app, url)
    assert answer.status == 503 and b"Back soon." in answer.body
    assert django.calls == 2
    # Not known from the cache (dropped when the setting is saved): through Django too.
    cache.delete(maintenance.CACHE_KEY)
    assert call(app, url).status == 200
    assert django.calls == 3


def test_a_publication_is_seen_at_once(new_lesson: Callable[..., Any]) -> None:
    lesson = new_lesson(title="Old title")
    django = Django()
    app = front(django)
    call(app, lesson.url)
    assert call(app, lesson.url)["X-Page-Cache"] == "hit"
    lesson.title = "New title"
    lesson.save_revision().publish()
    answer = call(app, lesson.url)
    assert b"New title" in answer.body and answer["X-Page-Cache"] == "miss"
    assert django.calls == 2


def test_a_cache_that_is_down_sends_everything_through_django(
    new_lesson: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = new_lesson().url
    django = Django()
    app = front(django)
    call(app, url)

    class Down:
        async def read(self, *args: Any) -> Any:
            raise ConnectionError("the cache is down")

        async def write(self, *args: Any) -> None:
            raise ConnectionError("the cache is down")

    monkeypatch.setattr(app, "_store", Down())
    answer = call(app, url)
    assert answer.status == 200 and django.calls == 2


@pytest.mark.parametrize(
    ("header", "value"),
    [
        (b"Set-Cookie", b"toto_ref=CODE; Path=/"),
        (b"Vary", b"Cookie, User-Agent"),
        (b"Content-Security-Policy", b"script-src 'self' 'nonce-abc'"),
    ],
)
def test_answers_that_must_not_be_shared_are_not_kept(header: bytes, value: bytes) -> None:
    plain = [(b"Content-Type", b"text/html; charset=utf-8")]
    assert page_cache_front._kept(plain, b"<p>page</p>", "v1") is not None
    assert _kept([*plain, (header, value)], b"<p>page</p>", "v1") is None
