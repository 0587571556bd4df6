"""The built stylesheet and scripts reach browsers compressed even where WhiteNoise serves from
the source folders (``make run``, the browser tests): the front-end build writes .br and .gz
copies beside them (scripts/build-frontend.mjs)."""

import gzip

import pytest
from django.conf import settings


@pytest.mark.parametrize("name", ["toto.css", "alpine.min.js", "icons.svg"])
@pytest.mark.parametrize(
    ("accept", "encoding"), [("gzip, deflate, br", "br"), ("gzip", "gzip"), ("", None)]
)
def test_built_files_are_sent_in_the_best_encoding_the_browser_accepts(
    client,  # type: ignore[no-untyped-def]
    name: str,
    accept: str,
    encoding: str | None,
) -> None:
    dist = settings.BASE_DIR / "static/dist"
    plain = (dist / name).read_bytes()
    response = client.get(f"/static/dist/{name}", HTTP_ACCEPT_ENCODING=accept)
    assert response.status_code == 200
    assert response.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response["Vary"]
    body = b"".join(response.streaming_content)
    if encoding == "br":
        assert body == (dist / f"{name}.br").read_bytes()
        assert len(body) < len(plain) / 3
    elif encoding == "gzip":
        assert gzip.decompress(body) == plain  # the copy is of the current build, not stale
        assert len(body) < len(plain) / 3
    else:
        assert body == plain
