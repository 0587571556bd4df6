import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from .request_context import client_platform_var, request_cache_scope, request_id_var

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is reused only if it looks like one: it ends up in logs and response headers.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")


def client_platform(request: HttpRequest) -> str:
    """ "app" for token clients (``Authorization: Bearer``, allauth headless' app sessions),
    else "web"."""
    authorization = request.headers.get("Authorization", "")
    if authorization.startswith("Bearer ") or "X-Session-Token" in request.headers:
        return "app"
    return "web"


class RequestIdMiddleware:
    """Gives every request an id (the proxy's X-Request-ID if sane), logged and echoed back,
    the scope of ``core.request_context.once_per_request``, and the client's platform
    (``client_platform_var``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        platform_token = client_platform_var.set(client_platform(request))
        try:
            with request_cache_scope():
                response = self.get_response(request)
        finally:
            client_platform_var.reset(platform_token)
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


# Daphne (Twisted) drops the connection without an answer when the request line is over
# 16 kB and answers a bare 400 when all headers pass 16 kB; under that, this is the limit.
MAX_QUERY_STRING = 8 * 1024


class BadInputMiddleware:
    """Input refused in the error shape instead of a 500 or a silent drop: a query string
    over MAX_QUERY_STRING (414), and bad input found while a view reads the request (a body
    over the limit, too many fields, JSON nested too deep) in views outside DRF, such as
    allauth's headless API."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
            return self._refuse(request, 414, "uri_too_long", "The address is too long.")
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from .api.errors import bad_input

        refused = bad_input(exception)
        if refused is None:
            return None
        return self._refuse(request, *refused)

    def _refuse(self, request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
        from .views import refusal

        return refusal(request, status, code, message)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, except that a cookie naming no session is left alone.

    Django deletes the session cookie in the answer to any request that came with one and
    ended with an empty session. That includes a request sent with the cookie from before
    sign-in and answered after it: signing in rotated the session key, the old key names no
    session any more, and the answer's deletion overwrote the new cookie the browser had just
    been given, signing the person out again (seen in the browser tests: a page's last request
    still queued when the sign-in form was posted). Here the cookie is deleted only when this
    request emptied the session itself: signing out flushes it, which marks it modified. An
    unknown key is harmless to keep: it grants nothing, and the next sign-in replaces it.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is not None
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            and not session.modified
            and session.is_empty()
        ):
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)
