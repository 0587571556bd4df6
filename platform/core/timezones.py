"""The IANA time-zone names, read from disk once per process.

``zoneinfo.available_timezones()`` walks the whole tz database directory on every call (~40 ms
here): a profile serializer building its ``time_zone`` choices paid that on every
``/api/v1/users/me/``. Every choice list and validator of a time zone uses these instead.
"""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from .choices import FixedChoices


@lru_cache(maxsize=1)
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@lru_cache(maxsize=1)
def _choices() -> tuple[tuple[str, str], ...]:
    return tuple((name, name.replace("_", " ")) for name in sorted(time_zone_names()))


def time_zone_choices() -> list[tuple[str, str]]:
    """``(name, label)`` pairs, sorted; a new list each call (callers may extend it)."""
    return list(_choices())


def is_time_zone(value: str) -> bool:
    return value in time_zone_names()


@lru_cache(maxsize=1)
def time_zone_model_choices() -> FixedChoices:
    """The choices of a model's time-zone field, computed once (core.choices)."""
    return FixedChoices(_choices())
