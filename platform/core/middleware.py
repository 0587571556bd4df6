import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .request_context import request_cache_scope, request_id_var

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is reused only if it looks like one: it ends up in logs and response headers.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")


class RequestIdMiddleware:
    """Gives every request an id (the proxy's X-Request-ID if sane), logged and echoed back,
    and the scope of ``core.request_context.once_per_request``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        try:
            with request_cache_scope():
                response = self.get_response(request)
        finally:
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
