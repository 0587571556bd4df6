from typing import Any, Literal

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


def only_toto_endpoints(endpoints: list[tuple[Any, ...]], **kwargs: Any) -> list[tuple[Any, ...]]:
    """Keeps the schema to our versioned API (Wagtail's admin API views are not ours)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, machine-readable error code.")
    message = serializers.CharField(help_text="What went wrong, for people.")
    # DRF's metaclass pops declared fields off the class, so ``Serializer.fields`` survives.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Per-field messages (validation errors only).",
    )
    request_id = serializers.CharField(help_text="Quote it when reporting a problem.")


class TotoAutoSchema(AutoSchema):
    """Documents the shared error shape on every operation."""

    error_codes = {
        "400": "Invalid input.",
        "401": "Not authenticated.",
        "403": "Not allowed.",
        "404": "Not found.",
        "409": "Conflicts with the current state of the object (the error's code says how).",
        "429": "Too many requests.",
        "503": "Unavailable for now: a service this operation needs is down (database, cache, "
        "ML service, virus scanner) or the site is in maintenance; retry after the "
        "`Retry-After` header's seconds.",
    }

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, description in self.error_codes.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses


class WallClockTimeExtension(OpenApiSerializerFieldExtension):
    """A ``TimeField`` is a wall-clock time without an offset ("22:00:00", "07:30"), read in
    the zone the object names. OpenAPI's ``format: time`` is RFC 3339's full-time, which
    requires an offset ("22:00:00Z"), so neither our answers nor our input match it: the
    schema says what is really exchanged."""

    target_class = "rest_framework.fields.TimeField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "example": "22:00:00",
        }
