"""One error type for the whole service, rendered in the protocol's own shape.

``/v1/*`` (and everything else) answers OpenAI-style ``{"error": {"message", "type", "param",
"code"}}``; the LibreTranslate endpoints answer ``{"error": "message"}`` as LibreTranslate does.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

LIBRETRANSLATE_PATHS = frozenset({"/translate", "/detect", "/languages"})

logger = logging.getLogger("ml.errors")


class ServiceError(Exception):
    """An error with an HTTP status, an OpenAI error ``type`` and a machine ``code``."""

    def __init__(
        self,
        status_code: int,
        message: str,
        *,
        code: str,
        error_type: str = "invalid_request_error",
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.code = code
        self.error_type = error_type
        self.param = param
        self.headers = headers or {}


def bad_request(
    message: str, *, code: str = "invalid_request", param: str | None = None
) -> ServiceError:
    return ServiceError(400, message, code=code, param=param)


def too_large(message: str, *, code: str = "too_large", param: str | None = None) -> ServiceError:
    return ServiceError(413, message, code=code, param=param)


def unprocessable(message: str, *, code: str, param: str | None = None) -> ServiceError:
    return ServiceError(422, message, code=code, param=param)


def unavailable(message: str, *, code: str, retry_after: int | None = None) -> ServiceError:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return ServiceError(503, message, code=code, error_type="service_unavailable", headers=headers)


def error_response(request: Request, error: ServiceError) -> JSONResponse:
    if request.url.path in LIBRETRANSLATE_PATHS:
        body: dict[str, object] = {"error": error.message}
    else:
        body = {
            "error": {
                "message": error.message,
                "type": error.error_type,
                "param": error.param,
                "code": error.code,
            }
        }
    return JSONResponse(body, status_code=error.status_code, headers=error.headers)


def _describe_validation(exc: RequestValidationError) -> tuple[str, str | None]:
    parts: list[str] = []
    first_param: str | None = None
    for item in exc.errors():
        loc = [str(p) for p in item.get("loc", ()) if p not in ("body", "query", "path", "header")]
        param = ".".join(loc) or None
        first_param = first_param or param
        parts.append(f"{param}: {item.get('msg')}" if param else str(item.get("msg")))
    return "; ".join(parts) or "Invalid request.", first_param


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
        return error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        message, param = _describe_validation(exc)
        return error_response(request, bad_request(message, code="invalid_request", param=param))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        error_type = "invalid_request_error" if exc.status_code < 500 else "server_error"
        error = ServiceError(
            exc.status_code,
            str(exc.detail),
            code=f"http_{exc.status_code}",
            error_type=error_type,
            headers=dict(exc.headers or {}),
        )
        return error_response(request, error)

    @app.exception_handler(RecursionError)
    async def _too_deep(request: Request, exc: RecursionError) -> JSONResponse:
        # Whatever parser met it, a body nested deeper than Python recurses is bad input.
        error = bad_request("The request is nested too deeply.", code="too_deeply_nested")
        return error_response(request, error)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", extra={"path": request.url.path})
        error = ServiceError(
            500, "Internal error.", code="internal_error", error_type="server_error"
        )
        return error_response(request, error)
