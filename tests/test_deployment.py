"""The production-like deployment files stay valid."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


def test_docker_compose_config_is_accepted() -> None:
    compose = shutil.which("docker-compose")
    if compose is None:
        pytest.fail("docker-compose is not installed: `make test` installs it")
    result = subprocess.run(
        [compose, "config", "-q"],
        cwd=REPO,
        env={
            "PATH": "/usr/bin:/bin",
            "SECRET_KEY": "k",
            "POSTGRES_PASSWORD": "p",
            "HEADLESS_JWT_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_every_compose_build_target_exists_in_the_dockerfile() -> None:
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    stages = set(re.findall(r"^FROM \S+ AS (\S+)$", (REPO / "Dockerfile").read_text(), re.M))
    targets = {svc["build"]["target"] for svc in services.values() if "build" in svc}
    assert targets <= stages
    assert {"postgres", "redis", "web", "worker", "beat", "ml"} <= set(services)
