"""Connecting to the real ASGI application's WebSockets in tests, over the configured
channel layer (Redis in tests)."""

from typing import Any

from channels.testing import WebsocketCommunicator


async def connect(
    path: str,
    *,
    user: Any = None,
    headers: list[tuple[bytes, bytes]] | None = None,
    subprotocols: list[str] | None = None,
) -> WebsocketCommunicator:
    """Opens a socket to ``path`` (e.g. ``/ws/echo/?token=…``) and asserts the handshake.

    ``user`` puts an authenticated user in the scope directly, as the session middleware
    would; token authentication is exercised by passing ``?token=`` in the path.
    """
    from toto.asgi import application

    all_headers = [(b"origin", b"http://localhost"), (b"host", b"localhost"), *(headers or [])]
    communicator = WebsocketCommunicator(
        application, path, headers=all_headers, subprotocols=subprotocols
    )
    if user is not None:
        communicator.scope["user"] = user
    connected, code = await communicator.connect(timeout=5)
    if not connected:
        raise AssertionError(f"WebSocket {path} refused the connection (close code {code})")
    return communicator
