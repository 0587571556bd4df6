"""The anonymous page cache (core.page_cache): who is served from it, what is never stored,
and that publishing is seen at once."""

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.cache import SessionStore
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cms.learning.testing import learning_tree, make_lesson  # noqa: F401
from core.page_cache import HEADER, AnonymousPageCacheMiddleware, cache_for_visitors

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_lesson(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """cms.learning.testing's make_lesson: a live lesson under a published tree."""
    return request.getfixturevalue("make_lesson")  # type: ignore[no-any-return]


@pytest.fixture(autouse=True)
def page_cache_on(settings: Any) -> None:
    settings.PAGE_CACHE_SECONDS = 300


def _with_cookie(name: str, value: str) -> Client:
    client = Client()
    client.cookies[name] = value
    return client


def _csrf_tokens(html: str) -> list[str]:
    import re

    return re.findall(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', html)


def test_an_anonymous_visitor_gets_the_second_view_from_the_cache_without_a_query(
    new_lesson: Callable[..., Any],
) -> None:
    lesson = new_lesson(title="Greetings at the market")
    first = Client().get(lesson.url)
    assert first.status_code == 200
    assert first[HEADER] == "miss"

    visitor = Client()
    with CaptureQueriesContext(connection) as queries:
        second = visitor.get(lesson.url)
    assert second[HEADER] == "hit"
    assert len(queries) == 0
    assert "Greetings at the market" in second.content.decode()
    # The page's forms carry this visitor's own CSRF token, which its cookie matches.
    tokens = _csrf_tokens(second.content.decode())
    assert tokens, "the language switcher is on the page"
    secret = second.cookies[django_settings.CSRF_COOKIE_NAME].value
    assert all(_unmask_cipher_token(token) == secret for token in tokens)
    assert not set(tokens) & set(_csrf_tokens(first.content.decode()))
    assert "\x00" not in second.content.decode()

    head = Client().head(lesson.url)
    assert head[HEADER] == "hit"


def test_the_cached_page_takes_a_post_with_its_token(
    new_lesson: Callable[..., Any],
) -> None:
    lesson = new_lesson()
    Client().get(lesson.url)
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(lesson.url)
    assert page[HEADER] == "hit"
    token = _csrf_tokens(page.content.decode())[0]
    answer = visitor.post(
        "/accounts/language/",
        {"csrfmiddlewaretoken": token, "language": "es", "next": lesson.url},
    )
    assert answer.status_code == 302, "the switcher's post is accepted, not a CSRF failure"


def test_signed_in_people_are_never_served_from_or_stored_in_the_cache(
    new_lesson: Callable[..., Any],
) -> None:
    lesson = new_lesson(title="Only mine")
    person = Client()
    person.force_login(
        get_user_model().objects.create_user(email="ana@example.com", password="x" * 12)
    )
    for _ in range(2):
        answer = person.get(lesson.url)
        assert answer.status_code == 200
        assert HEADER not in answer
    # And a visitor after them does not get their page.
    visitor = Client().get(lesson.url)
    assert visitor[HEADER] == "miss"


def test_the_language_is_part_of_the_key(new_lesson: Callable[..., Any]) -> None:
    lesson = new_lesson()
    for _round in range(2):
        english = Client().get(lesson.url, HTTP_ACCEPT_LANGUAGE="en")
        spanish = Client().get(lesson.url, HTTP_ACCEPT_LANGUAGE="es")
        arabic = _with_cookie(django_settings.LANGUAGE_COOKIE_NAME, "ar").get(lesson.url)
        assert '<html lang="en"' in english.content.decode()
        assert '<html lang="es"' in spanish.content.decode()
        assert '<html lang="ar" dir="rtl"' in arabic.content.decode()
    assert (english[HEADER], spanish[HEADER], arabic[HEADER]) == ("hit", "hit", "hit")


def test_publishing_is_seen_at_once(new_lesson: Callable[..., Any]) -> None:
    lesson = new_lesson(title="Old title")
    Client().get(lesson.url)
    assert Client().get(lesson.url)[HEADER] == "hit"

    lesson.title = "New title"
    lesson.save_revision().publish()
    answer = Client().get(lesson.url)
    assert answer[HEADER] == "miss"
    assert "New title" in answer.content.decode()

    lesson.unpublish()
    assert Client().get(lesson.url).status_code == 404


def test_a_visitor_with_other_cookies_bypasses_the_cache(
    new_lesson: Callable[..., Any],
) -> None:
    lesson = new_lesson()
    Client().get(lesson.url)
    with_session = _with_cookie(django_settings.SESSION_COOKIE_NAME, "stale")
    assert HEADER not in with_session.get(lesson.url)
    with_messages = _with_cookie("messages", "x")
    assert HEADER not in with_messages.get(lesson.url)


def _through_middleware(
    view: Callable[[HttpRequest], HttpResponse], path: str = "/some/page/"
) -> HttpResponse:
    """``view`` as the only view of a request passing through the page cache middleware."""
    request = RequestFactory().get(path)
    request.session = SessionStore()  # type: ignore[attr-defined]
    from django.contrib.messages.storage.fallback import FallbackStorage

    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]

    def get_response(request: HttpRequest) -> HttpResponse:
        middleware.process_view(request, view)
        return view(request)

    middleware = AnonymousPageCacheMiddleware(get_response)
    with translation.override("en"):
        return middleware(request)  # type: ignore[return-value]


def _html(content: str = "<p>page</p>") -> HttpResponse:
    return HttpResponse(content, content_type="text/html; charset=utf-8")


@pytest.mark.parametrize(
    "case",
    ["sets a cookie", "writes the session", "shows a message", "uses a nonce", "varies"],
)
def test_answers_that_must_not_be_shared_are_never_stored(case: str) -> None:
    @cache_for_visitors(60)
    def view(request: HttpRequest) -> HttpResponse:
        response = _html()
        if case == "sets a cookie":
            response.set_cookie("toto_ref", "CODE")
        elif case == "writes the session":
            request.session["seen"] = True  # type: ignore[attr-defined]
        elif case == "shows a message":
            messages.info(request, "Saved.")
        elif case == "uses a nonce":
            request._csp_nonce = "abc"  # type: ignore[attr-defined]
        elif case == "varies":
            response["Vary"] = "User-Agent"
        return response

    assert _through_middleware(view).get(HEADER) is None
    assert _through_middleware(view).get(HEADER) is None


def test_a_plain_page_of_an_opted_in_view_is_stored_and_others_are_not() -> None:
    @cache_for_visitors(60)
    def opted_in(request: HttpRequest) -> HttpResponse:
        return _html()

    def not_opted_in(request: HttpRequest) -> HttpResponse:
        return _html()

    assert _through_middleware(opted_in)[HEADER] == "miss"
    assert _through_middleware(opted_in)[HEADER] == "hit"
    assert _through_middleware(not_opted_in, "/other/").get(HEADER) is None
    assert _through_middleware(not_opted_in, "/other/").get(HEADER) is None


def test_an_editor_changing_a_snippet_forgets_pages_but_service_writes_do_not(
    admin: Any, student: Any
) -> None:
    """Several admin screens are snippet viewsets over rows services write all day (payments,
    ledger entries): writing those keeps the cache; an editor's snippet edit empties it."""
    from decimal import Decimal

    from django.urls import reverse

    from core.page_cache import current_version
    from credits.services import grant_credits
    from payouts.models import CommissionRule

    before = current_version()
    grant_credits(student, Decimal("5"), idempotency_key="page-cache-promo")  # ledger entries
    assert current_version() == before

    client = Client()
    client.force_login(admin)
    add = reverse(CommissionRule.snippet_viewset.get_url_name("add"))  # type: ignore[attr-defined]
    saved = client.post(add, {"role": "teacher", "tier": "gold", "rate_percent": "12.5"})
    assert saved.status_code == 302, saved.content[:2000]
    assert CommissionRule.objects.filter(tier="gold").exists()
    assert current_version() != before


def test_a_cache_that_is_down_serves_pages_uncached(
    new_lesson: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page cache's Redis down must not take anonymous pages (or a publish) down with it:
    its reads and writes fail, the page is rendered as without a cache."""
    from core import page_cache

    url = new_lesson().url

    class Down:
        def __getattr__(self, name: str) -> Any:
            def refuse(*args: Any, **kwargs: Any) -> None:
                raise ConnectionError("the cache is down")

            return refuse

    monkeypatch.setattr(page_cache, "cache", Down())
    answer = Client().get(url)
    assert answer.status_code == 200
    assert HEADER not in answer
    page_cache.forget_all()  # a publish's invalidation logs and goes on
