"""WebSocket authentication: the API's JWT as ``?token=`` or the website session.

A socket that brings ``?token=`` is judged by the token alone (an invalid one leaves the
socket anonymous rather than falling back to a cookie). The token is validated as the HTTP
API validates it, statefully: a signed-out, suspended or deleted user's token is refused.
``scope["user"]`` is always set, AnonymousUser if neither applies; consumers decide what an
anonymous socket may do.
"""

import contextlib
from typing import Any
from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser
from redis.exceptions import ConnectionError as RedisConnectionError


@database_sync_to_async
def user_from_access_token(token: str) -> Any:
    from allauth.headless.tokens.strategies.jwt.internal import validate_access_token

    result = validate_access_token(token)
    if result is None:
        return AnonymousUser()
    user = result[0]
    # Stateful validation already loaded the user through the auth backend (is_active
    # checked); force the lazy object so that no query happens later in async code.
    if not getattr(user, "is_active", False):
        return AnonymousUser()
    return user


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
            scope = {**scope, "user": await user_from_access_token(token)}
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


def user_group_name(user_id: Any) -> str:
    """The channel-layer group every signed-in socket of one user joins."""
    return f"user.{user_id}"


def close_user_sockets(user_id: Any) -> None:
    """Closes every open socket of the user (code 4401) on every web node: called when
    their access is revoked (suspension, deletion)."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(user_group_name(user_id), {"type": "auth.revoked"})


class RevocableSocketMixin:
    """For consumers serving signed-in users: the socket joins its user's group, so that
    revoking the user's access closes it at once with code 4401 (the WebSocket twin of the
    API's 401). Put it before the Channels consumer class in the bases."""

    async def websocket_connect(self, message: dict[str, Any]) -> None:
        user = self.scope.get("user")  # type: ignore[attr-defined]
        if user is not None and user.is_authenticated:
            self._revocation_group = user_group_name(user.pk)
            layer = self.channel_layer  # type: ignore[attr-defined]
            try:
                await layer.group_add(self._revocation_group, self.channel_name)  # type: ignore[attr-defined]
            except (ConnectionError, RedisConnectionError):
                # After a Redis restart the pool's first connection is stale; a second try
                # gets a fresh one (a second failure propagates and refuses the socket).
                await layer.group_add(self._revocation_group, self.channel_name)  # type: ignore[attr-defined]
        await super().websocket_connect(message)  # type: ignore[misc]

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        group = getattr(self, "_revocation_group", None)
        if group is not None:
            # With Redis gone (restarting) the group entry expires by itself.
            with contextlib.suppress(ConnectionError, RedisConnectionError):
                await self.channel_layer.group_discard(group, self.channel_name)  # type: ignore[attr-defined]
        await super().websocket_disconnect(message)  # type: ignore[misc]

    async def auth_revoked(self, event: dict[str, Any]) -> None:
        await self.close(code=4401)  # type: ignore[attr-defined]
