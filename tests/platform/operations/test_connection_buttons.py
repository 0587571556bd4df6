"""The "test connection" buttons of the service configuration screen, against fake Stripe,
Razorpay, Zoom and OpenAI-compatible servers on loopback that check the credentials the way
the providers do and answer in the providers' real JSON shapes."""

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings
from operations import configuration

pytestmark = pytest.mark.django_db

CONFIG_URL = "/admin/service-configuration/"
GOOD = {
    "stripe": "sk_test_51GoodKeyAbcdefgh0000",
    "razorpay": ("rzp_test_GoodKeyId", "GoodRazorpaySecret99"),
    "zoom": ("AccountGood", "ClientGood", "ZoomSecretGood77"),
    "llm": "sk-proj-goodllmkey0000",
}


class FakeProviders(BaseHTTPRequestHandler):
    requests: list[tuple[str, str, dict[str, list[str]]]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def _basic(self) -> tuple[str, str]:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return "", ""
        user, _sep, password = base64.b64decode(header[6:]).decode().partition(":")
        return user, password

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        FakeProviders.requests.append(("GET", url.path, parse_qs(url.query)))
        if url.path == "/stripe/v1/balance":
            key, _password = self._basic()
            if key != GOOD["stripe"]:
                masked = key[:8] + "*" * (len(key) - 12) + key[-4:]
                return self._answer(
                    401,
                    {
                        "error": {
                            "message": f"Invalid API Key provided: {masked}",
                            "type": "invalid_request_error",
                        }
                    },
                )
            return self._answer(
                200,
                {
                    "object": "balance",
                    "available": [{"amount": 0, "currency": "usd", "source_types": {"card": 0}}],
                    "livemode": False,
                    "pending": [{"amount": 0, "currency": "usd", "source_types": {"card": 0}}],
                },
            )
        if url.path == "/razorpay/v1/payments":
            if self._basic() != GOOD["razorpay"]:
                return self._answer(
                    401,
                    {
                        "error": {
                            "code": "BAD_REQUEST_ERROR",
                            "description": "The api key provided is invalid",
                            "source": "NA",
                            "step": "NA",
                            "reason": "NA",
                            "metadata": {},
                        }
                    },
                )
            return self._answer(200, {"entity": "collection", "count": 0, "items": []})
        if url.path == "/llm/v1/models":
            key = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if key != GOOD["llm"]:
                return self._answer(
                    401,
                    {
                        "error": {
                            "message": f"Incorrect API key provided: {key[:6]}***{key[-4:]}. "
                            "You can find your API key at "
                            "https://platform.openai.com/account/api-keys.",
                            "type": "invalid_request_error",
                            "param": None,
                            "code": "invalid_api_key",
                        }
                    },
                )
            return self._answer(
                200,
                {
                    "object": "list",
                    "data": [
                        {
                            "id": "gpt-4o-mini",
                            "object": "model",
                            "created": 1721172741,
                            "owned_by": "system",
                        }
                    ],
                },
            )
        return self._answer(404, {})

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        FakeProviders.requests.append(("POST", url.path, query))
        account, client_id, secret = GOOD["zoom"]
        if url.path == "/zoom/oauth/token":
            if self._basic() != (client_id, secret):
                return self._answer(
                    400, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
                )
            if query != {"grant_type": ["account_credentials"], "account_id": [account]}:
                return self._answer(
                    400, {"reason": "Invalid account_id", "error": "invalid_request"}
                )
            return self._answer(
                200,
                {
                    "access_token": "eyJzdiI6IjAwMDAwMSIsImFsZyI6IkhTNTEyIn0.fake",
                    "token_type": "bearer",
                    "expires_in": 3599,
                    "scope": "meeting:write:admin user:read:admin",
                    "api_url": "https://api.zoom.us",
                },
            )
        return self._answer(404, {})


@pytest.fixture
def providers(monkeypatch) -> Iterator[str]:  # type: ignore[no-untyped-def]
    for key in configuration.SERVICE_KEYS:
        monkeypatch.delenv(key.name, raising=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProviders)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FakeProviders.requests = []
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with override_settings(
        STRIPE_API_BASE=f"{base}/stripe",
        RAZORPAY_API_BASE=f"{base}/razorpay",
        ZOOM_OAUTH_URL=f"{base}/zoom/oauth/token",
        STRIPE_SECRET_KEY="",
        RAZORPAY_KEY_ID="",
        RAZORPAY_KEY_SECRET="",
        ZOOM_ACCOUNT_ID="",
        ZOOM_CLIENT_ID="",
        ZOOM_CLIENT_SECRET="",
        AI_LLM_BASE_URL="",
        AI_LLM_API_KEY="",
    ):
        yield base
    server.shutdown()
    server.server_close()


def configure_and_test(client: Any, group: str, values: dict[str, str]) -> tuple[str, str]:
    """Saves ``values`` through the form, presses the group's button: (level, message)."""
    assert client.post(CONFIG_URL, values).status_code == 302
    page = client.post(CONFIG_URL, {"test": group}, follow=True)
    message = list(page.context["messages"])[-1]
    return message.level_tag, str(message) + page.content.decode()


def keys(group: str, good: bool, base: str) -> dict[str, str]:
    if group == "stripe":
        return {"STRIPE_SECRET_KEY": GOOD["stripe"] if good else "sk_test_51WrongKey9999zz4321"}
    if group == "razorpay":
        key_id, secret = GOOD["razorpay"]
        return {
            "RAZORPAY_KEY_ID": key_id,
            "RAZORPAY_KEY_SECRET": secret if good else "WrongSecret55",
        }
    if group == "zoom":
        account, client_id, secret = GOOD["zoom"]
        return {
            "ZOOM_ACCOUNT_ID": account,
            "ZOOM_CLIENT_ID": client_id,
            "ZOOM_CLIENT_SECRET": secret if good else "ZoomSecretWrong88",
        }
    return {
        "AI_LLM_BASE_URL": f"{base}/llm/v1",
        "AI_LLM_API_KEY": GOOD["llm"] if good else "sk-proj-wrongllmkey7777",
    }


@pytest.mark.parametrize("group", ["stripe", "razorpay", "zoom", "llm"])
def test_good_keys_connect(client, admin, providers, group) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin)
    level, message = configure_and_test(client, group, keys(group, True, providers))
    assert level == "success" and message.startswith("Connected (200"), message
    expected = {
        "stripe": ("GET", "/stripe/v1/balance"),
        "razorpay": ("GET", "/razorpay/v1/payments"),
        "zoom": ("POST", "/zoom/oauth/token"),
        "llm": ("GET", "/llm/v1/models"),
    }[group]
    assert [request[:2] for request in FakeProviders.requests] == [expected]


@pytest.mark.parametrize(
    ("group", "said"),
    [
        ("stripe", "Invalid API Key provided: [hidden key]"),
        ("razorpay", "The api key provided is invalid"),
        ("zoom", "Invalid client_id or client_secret"),
        ("llm", "Incorrect API key provided: [hidden key]"),
    ],
)
def test_a_bad_key_shows_the_providers_error_and_no_secret(
    client, admin, providers, group, said
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin)
    wrong = keys(group, False, providers)
    level, message = configure_and_test(client, group, wrong)
    first_line = message.split("<", 1)[0]
    assert level == "error"
    status = 400 if group == "zoom" else 401
    assert first_line.startswith(
        "The service refused the credentials"
        if status == 401
        else f"The service answered {status}."
    ), first_line
    assert said in first_line
    for name, value in wrong.items():
        if configuration.KEYS_BY_NAME[name].secret:
            assert value not in message and value[-4:] not in first_line


@pytest.mark.parametrize("group", ["stripe", "razorpay", "zoom"])
def test_missing_keys_are_named_without_calling_the_provider(
    client, admin, providers, group
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin)
    page = client.post(CONFIG_URL, {"test": group}, follow=True)
    message = str(list(page.context["messages"])[-1])
    assert message.startswith("Not configured:") and "secret" in message.lower()
    assert FakeProviders.requests == []


def test_an_unreachable_provider_says_so(client, admin, providers) -> None:  # type: ignore[no-untyped-def]
    from core.testing.services import free_port

    client.force_login(admin)
    with override_settings(STRIPE_API_BASE=f"http://127.0.0.1:{free_port()}"):
        level, message = configure_and_test(client, "stripe", keys("stripe", True, providers))
    assert level == "error" and message.startswith("Could not connect: ConnectError")
