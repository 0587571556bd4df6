"""Client of the ML service's pronunciation assessment (ml/api/assessments.py), over HTTP."""

from __future__ import annotations

from typing import Any

import httpx
from django.conf import settings


class MLUnavailable(Exception):
    """The service did not answer, or answered that it cannot right now: try again later."""


class MLRejected(Exception):
    """The service refused this recording (no speech, unreadable audio …): retrying won't help."""


def assess_pronunciation(
    audio: bytes, *, filename: str, content_type: str, expected_text: str, language: str
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {settings.ML_API_KEY}"} if settings.ML_API_KEY else {}
    try:
        response = httpx.post(
            f"{settings.ML_URL.rstrip('/')}/v1/assessments/pronunciation",
            files={"file": (filename, audio, content_type)},
            data={"expected_text": expected_text, "language": language},
            headers=headers,
            timeout=settings.ML_TIMEOUT_SECONDS,
        )
    except httpx.TransportError as exc:
        raise MLUnavailable(str(exc)) from exc
    # 401/403 mean the key is misconfigured: an operator fixes it, the attempt waits.
    if response.status_code >= 500 or response.status_code in {401, 403, 408, 429}:
        raise MLUnavailable(f"ML service answered {response.status_code}")
    if response.status_code >= 400:
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = "The recording could not be assessed."
        raise MLRejected(message)
    return response.json()
