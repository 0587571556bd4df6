"""Optional shared API key between the platform and the service (``Authorization: Bearer``)."""

from __future__ import annotations

import hmac
import json

from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from ml.errors import ServiceError


async def require_api_key(request: Request) -> None:
    expected: str = request.app.state.settings.api_key
    if not expected:
        return
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), expected):
        raise ServiceError(
            401,
            "Missing or invalid API key: send 'Authorization: Bearer <ML_API_KEY>'.",
            code="invalid_api_key",
            error_type="authentication_error",
        )


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
