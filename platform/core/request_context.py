"""The id of the request being served (for logs and error responses), and a memo that lives
as long as the request."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar, cast

T = TypeVar("T")

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

#: Which client the request came from: "app" (a token client: the installable app's headless
#: sessions, native apps, anything sending ``Authorization: Bearer`` or ``X-Session-Token``) or
#: "web" (the website in a browser, cookies). core.activity stamps it on what people do, so
#: analytics can tell the two apart. Outside a request (tasks, shells) it is "web".
client_platform_var: ContextVar[str] = ContextVar("client_platform", default="web")


# --- Per-request memo ---------------------------------------------------------------------
# Some reads are asked for several times while one page is built (Wagtail's default locale,
# the list of view restrictions) and change so rarely that one answer per request is right,
# while a process-wide cache would need invalidating. RequestIdMiddleware opens a scope for
# every request; outside one (tasks, shells, tests calling selectors directly) nothing is
# remembered and every call reads afresh.
_request_cache: ContextVar[dict[str, Any] | None] = ContextVar("request_cache", default=None)


@contextmanager
def request_cache_scope() -> Iterator[None]:
    token = _request_cache.set({})
    try:
        yield
    finally:
        _request_cache.reset(token)


def once_per_request(function: Callable[[], T]) -> Callable[[], T]:
    """``function`` (no arguments) runs at most once per request; its answer is reused."""
    key = f"{function.__module__}.{function.__qualname__}"

    @wraps(function)
    def remembered() -> T:
        cache = _request_cache.get()
        if cache is None:
            return function()
        if key not in cache:
            cache[key] = function()
        return cast(T, cache[key])

    return remembered
