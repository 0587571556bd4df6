"""Security events and the admin's network allow-list.

- ``AdminNetworkMiddleware`` answers 403 to /admin/ and /django-admin/ requests whose client
  address (``core.net.client_ip``, so behind the trusted proxies) is outside
  ``ADMIN_ALLOWED_NETWORKS``; an empty list allows every address. Two-factor authentication
  (accounts.middleware) still applies to those let through.
- Failed sign-ins aimed at the admin (allauth's sign-in page with ``next`` in the admin, or
  an account that has admin access) and refused admin requests are stored as
  ``SecurityEvent`` rows (listed for superusers under System → Security events) and logged
  to the ``toto.security`` logger as structured records.
"""

import ipaddress
import logging
from collections.abc import Callable
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .models import SecurityEvent, SecurityEventKind
from .net import client_ip

logger = logging.getLogger("toto.security")

ADMIN_PREFIXES = ("/admin/", "/django-admin/")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in spec if cidr.strip())


def admin_networks() -> tuple[Network, ...]:
    return _networks(tuple(settings.ADMIN_ALLOWED_NETWORKS))


def address_allowed(address: str) -> bool:
    networks = admin_networks()
    if not networks:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def record(
    kind: SecurityEventKind,
    request: HttpRequest | None,
    *,
    identifier: str = "",
    user: Any = None,
) -> SecurityEvent:
    ip = client_ip(request) if request is not None else ""
    path = request.path[:255] if request is not None else ""
    agent = request.headers.get("User-Agent", "")[:255] if request is not None else ""
    event = SecurityEvent.objects.create(
        kind=kind,
        ip=ip or None,
        path=path,
        identifier=identifier[:254],
        user=user,
        user_agent=agent,
    )
    logger.warning(
        "security event %s",
        kind.value,
        extra={"event": kind.value, "ip": ip, "path": path, "identifier": identifier},
    )
    return event


class AdminNetworkMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(ADMIN_PREFIXES) and not address_allowed(client_ip(request)):
            record(SecurityEventKind.ADMIN_NETWORK_REFUSED, request)
            # Plain text: this runs before sessions and users, which the site's pages need.
            return HttpResponse(
                _("The admin cannot be reached from this network."),
                status=403,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _aimed_at_admin(request: HttpRequest | None, identifier: str) -> bool:
    if request is None:
        return False
    wanted = request.GET.get("next") or request.POST.get("next") or request.path
    if wanted.startswith(ADMIN_PREFIXES):
        return True
    User = get_user_model()
    return User.objects.filter(email__iexact=identifier, is_staff=True).exists()


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    identifier = str(credentials.get("email") or credentials.get("username") or "")
    if _aimed_at_admin(request, identifier):
        record(SecurityEventKind.ADMIN_SIGN_IN_FAILED, request, identifier=identifier)
