"""Factories for the marketplace: a verified teacher with hours and a gig in a few lines."""

from typing import Any

import pytest

from tutoring.testing import (  # noqa: F401
    EVERY_DAY_9_TO_17,
    buy_seat,
    make_gig,
    make_listing,
    paid_booking,
)


class FakeZoom:
    """Zoom's OAuth and meetings API on 127.0.0.1, in Zoom's formats: Server-to-Server OAuth
    (``POST /oauth/token?grant_type=account_credentials&account_id=…`` with HTTP Basic
    client credentials) and ``POST /v2/users/me/meetings`` with the bearer token."""

    ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET = "acc_toto", "client_toto", "secret_toto"
    TOKEN = "eyJzdGF0aWMiOiJ0b2tlbiJ9"
    HOST_ID = "x1yCzABCDEfg23HiJKl4mN"

    def __init__(self) -> None:
        import base64
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs, urlsplit

        self.requests: list[dict[str, Any]] = []
        self.meeting_id = 85746065432
        fake = self
        expected_basic = (
            "Basic " + base64.b64encode(f"{self.CLIENT_ID}:{self.CLIENT_SECRET}".encode()).decode()
        )

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, code: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else {}
                fake.requests.append(
                    {
                        "path": url.path,
                        "query": parse_qs(url.query),
                        "authorization": self.headers.get("Authorization"),
                        "body": body,
                    }
                )
                if url.path == "/oauth/token":
                    query = parse_qs(url.query)
                    if self.headers.get("Authorization") != expected_basic or query != {
                        "grant_type": ["account_credentials"],
                        "account_id": [fake.ACCOUNT_ID],
                    }:
                        self._send(400, {"reason": "Invalid client_id or client_secret"})
                        return
                    self._send(
                        200,
                        {
                            "access_token": fake.TOKEN,
                            "token_type": "bearer",
                            "expires_in": 3599,
                            "scope": "meeting:write:meeting:admin user:read:user:admin",
                            "api_url": "https://api.zoom.us",
                        },
                    )
                    return
                if url.path == "/v2/users/me/meetings":
                    if self.headers.get("Authorization") != f"Bearer {fake.TOKEN}":
                        self._send(401, {"code": 124, "message": "Invalid access token."})
                        return
                    fake.meeting_id += 1
                    number = fake.meeting_id
                    self._send(
                        201,
                        {
                            "uuid": "aDYlohsHRtCd4ii1uC2+hA==",
                            "id": number,
                            "host_id": fake.HOST_ID,
                            "host_email": "lessons@toto.example",
                            "topic": body["topic"],
                            "type": 2,
                            "status": "waiting",
                            "start_time": body["start_time"],
                            "duration": body["duration"],
                            "timezone": body.get("timezone", "UTC"),
                            "created_at": "2026-11-22T02:00:00Z",
                            "start_url": f"https://zoom.us/s/{number}?zak=eyJ0eXAiOiJKV1Qi",
                            "join_url": f"https://zoom.us/j/{number}?pwd=Ynl2c0dUZz09",
                            "password": "aB3dE6",
                            "h323_password": "123456",
                            "pstn_password": "123456",
                            "encrypted_password": "Ynl2c0dUZz09",
                            "settings": body.get("settings", {}),
                            "pre_schedule": False,
                        },
                    )
                    return
                self._send(404, {"code": 404, "message": "Not found"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_zoom(settings: Any) -> Any:
    from django.core.cache import cache

    from tutoring import zoom

    fake = FakeZoom()
    settings.ZOOM_ACCOUNT_ID = fake.ACCOUNT_ID
    settings.ZOOM_CLIENT_ID = fake.CLIENT_ID
    settings.ZOOM_CLIENT_SECRET = fake.CLIENT_SECRET
    settings.ZOOM_WEBHOOK_SECRET_TOKEN = "zoom_webhook_secret_toto"
    settings.ZOOM_API_BASE = f"{fake.url}/v2"
    settings.ZOOM_OAUTH_URL = f"{fake.url}/oauth/token"
    cache.delete(zoom.TOKEN_CACHE_KEY)
    yield fake
    cache.delete(zoom.TOKEN_CACHE_KEY)
    fake.close()
