"""Handshakes: token clients need no Origin, cookie sockets need one of ours, and every
refusal reaches the client as a close code after accepting (never a bare HTTP 403). Signing
out, and a token's expiry, close the sockets opened under that sign-in with 4401."""

import asyncio
import time
from collections.abc import Iterator

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.test import Client, override_settings
from rest_framework.test import APIClient

from accounts.testing import AUTH, bearer
from core.testing.websockets import connect, refused
from realtime.testing import receive_until

pytestmark = pytest.mark.django_db(transaction=True)


def _login(email: str) -> str:
    response = APIClient().post(
        f"{AUTH}/auth/login", {"email": email, "password": "correct-horse-battery"}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["access_token"]


def _website_session(user) -> tuple[Client, bytes]:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return client, f"{name}={client.cookies[name].value}".encode()


async def _closed_with(socket) -> int:  # type: ignore[no-untyped-def]
    """The close code of a socket the server closes (skipping events sent before it)."""
    for _ in range(20):
        output = await socket.receive_output(timeout=10)
        if output["type"] == "websocket.close":
            await socket.disconnect()  # what the server sends the app once the socket is closed
            return int(output["code"])
    raise AssertionError("the socket was not closed")


async def test_token_clients_need_no_origin(student) -> None:
    token = await sync_to_async(_login)("sam@example.com")
    for origin in (None, b"https://app.example.org"):
        socket = await connect(f"/ws/chat/?token={token}", origin=origin)
        assert (await receive_until(socket, "hello"))["user"] == str(student.pk)
        await socket.disconnect()


def _routes() -> list[str]:
    from realtime.routing import websocket_urlpatterns

    return [str(pattern.pattern) for pattern in websocket_urlpatterns]


@pytest.mark.parametrize("route", _routes())
async def test_every_socket_serves_a_token_client_without_origin(student, route: str) -> None:
    """A native app sends no Origin: each routed socket serves it on its token alone (and
    answers a keep-alive, or the echo socket's hello), where a cookie socket is refused."""
    from rooms import services as rooms

    path = "/" + route
    if "<uuid:room_id>" in route:
        room = await sync_to_async(rooms.create_voice_room)(student, "Café", "fr")
        path = path.replace("<uuid:room_id>", str(room.pk))
    assert "<" not in path, f"{route}: a new parameter; give it a value here"
    token = await sync_to_async(_login)("sam@example.com")
    socket = await connect(f"{path}?token={token}", origin=None)
    request, answer = ({"type": "hello"}, "hello") if route == "ws/echo/" else (
        {"type": "ping"}, "pong"
    )  # fmt: skip
    await socket.send_json_to(request)
    assert (await receive_until(socket, answer))["type"] == answer
    await socket.disconnect()
    _, cookie = await sync_to_async(_website_session)(student)
    assert await refused(path, headers=[(b"cookie", cookie)], origin=None) == 4403


async def test_cookie_sockets_need_one_of_our_origins(student) -> None:
    _, cookie = await sync_to_async(_website_session)(student)
    headers = [(b"cookie", cookie)]
    socket = await connect("/ws/chat/", headers=headers)
    assert (await receive_until(socket, "hello"))["user"] == str(student.pk)
    await socket.disconnect()
    # Another site's page (cross-site WebSocket hijacking), or no Origin at all.
    assert await refused("/ws/chat/", headers=headers, origin=b"https://evil.example") == 4403
    assert await refused("/ws/chat/", headers=headers, origin=None) == 4403


async def test_refusals_are_close_codes_after_accepting(student, user_factory) -> None:
    from rooms import services

    unverified = await sync_to_async(user_factory)(verified=False)
    assert await refused("/ws/chat/") == 4401  # no one signed in
    assert await refused("/ws/chat/?token=forged.token.value") == 4401
    assert await refused("/ws/echo/?token=forged.token.value", origin=None) == 4401
    assert await refused("/ws/chat/", user=unverified) == 4412
    room = await sync_to_async(services.create_call)(student, unverified)
    stranger = await sync_to_async(user_factory)()
    assert await refused(f"/ws/rooms/{room.pk}/", user=stranger) == 4403
    assert await refused("/ws/rooms/00000000-0000-0000-0000-000000000000/", user=stranger) == 4404
    # (4409, a full room, is pinned in test_rooms.)


async def test_signing_out_of_the_website_closes_that_sessions_sockets(student) -> None:
    client, cookie = await sync_to_async(_website_session)(student)
    _, other_cookie = await sync_to_async(_website_session)(student)  # another browser
    chat = await connect("/ws/chat/", headers=[(b"cookie", cookie)])
    await receive_until(chat, "hello")
    elsewhere = await connect("/ws/notifications/", headers=[(b"cookie", other_cookie)])
    await receive_until(elsewhere, "unread_count")

    response = await sync_to_async(client.post)("/accounts/logout/")
    assert response.status_code in (200, 302)
    assert await _closed_with(chat) == 4401
    # The same person's other sign-in keeps its socket.
    await elsewhere.send_json_to({"type": "ping"})
    await receive_until(elsewhere, "pong")
    await elsewhere.disconnect()


async def test_signing_out_of_the_app_closes_that_tokens_sockets(student) -> None:
    token = await sync_to_async(_login)("sam@example.com")
    other_token = await sync_to_async(_login)("sam@example.com")  # a second device
    chat = await connect(f"/ws/chat/?token={token}", origin=None)
    await receive_until(chat, "hello")
    other = await connect(f"/ws/chat/?token={other_token}", origin=None)
    await receive_until(other, "hello")

    response = await sync_to_async(bearer(APIClient(), token).delete)(f"{AUTH}/auth/session")
    assert response.status_code == 401, response.content  # allauth's "signed out" answer
    assert await _closed_with(chat) == 4401
    await other.send_json_to({"type": "ping"})
    await receive_until(other, "pong")
    await other.disconnect()
    # And the signed-out token cannot open a new one.
    assert await refused(f"/ws/chat/?token={token}", origin=None) == 4401


@override_settings(HEADLESS_JWT_ACCESS_TOKEN_EXPIRES_IN=4)
async def test_a_token_socket_closes_when_its_token_expires(student) -> None:
    import jwt

    token = await sync_to_async(_login)("sam@example.com")
    expires_at = jwt.decode(token, options={"verify_signature": False})["exp"]
    socket = await connect(f"/ws/chat/?token={token}", origin=None)
    await receive_until(socket, "hello")
    assert await _closed_with(socket) == 4401
    assert time.time() >= expires_at - 0.5  # at expiry, not at once
    # An expired token is refused (with the code, so that the app refreshes it).
    await asyncio.sleep(max(0.0, expires_at + 1 - time.time()))
    assert await refused(f"/ws/chat/?token={token}", origin=None) == 4401


@pytest.fixture
def asgi_server(transactional_db: None) -> Iterator[str]:
    """The real ASGI application behind a real server on a loopback port. uvicorn in a
    thread of this process rather than daphne in a forked one: forking the test process
    (with its thread pools and Redis connections) made the child drop connections now and
    then, and the handshake and close frames on the wire are the same."""
    import threading

    import uvicorn

    from core.testing.services import free_port
    from toto.asgi import application

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            application, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, name="asgi-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the ASGI server did not start")
        time.sleep(0.05)
    yield f"ws://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_a_real_server_speaks_close_codes_to_clients_without_origin(
    asgi_server: str, student
) -> None:
    """Python's websockets sends no Origin unless told: a token client is served, and
    refusals arrive as close codes after the handshake (not an HTTP 403 rejection)."""
    import json

    from websockets.asyncio.client import connect as ws_connect
    from websockets.exceptions import ConnectionClosed

    token = _login("sam@example.com")

    async def close_code(path: str) -> int:
        async with ws_connect(asgi_server + path, open_timeout=20) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), timeout=20)
        assert closed.value.rcvd is not None
        return closed.value.rcvd.code

    async def journey() -> None:
        async with ws_connect(f"{asgi_server}/ws/echo/?token={token}", open_timeout=20) as ws:
            await ws.send(json.dumps({"type": "ping"}))
            assert json.loads(await asyncio.wait_for(ws.recv(), timeout=20)) == {"type": "ping"}
            await ws.send(b"\x00binary")
            error = json.loads(await asyncio.wait_for(ws.recv(), timeout=20))
            assert error["code"] == "binary_frame"
        assert await close_code("/ws/chat/") == 4403  # no token and no Origin: no cookie socket
        assert await close_code("/ws/chat/?token=forged.token.value") == 4401

    asyncio.run(journey())
