"""Limits of the materials app, declared in the project settings (from the environment)."""

from django.conf import settings


def max_bytes(kind: str) -> int:
    return int(settings.MATERIALS_MAX_BYTES[kind])


def download_url_seconds() -> int:
    """How long a signed download URL (S3 and other remote storages) stays valid."""
    return int(settings.MATERIALS_DOWNLOAD_URL_SECONDS)
