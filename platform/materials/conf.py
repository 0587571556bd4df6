"""Limits of the materials app. Each can be overridden in Django settings (e.g. from the
environment in production); the defaults suit a small self-hosted site."""

from typing import Any

from django.conf import settings

DEFAULT_MAX_BYTES = {
    "pdf": 20 * 1024 * 1024,
    "audio": 50 * 1024 * 1024,
    "video": 500 * 1024 * 1024,
}


def max_bytes(kind: str) -> int:
    limits: dict[str, int] = {**DEFAULT_MAX_BYTES, **getattr(settings, "MATERIALS_MAX_BYTES", {})}
    return limits[kind]


def download_url_seconds() -> int:
    """How long a signed download URL (S3 and other remote storages) stays valid."""
    value: Any = getattr(settings, "MATERIALS_DOWNLOAD_URL_SECONDS", 60)
    return int(value)
