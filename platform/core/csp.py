"""Content-Security-Policy on every response (django-csp), with two policies.

The website's policy (settings.CONTENT_SECURITY_POLICY) is strict: scripts from our origin
(and the payment providers' own scripts) or carrying the request's nonce, styles from our
origin only, no plugins, no framing. The Wagtail admin (settings.TOTO_CSP_ADMIN_DIRECTIVES)
differs where Wagtail itself needs it: see docs/decisions.md "Content-Security-Policy".

Every policy also lets pages open WebSockets to the host they were served from: CSP 3 counts
ws(s) of the page's own host as 'self', but older Safari does not, so the exact ws:// and
wss:// origins of this request are added.

CSP_REPORT_ONLY=true sends the same policy as Content-Security-Policy-Report-Only (a trial
on a live server before enforcing it).
"""

from __future__ import annotations

from typing import Any

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.http.request import split_domain_port

ADMIN_PREFIXES = ("/admin/", "/django-admin/")


def _websocket_origins(request: HttpRequest) -> list[str]:
    try:
        host = request.get_host()
    except Exception:  # a host not allowed: the response is a 400 page, 'self' is enough
        return []
    domain, _port = split_domain_port(host)
    if not domain:
        return []
    return [f"ws://{host}", f"wss://{host}"]


class TotoCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing the admin's policy under the admin's paths and
    adding this host's WebSocket origins to connect-src."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        # Wagtail renders a page preview through the middleware with a dummy request for the
        # page's own URL; the header belongs to the real request (the admin's preview URL,
        # shown in the editor's same-origin frame), which this middleware answers next.
        if getattr(request, "is_dummy", False):
            return response
        return super().process_response(request, response)

    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only != settings.TOTO_CSP_REPORT_ONLY:
            return parts  # this header is off: the setting for it is None
        if parts.config is None and request.path_info.startswith(ADMIN_PREFIXES):
            parts.config = _with_defaults(settings.TOTO_CSP_ADMIN_DIRECTIVES)
        update: dict[str, Any] = dict(parts.update or {})
        update["connect-src"] = [*update.get("connect-src", []), *_websocket_origins(request)]
        parts.update = update
        return parts


def _with_defaults(directives: dict[str, Any]) -> dict[str, Any]:
    from csp.utils import default_config

    return default_config(directives) or {}
