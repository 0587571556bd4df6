"""WebSocket authentication: the API's JWT as ``?token=`` or the website session.

A socket that brings ``?token=`` is judged by the token alone (an invalid one leaves the
socket anonymous rather than falling back to a cookie, and the consumer closes it with 4401).
The token is validated as the HTTP API validates it, statefully: a signed-out, suspended or
deleted user's token is refused. ``scope["user"]`` is always set, AnonymousUser if neither
applies; consumers decide what an anonymous socket may do.

Origin: a browser attaches its cookies to a socket opened by any page, so a socket that
relies on the session must come from one of our own origins (cross-site WebSocket hijacking).
A token is no ambient credential: token sockets need no ``Origin`` (native apps and Python
clients send none). Every refusal is a close code after accepting, never a bare HTTP 403,
so that clients can tell "refresh your token" (4401) from "forbidden" (4403).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser

CLOSE_FORBIDDEN = 4403


@dataclass(frozen=True)
class TokenAccess:
    """What a socket's access token grants: whom, until when, and under which session (the
    session that signing out of the app ends)."""

    user: Any
    expires_at: float | None = None
    session_key: str | None = None


@database_sync_to_async
def access_from_token(token: str) -> TokenAccess:
    from allauth.headless.tokens.strategies.jwt.internal import (
        session_key_from_sid,
        validate_access_token,
    )

    result = validate_access_token(token)
    if result is None:
        return TokenAccess(AnonymousUser())
    user, payload = result
    # Stateful validation already loaded the user through the auth backend (is_active
    # checked); force the lazy object so that no query happens later in async code.
    if not getattr(user, "is_active", False):
        return TokenAccess(AnonymousUser())
    sid = payload.get("sid")
    exp = payload.get("exp")
    return TokenAccess(
        user,
        expires_at=float(exp) if isinstance(exp, int | float) else None,
        session_key=session_key_from_sid(sid) if isinstance(sid, str) else None,
    )


async def user_from_access_token(token: str) -> Any:
    return (await access_from_token(token)).user


def token_from_scope(scope: dict[str, Any]) -> str | None:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    values = query.get("token")
    return values[0] if values else None


class TokenAuthMiddleware:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        token = token_from_scope(scope)
        if token is not None:
            access = await access_from_token(token)
            scope = {**scope, "user": access.user, "token_access": access}
        return await self.inner(scope, receive, send)


class _SessionUnlessToken:
    """Runs Channels' session/auth stack only for sockets that did not bring a token."""

    def __init__(self, inner: Any) -> None:
        self.with_session = AuthMiddlewareStack(inner)
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if "user" in scope:
            return await self.inner(scope, receive, send)
        return await self.with_session(scope, receive, send)


def TokenOrSessionAuthMiddlewareStack(inner: Any) -> Any:
    return TokenAuthMiddleware(_SessionUnlessToken(inner))


async def refuse_socket(receive: Any, send: Any, code: int) -> None:
    """An ASGI app that accepts the handshake and closes at once with ``code``: browsers
    and clients see the code, where a refused handshake only says HTTP 403."""
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": code})


class OriginUnlessTokenMiddleware:
    """Origin check (ALLOWED_HOSTS, as Channels' AllowedHostsOriginValidator) for sockets
    that would rely on cookies; token sockets skip it. A foreign or missing Origin on a
    cookie socket is closed with 4403."""

    def __init__(self, inner: Any) -> None:
        from channels.security.websocket import AllowedHostsOriginValidator

        self.inner = inner
        self.validator = AllowedHostsOriginValidator(inner)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope.get("type") != "websocket" or token_from_scope(scope) is not None:
            return await self.inner(scope, receive, send)
        origin = None
        for name, value in scope.get("headers", []):
            if name == b"origin":
                with contextlib.suppress(UnicodeDecodeError):
                    origin = urlparse(value.decode("latin1"))
        if self.validator.valid_origin(origin):
            return await self.inner(scope, receive, send)
        return await refuse_socket(receive, send, CLOSE_FORBIDDEN)
