"""Text answers gzipped when the browser accepts it (core.middleware.CompressTextMiddleware),
media and partial answers left alone: a phone on a slow network gets the CSS and pages small
when no proxy in front compresses them (make run, benchmarks/pwa)."""

import gzip
from typing import Any

import pytest

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def body_of(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


@pytest.mark.django_db
def test_pages_and_stylesheets_are_gzipped_media_is_not(client: Any) -> None:
    script = client.get("/static/js/design/i18n.js", **GZIP)
    assert script.status_code == 200 and script["Content-Encoding"] == "gzip"
    assert b"export function gettext" in gzip.decompress(body_of(script))
    plain = client.get("/static/js/design/i18n.js")
    assert not plain.has_header("Content-Encoding")
    assert b"export function gettext" in body_of(plain)

    page = client.get("/accounts/login/", **GZIP)
    assert page.status_code == 200 and page["Content-Encoding"] == "gzip"
    assert b"</html>" in gzip.decompress(body_of(page))
    assert "Accept-Encoding" in page["Vary"]

    image = client.get("/static/img/app/apple-touch-icon.png", **GZIP)
    assert image.status_code == 200 and not image.has_header("Content-Encoding")
    part = client.get("/static/js/design/i18n.js", HTTP_RANGE="bytes=0-9", **GZIP)
    assert part.status_code == 206 and not part.has_header("Content-Encoding")
    assert len(body_of(part)) == 10
