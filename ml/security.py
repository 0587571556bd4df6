"""Optional shared API key between the platform and the service (``Authorization: Bearer``)."""

from __future__ import annotations

import hmac

from fastapi import Request

from ml.errors import ServiceError


def require_api_key(request: Request) -> None:
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
