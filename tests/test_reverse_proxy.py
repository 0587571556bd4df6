"""The reverse proxy shipped with the compose file (deploy/Caddyfile): TLS by Caddy's
automatic HTTPS for the configured domain, WebSockets and everything else to web, compression,
no security header set twice, and web reachable only through it with one trusted proxy hop.

Docker does not run here, so the compose file is read as compose reads it (YAML anchors
merged) and the Caddyfile is compiled by Caddy itself (`caddy adapt`, the Debian package that
`make install-test` installs) into the JSON config it would run, which is then checked.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
CADDYFILE = REPO / "deploy" / "Caddyfile"
# Django sets these on every response (SecurityMiddleware, XFrameOptionsMiddleware, core.csp).
DJANGO_HEADERS = {
    "strict-transport-security",
    "content-security-policy",
    "content-security-policy-report-only",
    "x-frame-options",
    "x-content-type-options",
    "referrer-policy",
    "cross-origin-opener-policy",
}


def _compose() -> dict[str, Any]:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def _caddy_config(domain: str) -> dict[str, Any]:
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.fail("caddy is not installed: `make install-test` installs it")
    result = subprocess.run(
        [caddy, "adapt", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env={**os.environ, "TOTO_DOMAIN": domain},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _handlers(node: Any) -> list[dict[str, Any]]:
    """Every handler in the config, however deeply nested in subroutes."""
    found = []
    if isinstance(node, dict):
        if "handler" in node:
            found.append(node)
        for value in node.values():
            found.extend(_handlers(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_handlers(value))
    return found


def test_web_is_reached_only_through_the_proxy_which_is_trusted_for_one_hop() -> None:
    services = _compose()["services"]
    proxy = services["proxy"]
    assert proxy["image"].startswith("caddy:2")
    published = {str(port).split(":")[0] for port in proxy["ports"]}
    assert {"80", "443"} <= published
    assert any(str(port).endswith("/udp") for port in proxy["ports"])  # HTTP/3
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert any(volume.startswith("caddy-data:") for volume in proxy["volumes"])  # certificates
    assert proxy["environment"]["TOTO_DOMAIN"].startswith("${TOTO_DOMAIN")
    # Nothing else is published: web, ml, postgres and redis only on the compose network.
    for name, service in services.items():
        if name not in {"proxy", "coturn"}:
            assert "ports" not in service, f"{name} is published past the proxy"
    web_env = services["web"]["environment"]
    assert str(web_env["TRUSTED_PROXY_COUNT"]) == "1"
    assert web_env["SECURE_SSL_REDIRECT"].startswith("${SECURE_SSL_REDIRECT:-true")


def test_caddy_serves_the_domain_over_https_and_proxies_everything_to_web() -> None:
    config = _caddy_config("toto.example.org")
    servers = config["apps"]["http"]["servers"]
    assert len(servers) == 1
    server = next(iter(servers.values()))
    assert server["listen"] == [":443"]  # automatic HTTPS; :80 only redirects
    assert server["routes"][0]["match"] == [{"host": ["toto.example.org"]}]
    # Automatic HTTPS is not switched off, no certificate is pinned by hand.
    assert "automatic_https" not in server
    assert "tls" not in config["apps"] or "certificates" not in config["apps"]["tls"]

    handlers = _handlers(server["routes"])
    proxies = [h for h in handlers if h["handler"] == "reverse_proxy"]
    assert len(proxies) == 1
    assert proxies[0]["upstreams"] == [{"dial": "web:8000"}]
    # The one reverse_proxy is reached by every path (/, /static/, /media/, /api/, /ws/):
    # no route in front of it matches on paths, so WebSocket upgrades reach daphne too.
    assert "match" not in json.dumps(server["routes"][0]["handle"])
    # Caddy sets X-Forwarded-For itself and, trusting no proxy in front, drops what a client
    # sent: the one entry Django trusts (TRUSTED_PROXY_COUNT=1) is the client's address.
    assert "trusted_proxies" not in json.dumps(config)
    assert "headers" not in proxies[0] or "X-Forwarded-For" not in json.dumps(proxies[0])

    encoders = [h for h in handlers if h["handler"] == "encode"]
    assert encoders and set(encoders[0]["encodings"]) == {"gzip", "zstd"}


def test_caddy_adds_no_security_header_django_already_sends() -> None:
    config = _caddy_config("toto.example.org")
    header_handlers = [h for h in _handlers(config) if h["handler"] == "headers"]
    for handler in header_handlers:
        response = handler.get("response", {})
        set_names = {
            name.lower() for name in {**response.get("set", {}), **response.get("add", {})}
        }
        assert not set_names & DJANGO_HEADERS, set_names & DJANGO_HEADERS
        assert [name.lower() for name in response.get("delete", [])] == ["server"]
