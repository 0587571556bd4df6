"""The production shape, for real: the production settings in their own processes, as the
Docker image runs them (daphne serving ``toto.asgi:application``, static files collected with
the manifest storage and served by WhiteNoise, DEBUG off, a generated secret and JWT key),
on a fresh PostgreSQL database and the test Redis, behind what the reverse proxy adds (it
terminates TLS: ``X-Forwarded-Proto: https`` and one ``X-Forwarded-For`` entry).

A client then walks it as a browser and an app would: the home page with its policy and
headers, every stylesheet, script and image a page of the site's layout links (hashed, compressed, cached for good),
the API schema, a sign-in through the auth API, an authenticated API call, and a WebSocket
opened with the access token that answers.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Gr33n-tea-at-noon"
EMAIL = "prod.learner@example.com"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rsa_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _run(env: dict[str, str], *args: str, timeout: int = 600) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stderr[-4000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    import psycopg

    database_port = os.environ["TOTO_TEST_DATABASE_PORT"]
    name = f"toto_production_{secrets.token_hex(4)}"
    with psycopg.connect(
        f"host=127.0.0.1 port={database_port} user=postgres dbname=postgres", autocommit=True
    ) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    redis_url = re.sub(r"/\d+$", "/7", os.environ["TOTO_TEST_REDIS_URL"])
    var = tmp_path_factory.mktemp("production")
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TOTO_"))},
        "DJANGO_SETTINGS_MODULE": "toto.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{database_port}/{name}",
        "REDIS_URL": redis_url,
        "HEADLESS_JWT_PRIVATE_KEY": _rsa_key(),
        "ALLOWED_HOSTS": "toto.example.org,127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": "https://toto.example.org",
        "TRUSTED_PROXY_COUNT": "1",
        "STATIC_ROOT": str(var / "static"),
        "MEDIA_ROOT": str(var / "media"),
        "PRIVATE_MEDIA_ROOT": str(var / "private"),
        "LOG_FORMAT": "json",
        "ML_URL": "http://127.0.0.1:9",
    }
    env.pop("DEBUG", None)
    _run(env, "migrate", "--noinput", "-v0")
    _run(env, "collectstatic", "--noinput", "-v0")
    _run(
        env,
        "shell",
        "-c",
        "from allauth.account.models import EmailAddress;"
        "from accounts.models import User;"
        f"u = User.objects.create_user(email='{EMAIL}', password='{PASSWORD}', first_name='Pat');"
        "EmailAddress.objects.create(user=u, email=u.email, primary=True, verified=True)",
    )
    # The Dockerfile's command, on a free port of this machine.
    server = subprocess.Popen(
        ["daphne", "--bind", "127.0.0.1", "--port", str(port), "toto.asgi:application"],
        cwd=ROOT,
        env={**env, "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '')}"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/api/v1/health/", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            output = server.stdout.read().decode() if server.stdout else ""
            pytest.fail(f"daphne did not start under the production settings:\n{output[-4000:]}")
        time.sleep(0.3)
    try:
        yield {"base": base, "port": str(port), "static_root": env["STATIC_ROOT"]}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
        with psycopg.connect(
            f"host=127.0.0.1 port={database_port} user=postgres dbname=postgres",
            autocommit=True,
        ) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _client(production: dict[str, str]) -> httpx.Client:
    # What Caddy adds in front of web (docker-compose.yml, deploy/Caddyfile).
    return httpx.Client(
        base_url=production["base"],
        headers={
            "Host": "toto.example.org",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.9",
        },
        timeout=30,
    )


def test_the_home_page_and_every_asset_it_links(production: dict[str, str]) -> None:
    with _client(production) as client:
        plain = httpx.get(production["base"] + "/", headers={"Host": "toto.example.org"})
        # Straight to daphne without the proxy's https header: sent to https.
        assert plain.status_code == 301
        assert plain.headers["location"] == "https://toto.example.org/"

        home = client.get("/")
        assert home.status_code == 200, home.text[:2000]
        assert "text/html" in home.headers["content-type"]
        assert home.headers["strict-transport-security"].startswith("max-age=")
        assert home.headers["x-content-type-options"] == "nosniff"
        assert home.headers["x-frame-options"] == "DENY"
        policy = home.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "wss://toto.example.org" in policy

        # A fresh database has Wagtail's root page at /, not the site's layout: the style
        # guide is a page of the site's own layout (base.html) with every site-wide asset.
        guide = client.get("/style-guide/")
        assert guide.status_code == 200
        assets = sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', guide.text)))
        assert any(a.startswith("/static/dist/toto.") and a.endswith(".css") for a in assets)
        assert any(a.startswith("/static/dist/alpine.min.") for a in assets), assets
        assert any(a.startswith("/static/js/design/components.") for a in assets), assets
        for asset in sorted({a.split("#")[0] for a in assets}):
            # Hashed by the manifest storage: the name changes with the content.
            assert re.search(r"\.[0-9a-f]{12}\.\w+$", asset), asset
            response = client.get(asset, headers={"Accept-Encoding": "gzip"})
            assert response.status_code == 200, asset
            assert "immutable" in response.headers["cache-control"], asset
            kind = response.headers["content-type"]
            assert kind.startswith(
                ("text/css", "text/javascript", "application/javascript", "image/")
            ), (
                asset,
                kind,
            )
            if asset.endswith((".css", ".js", ".svg")):  # text: precompressed by WhiteNoise
                assert response.headers.get("content-encoding") == "gzip", asset
            collected = Path(production["static_root"]) / asset.removeprefix("/static/")
            assert response.content == collected.read_bytes(), asset

        missing = client.get("/no-such-page/")
        assert missing.status_code == 404
        assert "text/html" in missing.headers["content-type"]  # the branded page, not a trace


def test_the_api_schema_a_sign_in_and_an_authenticated_call(production: dict[str, str]) -> None:
    with _client(production) as client:
        schema = client.get(
            "/api/v1/schema/", headers={"Accept": "application/vnd.oai.openapi+json"}
        )
        assert schema.status_code == 200
        assert json.loads(schema.content)["info"]["title"] == "Toto API"

        anonymous = client.get("/api/v1/users/me/")
        assert anonymous.status_code == 401

        wrong = client.post(
            "/api/auth/app/v1/auth/login", json={"email": EMAIL, "password": "not-it"}
        )
        assert wrong.status_code == 400

        login = client.post(
            "/api/auth/app/v1/auth/login", json={"email": EMAIL, "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        access = login.json()["meta"]["access_token"]
        me = client.get("/api/v1/users/me/", headers={"Authorization": f"Bearer {access}"})
        assert me.status_code == 200, me.text
        assert me.json()["email"] == EMAIL


def test_a_websocket_with_the_access_token(production: dict[str, str]) -> None:
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    with _client(production) as client:
        login = client.post(
            "/api/auth/app/v1/auth/login", json={"email": EMAIL, "password": PASSWORD}
        )
        access = login.json()["meta"]["access_token"]
    url = f"ws://127.0.0.1:{production['port']}/ws/echo/?token={access}"
    # websockets sends its own Host (127.0.0.1:port, in ALLOWED_HOSTS); the proxy adds these.
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    with connect(url, additional_headers=headers, open_timeout=20) as socket_:
        socket_.send(json.dumps({"type": "ping", "n": 1}))
        assert json.loads(socket_.recv(timeout=10)) == {"type": "ping", "n": 1}

    # A bad token is told so with the documented close code, not a bare HTTP refusal.
    with (
        connect(
            f"ws://127.0.0.1:{production['port']}/ws/echo/?token=bad",
            additional_headers=headers,
            open_timeout=20,
        ) as socket_,
        pytest.raises(ConnectionClosed) as closed,
    ):
        socket_.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code in {4401, 4403}
