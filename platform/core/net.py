"""The client's address, as far as the configured proxies vouch for it."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the address the nearest trusted proxy saw: with N proxies, the N-th
    X-Forwarded-For entry from the right. Entries further left are the client's own
    claims and are never trusted (the same rule as DRF's NUM_PROXIES)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies = int(settings.TRUSTED_PROXY_COUNT)
    forwarded = request.headers.get("X-Forwarded-For")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    candidate = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # a misconfigured proxy chain: the direct peer is still known
        return remote
