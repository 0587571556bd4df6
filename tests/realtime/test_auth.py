"""WebSockets accept the API's JWT as ?token= as well as the website session."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework.test import APIClient

from accounts.testing import AUTH

pytestmark = pytest.mark.django_db(transaction=True)


def _login(email: str) -> str:
    response = APIClient().post(
        f"{AUTH}/auth/login", {"email": email, "password": "correct-horse-battery"}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["access_token"]


async def _scope_user(path: str, headers: list[tuple[bytes, bytes]] | None = None):  # type: ignore[no-untyped-def]
    """The user the auth stack puts in the scope for a socket to ``path``."""
    from realtime.auth import TokenOrSessionAuthMiddlewareStack

    seen = {}

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        user = scope["user"]
        seen["user"] = await sync_to_async(lambda: user if user.is_authenticated else None)()
        await send({"type": "websocket.close", "code": 1000})

    communicator = WebsocketCommunicator(
        TokenOrSessionAuthMiddlewareStack(app),
        path,
        headers=[(b"origin", b"http://localhost"), (b"host", b"localhost"), *(headers or [])],
    )
    await communicator.connect(timeout=5)
    await communicator.disconnect()
    return seen["user"]


async def test_token_in_the_query_string_authenticates(student) -> None:
    token = await sync_to_async(_login)("sam@example.com")
    user = await _scope_user(f"/ws/echo/?token={token}")
    assert user is not None and user.pk == student.pk


async def test_a_bad_token_leaves_the_socket_anonymous(student) -> None:
    assert await _scope_user("/ws/echo/?token=forged.token.value") is None


async def test_a_suspended_users_token_is_refused(student, admin) -> None:
    from accounts.services import suspend_user

    token = await sync_to_async(_login)("sam@example.com")
    await sync_to_async(suspend_user)(student, by=admin, reason="Spam")
    assert await _scope_user(f"/ws/echo/?token={token}") is None


async def test_the_website_session_authenticates(student) -> None:
    from django.conf import settings
    from django.test import Client

    client = Client()
    await sync_to_async(client.force_login)(student)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    user = await _scope_user("/ws/echo/", headers=[(b"cookie", cookie.encode())])
    assert user is not None and user.pk == student.pk


async def test_the_real_application_serves_token_sockets(student) -> None:
    from core.testing.websockets import connect

    token = await sync_to_async(_login)("sam@example.com")
    socket = await connect(f"/ws/echo/?token={token}")
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=5) == {"type": "ping"}
    await socket.disconnect()


async def test_suspension_closes_open_sockets_at_once(student, admin) -> None:
    from accounts.services import suspend_user
    from core.testing.websockets import connect

    token = await sync_to_async(_login)("sam@example.com")
    socket = await connect(f"/ws/echo/?token={token}")
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=5) == {"type": "ping"}
    await sync_to_async(suspend_user)(student, by=admin, reason="Spam")
    assert await socket.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}


async def test_other_peoples_sockets_stay_open(student, other_student, admin) -> None:
    from accounts.services import suspend_user
    from core.testing.websockets import connect

    token = await sync_to_async(_login)("lena@example.com")
    socket = await connect(f"/ws/echo/?token={token}")
    await sync_to_async(suspend_user)(student, by=admin, reason="Spam")
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=5) == {"type": "ping"}
    await socket.disconnect()


@pytest.mark.parametrize("path", ["/ws/chat/", "/ws/notifications/"])
async def test_suspension_closes_every_kind_of_feature_socket(student, admin, path) -> None:
    from accounts.services import suspend_user
    from core.testing.websockets import connect

    token = await sync_to_async(_login)("sam@example.com")
    socket = await connect(f"{path}?token={token}")
    await sync_to_async(suspend_user)(student, by=admin, reason="Spam")
    for _ in range(10):  # the stream may greet first (unread counts, presence …)
        output = await socket.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            break
    assert output == {"type": "websocket.close", "code": 4401}
