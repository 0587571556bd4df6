"""Optional shared API key between the platform and the service: ``Authorization: Bearer``, or
LibreTranslate's ``api_key`` field in the body of ``/translate`` and ``/detect``."""

from __future__ import annotations

import hmac
import json

from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from ml.api.translate import read_payload
from ml.errors import ServiceError

# LibreTranslate's own clients send the key as ``api_key`` in the body of these requests.
_LIBRETRANSLATE_POSTS = frozenset({"/translate", "/detect"})


async def _body_api_key(request: Request) -> str | None:
    if request.method != "POST" or request.url.path not in _LIBRETRANSLATE_POSTS:
        return None
    try:
        # Parsed once: Starlette keeps the body, so the endpoint reads the same payload.
        key = (await read_payload(request)).get("api_key")
    except ServiceError:
        return None
    return key if isinstance(key, str) else None


async def require_api_key(request: Request) -> None:
    expected: str = request.app.state.settings.api_key
    if not expected:
        return
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(token.strip(), expected):
        return
    body_key = None if header else await _body_api_key(request)
    if body_key is None or not hmac.compare_digest(body_key.strip(), expected):
        raise ServiceError(
            401,
            "Missing or invalid API key: send 'Authorization: Bearer <ML_API_KEY>'.",
            code="invalid_api_key",
            error_type="authentication_error",
        )


def metrics_allowed(request: Request) -> bool:
    """Open while neither the API key nor a metrics token is set (a bare development service);
    otherwise only for a Bearer token equal to either."""
    settings = request.app.state.settings
    accepted = [token for token in (settings.metrics_token, settings.api_key) if token]
    if not accepted:
        return True
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    # Compared with every accepted token, so the timing does not tell which one matched.
    matches = [hmac.compare_digest(given.strip(), token) for token in accepted]
    return any(matches)


class BodySizeLimit:
    """Refuses a request whose declared ``Content-Length`` exceeds the limit with 413 before a
    byte of the body is read (the upload readers still enforce it for chunked bodies)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"content-length":
                    if value.isdigit() and int(value) > self.max_bytes:
                        body = json.dumps(
                            {
                                "error": {
                                    "message": f"The request body is larger than "
                                    f"{self.max_bytes // (1024 * 1024)} MB.",
                                    "type": "invalid_request_error",
                                    "param": None,
                                    "code": "request_too_large",
                                }
                            }
                        ).encode()
                        await send(
                            {
                                "type": "http.response.start",
                                "status": 413,
                                "headers": [
                                    (b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode()),
                                    (b"connection", b"close"),
                                ],
                            }
                        )
                        await send({"type": "http.response.body", "body": body})
                        return
                    break
        await self.app(scope, receive, send)
