"""Database pieces only PostgreSQL has, added so that the embedded SQLite default still
migrates (there, writes are serialised by the database file lock anyway)."""

from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary
from django.db import models


class TsTzRange(models.Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


def half_open(start: str, end: str) -> TsTzRange:
    return TsTzRange(start, end, RangeBoundary())
