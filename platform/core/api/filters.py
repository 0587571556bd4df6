from datetime import UTC, datetime
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField


class BoundedIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time whose offset takes it past year 1 or 9999 (e.g.
    ``0001-01-01T00:00:00+01:00``) overflows when made UTC: a field error, not a 500."""

    def to_python(self, value: Any) -> datetime | None:
        try:
            parsed: datetime | None = super().to_python(value)
            # In UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts (+17:06).
            if parsed is not None and parsed.tzinfo is not None:
                parsed = parsed.astimezone(UTC)
            return parsed
        except OverflowError:
            raise ValidationError(
                _("Enter a date-time between years 1 and 9999."), "invalid"
            ) from None


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = BoundedIsoDateTimeField
