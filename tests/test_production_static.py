"""The production settings serve the site's static files themselves (WhiteNoise), from what
`collectstatic` gathered as the Docker image does, with DEBUG off."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs inside the production settings: what a browser gets for the stylesheet base.html links.
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.templatetags.static import static
from django.test import Client
url = static("dist/toto.css")
client = Client()
plain = client.get(url, secure=True)
gzipped = client.get(url, secure=True, headers={"accept-encoding": "gzip"})
body = b"".join(plain.streaming_content) if plain.streaming else plain.content
print(json.dumps({
    "debug": settings.DEBUG,
    "url": url,
    "status": plain.status_code,
    "content_type": plain.headers.get("Content-Type"),
    "cache_control": plain.headers.get("Cache-Control"),
    "gzip": gzipped.headers.get("Content-Encoding"),
    "body": body.decode(),
}))
"""


def test_production_serves_the_collected_css(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TOTO_"))},
        # What the Dockerfile's collectstatic step sets, and where the files go.
        "DJANGO_SETTINGS_MODULE": "toto.settings.production",
        "SECRET_KEY": "build",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'build.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "HEADLESS_JWT_PRIVATE_KEY": "-----BEGIN PRIVATE KEY----- (not used here)",
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    env.pop("DEBUG", None)
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert collected.returncode == 0, collected.stderr[-3000:]
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert probe.returncode == 0, probe.stderr[-3000:]
    served = json.loads(probe.stdout.strip().splitlines()[-1])
    assert served["debug"] is False
    # A hashed name, so browsers may keep it for good.
    assert (
        served["url"].startswith("/static/dist/toto.") and served["url"] != "/static/dist/toto.css"
    )
    assert served["status"] == 200
    assert served["content_type"].startswith("text/css")
    assert "immutable" in served["cache_control"]
    assert served["gzip"] == "gzip"
    collected_file = tmp_path / "static" / served["url"].removeprefix("/static/")
    assert served["body"] == collected_file.read_text()
    assert served["body"].strip()
