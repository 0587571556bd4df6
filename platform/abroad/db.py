"""A date range function for the rooms' exclusion constraint (half-open: the check-out day
is free for the next guest's check-in), used by the PostgreSQL-only constraint
(``core.db.AddPostgresConstraint``)."""

from django.contrib.postgres.fields import DateRangeField, RangeBoundary
from django.db import models


class DateRange(models.Func):
    function = "DATERANGE"
    output_field = DateRangeField()


def nights(check_in: str, check_out: str) -> DateRange:
    return DateRange(check_in, check_out, RangeBoundary())
