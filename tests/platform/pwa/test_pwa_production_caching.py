"""Caching in the production shape (collectstatic with hashed names, WhiteNoise, DEBUG off):
hashed static files for a year and immutable, unhashed ones briefly, the service worker never
from the HTTP cache and precaching the hashed URLs; HTML "no-cache, private" in every shape."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import json, re, django
django.setup()
from django.templatetags.static import static
from django.test import Client
client = Client()
def headers(url):
    response = client.get(url, secure=True)
    return {"url": url, "status": response.status_code,
            "cache_control": response.headers.get("Cache-Control", "")}
sw = client.get("/sw.js", secure=True)
body = sw.content.decode()
entries = json.loads(re.search(r'(\\[\\{"url": "/static/.*?\\}\\])', body).group(1))
print(json.dumps({
    "hashed": headers(static("dist/toto.css")),
    "icon": headers(static("img/app/icon-192.png")),
    "unhashed": headers("/static/js/pwa/outbox.js"),
    "sw": {"status": sw.status_code, "cache_control": sw.headers.get("Cache-Control"),
           "allowed": sw.headers.get("Service-Worker-Allowed"), "entries": entries},
    "manifest_icons": [i["src"] for i in client.get("/manifest.webmanifest", secure=True).json()["icons"]],
}))
"""


def test_production_caching_headers(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TOTO_"))},
        "DJANGO_SETTINGS_MODULE": "toto.settings.production",
        "SECRET_KEY": "build",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'build.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "HEADLESS_JWT_PRIVATE_KEY": "-----BEGIN PRIVATE KEY----- (not used here)",
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    env.pop("DEBUG", None)
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True}
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], timeout=600, **run
    )
    assert collected.returncode == 0, collected.stderr[-3000:]
    probe = subprocess.run([sys.executable, "-c", PROBE], timeout=300, **run)
    assert probe.returncode == 0, probe.stderr[-3000:]
    served = json.loads(probe.stdout.strip().splitlines()[-1])

    for name in ("hashed", "icon"):
        assert served[name]["status"] == 200
        assert served[name]["url"].count(".") >= 2, served[name]  # name.<hash>.ext
        assert "immutable" in served[name]["cache_control"]
        assert "max-age=315360000" in served[name]["cache_control"]
    assert served["unhashed"]["status"] == 200
    assert "immutable" not in served["unhashed"]["cache_control"]
    assert "max-age=60" in served["unhashed"]["cache_control"]

    assert served["sw"]["status"] == 200
    assert served["sw"]["cache_control"] == "no-cache"
    assert served["sw"]["allowed"] == "/"
    shell = {e["url"]: e["revision"] for e in served["sw"]["entries"] if e["url"] != "/offline/"}
    assert served["hashed"]["url"] in shell
    assert all(revision is None for revision in shell.values())  # the hashed URL is the revision
    assert served["icon"]["url"] in served["manifest_icons"]

    # Hashed modules import hashed modules (core.static_storage): a page's modulepreloads and
    # its imports name the same files, each cached for a year.
    names = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    review = (tmp_path / "static" / names["js/vocabulary/review.js"]).read_text()
    imports = re.findall(r'^import [^"]*"([^"]+)";?$', review, re.MULTILINE)
    assert len(imports) >= 3, imports
    hashed = re.compile(r"\.[0-9a-f]{12}\.js$")
    assert all(hashed.search(url) for url in imports), imports
    api = (tmp_path / "static" / "js" / "vocabulary" / imports[0]).resolve()
    assert api.name == Path(names["js/ai/api.js"]).name and api.exists()


@pytest.mark.django_db
def test_pages_are_no_cache_and_private(client: Client) -> None:
    response = client.get("/offline/")
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "no-cache, private"
    # A view's own choice stays (the service worker, the manifest).
    assert client.get("/sw.js")["Cache-Control"] == "no-cache"
    assert client.get("/manifest.webmanifest")["Cache-Control"] == "public, max-age=3600"
