from typing import Any

from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request


class _PageSize:
    """``page_size`` must be a whole number from 1; above ``max_page_size`` it is clamped.
    DRF alone silently answers the default for 0, -5 or "abc", which hides client bugs."""

    page_size_query_param: str | None = "page_size"
    max_page_size: int | None = 100
    page_size: int | None

    def get_page_size(self, request: Request) -> int | None:
        name = self.page_size_query_param or "page_size"
        limit = self.max_page_size or 100
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            message = f"A whole number from 1 (at most {limit} are sent)."
            raise ValidationError({name: [message]})
        return min(size, limit)

    def page_size_schema(self, parameters: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for parameter in parameters:
            if parameter.get("name") == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class PageNumberPagination(_PageSize, pagination.PageNumberPagination):
    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return self.page_size_schema(super().get_schema_operation_parameters(view))


class CursorPagination(_PageSize, pagination.CursorPagination):
    ordering = "-created_at"

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return self.page_size_schema(super().get_schema_operation_parameters(view))
