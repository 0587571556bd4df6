"""One error shape for every JSON 4xx/5xx answer of the API.

    {"code": "validation_error", "message": "…", "fields": {"email": ["…"]}, "request_id": "…"}

``code`` is stable and machine-readable, ``message`` is for people, ``fields`` holds
per-field messages for validation errors (``non_field_errors`` for the rest).
"""

import logging
from typing import Any, cast

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.request_context import request_id_var

logger = logging.getLogger(__name__)


class ServiceError(exceptions.APIException):
    """Base for domain errors raised by services: each carries its own status and code."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    default_code = "error"
    default_detail = "The request could not be completed."


class ServiceUnavailable(ServiceError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "service_unavailable"
    default_detail = "A service this request needs is unavailable. Try again shortly."


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message, "request_id": request_id_var.get()}
    if fields:
        body["fields"] = fields
    return body


def _messages(detail: Any, path: str = "") -> list[str]:
    """Every message under ``detail``, each prefixed by where it sits below its field."""
    if isinstance(detail, dict):
        return [
            message
            for name, value in detail.items()
            for message in _messages(value, f"{path}.{name}" if path else str(name))
        ]
    if isinstance(detail, list):
        found: list[str] = []
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                found += _messages(item, f"{path}.{index}" if path else str(index))
            else:
                found += _messages(item, path)
        return found
    return [f"{path}: {detail}" if path else str(detail)]


def _flatten(detail: dict[str, Any]) -> dict[str, list[str]]:
    """Field errors as one shape whatever the nesting: each request field maps to a list of
    messages; an error inside a list or an object of that field names its place, e.g.
    ``{"participants": ["0: Must be a valid UUID."]}``."""
    return {str(name): _messages(value) for name, value in detail.items()}


def code_of(exc: exceptions.APIException) -> str:
    """The error's one machine code (a field-by-field detail has the exception's default)."""
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return exc.default_code


def bad_input(exc: Exception) -> tuple[int, str, str] | None:
    """Status, code and message for input Django refuses while reading a request (body too
    large, too many fields, nesting too deep for the parser): a 4xx, never a 500."""
    if isinstance(exc, RequestDataTooBig):
        return 413, "request_too_large", "The request body is too large."
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return 400, "too_many_fields", "The request has too many fields."
    if isinstance(exc, RecursionError):
        return 400, "too_deeply_nested", "The request is nested too deeply."
    return None


# Seconds a client is asked to wait (Retry-After) when a dependency is down.
RETRY_AFTER_SECONDS = 5


def dependency_down(exc: BaseException | None) -> bool:
    """True for the errors of a dependency that is down or restarting (PostgreSQL, Redis):
    the request may succeed in a moment, so it is a 503 with Retry-After, not a 500."""
    if exc is None:
        return False
    from django.db import InterfaceError, OperationalError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return isinstance(
        exc, OperationalError | InterfaceError | RedisConnectionError | RedisTimeoutError
    )


UNAVAILABLE_MESSAGE = "The service is briefly unavailable. Try again in a few seconds."


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    refused = bad_input(exc)
    if refused is not None:
        status_code, code, text = refused
        return Response(error_body(code, text), status=status_code)
    if dependency_down(exc):
        logger.warning("A dependency is down: %s", exc)
        return Response(
            error_body("service_unavailable", UNAVAILABLE_MESSAGE),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            detail=exc.message_dict
            if hasattr(exc, "error_dict")
            else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled API error", exc_info=exc)
        return Response(
            error_body("server_error", "Something went wrong on our side."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = _flatten(detail if isinstance(detail, dict) else {"non_field_errors": detail})
        response.data = error_body("validation_error", "Some fields are not valid.", fields)
    else:
        api_exc = cast(exceptions.APIException, exc)
        message = api_exc.detail if isinstance(api_exc.detail, str) else api_exc.default_detail
        response.data = error_body(code_of(api_exc), str(message))
    return response


def json_error_response(
    request: HttpRequest, status_code: int, code: str, message: str
) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status_code)
