"""Helpers for the apps' ``personal_data`` modules (see accounts.selectors.export_personal_data
for the contract): values as the JSON export shows them, whatever renders it."""

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any


def iso(value: date | datetime | time | None) -> str | None:
    return value.isoformat() if value is not None else None


def amount(value: Decimal | None) -> str | None:
    """Money and credits as exact decimal strings (never floats)."""
    return str(value) if value is not None else None


def text_id(value: Any) -> str | None:
    return str(value) if value is not None else None
