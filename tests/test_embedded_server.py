"""`make run` as a user meets it: the embedded default (development settings, SQLite under a
fresh var/ folder, no DEBUG) in a real server process started the way scripts/run starts it.

One migrated server is shared by the module: migrating SQLite takes most of a minute.
"""

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.testing.services import free_port

ROOT = Path(__file__).resolve().parents[1]
# Migrating SQLite takes minutes on a busy machine: more than the suite's per-test limit.
pytestmark = pytest.mark.timeout(900)

WRITERS = 20
PHRASES_PER_WRITER = 4


def embedded_environment(var_dir: Path) -> dict[str, str]:
    """The environment of a fresh `make run`: nothing configured but where var/ is."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "TOTO_", "DATABASE_", "REDIS_", "ML_", "CELERY_"))
        and name not in {"DEBUG", "SECRET_KEY", "METRICS_TOKEN"}
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "toto.settings.dev",
        "TOTO_VAR_DIR": str(var_dir),
    }


@pytest.fixture(scope="module")
def embedded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    var_dir = tmp_path_factory.mktemp("var")
    env = embedded_environment(var_dir)
    manage = [sys.executable, "manage.py"]
    migrated = subprocess.run(
        [*manage, "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    port = free_port()
    log = (var_dir / "server.log").open("w")
    # As scripts/run starts it: Daphne's runserver (ASGI, a thread per request's sync work).
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, (var_dir / "server.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the embedded server did not start in 180 s"
            time.sleep(0.2)
        yield base, var_dir
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_concurrent_writers_never_get_a_server_error(
    embedded_server: tuple[str, Path],
) -> None:
    """20 people sign up at the same moment, then each saves phrases and edits their profile
    while the others do: SQLite waits for its write lock instead of answering 500."""
    base, var_dir = embedded_server
    start = threading.Barrier(WRITERS)
    statuses: list[tuple[str, int, str]] = []
    lock = threading.Lock()

    def record(what: str, response: httpx.Response) -> httpx.Response:
        with lock:
            statuses.append((what, response.status_code, response.text[:300]))
        return response

    def writer(number: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            start.wait()
            signed_up = record(
                "signup",
                client.post(
                    "/api/auth/app/v1/auth/signup",
                    json={
                        "email": f"writer{number}@example.com",
                        "password": "Gr33n-tea-at-noon",
                        "role": "student",
                        "full_name": f"Writer {number}",
                        "accept_terms": True,
                    },
                ),
            )
            if signed_up.status_code != 200:
                return
            token = signed_up.json()["meta"]["access_token"]
            client.headers["Authorization"] = f"Bearer {token}"
            for phrase in range(PHRASES_PER_WRITER):
                record(
                    "phrase",
                    client.post(
                        "/api/v1/translate/phrasebook/",
                        json={
                            "source_language": "en",
                            "target_language": "es",
                            "source_text": f"phrase {phrase} of writer {number}",
                            "translated_text": f"frase {phrase} de {number}",
                            "tags": ["load", f"w{number}"],
                        },
                    ),
                )
                record(
                    "profile",
                    client.patch(
                        "/api/v1/users/me/",
                        json={"bio": f"Edit {phrase} by writer {number}", "time_zone": "UTC"},
                    ),
                )

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"

    server_errors = [entry for entry in statuses if entry[1] >= 500]
    assert not server_errors, (server_errors[:5], (var_dir / "server.log").read_text()[-3000:])
    by_kind: dict[str, list[int]] = {}
    for what, status, _ in statuses:
        by_kind.setdefault(what, []).append(status)
    assert by_kind["signup"] == [200] * WRITERS, statuses
    assert by_kind["phrase"] == [201] * (WRITERS * PHRASES_PER_WRITER), statuses
    assert by_kind["profile"] == [200] * (WRITERS * PHRASES_PER_WRITER), statuses

    # Every write landed: each writer reads back their own phrases.
    with httpx.Client(base_url=base, timeout=30) as client:
        signed_in = client.post(
            "/api/auth/app/v1/auth/login",
            json={"email": "writer7@example.com", "password": "Gr33n-tea-at-noon"},
        )
        assert signed_in.status_code == 200, signed_in.text
        client.headers["Authorization"] = f"Bearer {signed_in.json()['meta']['access_token']}"
        phrases = client.get("/api/v1/translate/phrasebook/").json()
        assert phrases["count"] == PHRASES_PER_WRITER
        assert client.get("/api/v1/users/me/").json()["bio"] == "Edit 3 by writer 7"


def test_the_embedded_database_runs_in_wal_mode(embedded_server: tuple[str, Path]) -> None:
    _, var_dir = embedded_server
    # WAL is a property of the database file, set by the server's connections.
    assert (var_dir / "toto.sqlite3-wal").exists() or (
        (var_dir / "toto.sqlite3").read_bytes()[18:20] == b"\x02\x02"
    )


def test_unknown_pages_get_the_branded_404(embedded_server: tuple[str, Path]) -> None:
    base, _ = embedded_server
    response = httpx.get(f"{base}/no-such-page/here/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'class="site-header"' in response.text  # the site's own layout
    # Not Django's developer page, which lists the URL patterns.
    assert "URLconf" not in response.text and "api/v1/" not in response.text


def test_the_site_css_is_served(embedded_server: tuple[str, Path]) -> None:
    base, _ = embedded_server
    # Any page of the site's layout links the stylesheet (the fresh database has no home page).
    page = httpx.get(f"{base}/no-such-page/").text
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert stylesheet, page[:2000]
    css = httpx.get(f"{base}{stylesheet.group(1)}")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert (ROOT / "static/dist/toto.css").read_bytes() == css.content


def test_api_docs_load_nothing_from_other_hosts(embedded_server: tuple[str, Path]) -> None:
    base, _ = embedded_server
    docs = httpx.get(f"{base}/api/docs/")
    assert docs.status_code == 200
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", docs.text), docs.text
    assets = re.findall(r"[\"'](/static/[^\"']+)[\"']", docs.text)
    assert any("swagger-ui-bundle" in asset for asset in assets), docs.text
    for asset in assets:
        assert httpx.get(f"{base}{asset}").status_code == 200, asset


def test_the_ml_key_is_made_at_first_start(embedded_server: tuple[str, Path]) -> None:
    _, var_dir = embedded_server
    key_file = var_dir / "keys" / "ml-api-key"
    assert len(key_file.read_text().strip()) >= 32
    assert key_file.stat().st_mode & 0o077 == 0  # the owner's alone
