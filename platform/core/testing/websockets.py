"""Connecting to the real ASGI application's WebSockets in tests, over the configured
channel layer (Redis in tests)."""

import logging
from typing import Any

from channels.testing import WebsocketCommunicator

logger = logging.getLogger(__name__)

# Every socket a test opened, so that the test session can end those the test left open
# (see end_open_sockets).
_opened: list[WebsocketCommunicator] = []


def _communicator(
    path: str,
    user: Any,
    headers: list[tuple[bytes, bytes]] | None,
    subprotocols: list[str] | None = None,
    origin: bytes | None = b"http://localhost",
) -> WebsocketCommunicator:
    from toto.asgi import application

    all_headers = [(b"host", b"localhost"), *(headers or [])]
    if origin is not None:  # None: a client that sends no Origin (native apps)
        all_headers.insert(0, (b"origin", origin))
    communicator = WebsocketCommunicator(
        application, path, headers=all_headers, subprotocols=subprotocols
    )
    if user is not None:
        communicator.scope["user"] = user
    _opened.append(communicator)
    return communicator


async def _end(communicator: WebsocketCommunicator, code: int) -> None:
    """Ends a refused socket's application as a server does (``websocket.disconnect``).

    Left running, the consumer keeps waiting on the channel layer until the communicator is
    garbage-collected, which cancels it at an arbitrary moment, or until the event loop's
    teardown cancels every task at once; cancelled that way, channels-redis's receive could
    wait forever on its own cleanup task and hang the test session (seen in
    tests/realtime/test_rooms.py about one run in five before sockets were ended like this).
    """
    await communicator.disconnect(code=code, timeout=5)


def end_open_sockets() -> None:
    """Ends, on their own event loop, the applications of sockets a test left open (a
    socket the server closed, a test that failed half-way). Called by the root conftest
    before each test's fixtures are torn down, while the test's loop still exists."""
    opened, _opened[:] = list(_opened), []
    for communicator in opened:
        future = communicator.future
        if future.done():
            continue
        loop = future.get_loop()
        if loop.is_closed() or loop.is_running():
            continue
        try:
            loop.run_until_complete(_end(communicator, 1000))
        except Exception:  # a consumer that fails on disconnect must not hide the test result
            logger.exception("A test socket's application failed while being ended")


async def connect(
    path: str,
    *,
    user: Any = None,
    headers: list[tuple[bytes, bytes]] | None = None,
    subprotocols: list[str] | None = None,
    origin: bytes | None = b"http://localhost",
) -> WebsocketCommunicator:
    """Opens a socket to ``path`` (e.g. ``/ws/echo/?token=…``) and asserts the handshake.

    ``user`` puts an authenticated user in the scope directly, as the session middleware
    would; token authentication is exercised by passing ``?token=`` in the path.
    """
    communicator = _communicator(path, user, headers, subprotocols, origin)
    connected, code = await communicator.connect(timeout=5)
    if not connected:
        await _end(communicator, code or 1000)
        raise AssertionError(f"WebSocket {path} refused the connection (close code {code})")
    return communicator


async def refused(
    path: str,
    *,
    user: Any = None,
    headers: list[tuple[bytes, bytes]] | None = None,
    origin: bytes | None = b"http://localhost",
) -> int:
    """Opens a socket the server must refuse and returns its close code (4401, 4403 …).

    Refusals are accepted, then closed with the code (a refused handshake only tells the
    client "HTTP 403"): one that is not fails the test."""
    communicator = _communicator(path, user, headers, origin=origin)
    connected, code = await communicator.connect(timeout=5)
    if not connected:
        await _end(communicator, code or 1000)
        raise AssertionError(f"WebSocket {path} was refused at the handshake, not with a code")
    for _ in range(20):  # a consumer may greet before it closes
        output = await communicator.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            await _end(communicator, output.get("code") or 1000)
            return int(output.get("code") or 1000)
    await communicator.disconnect()
    raise AssertionError(f"WebSocket {path} accepted a connection it should refuse")
