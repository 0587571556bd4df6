"""Production refuses to start without the API's signing key; secure cookies and headers."""

import subprocess
import sys
from pathlib import Path

from accounts.jwt_keys import generate_private_key_pem, load_or_create_private_key

REPO = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "toto.settings.production",
    "SECRET_KEY": "k" * 30 + "Zq9!x@Lm#2" * 4,
    "DATABASE_URL": "postgres://toto:pw@db:5432/toto",
    "REDIS_URL": "redis://redis:6379/0",
    "ALLOWED_HOSTS": "toto.example.org",
}
PROBE = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, "
    "s.HEADLESS_JWT_PRIVATE_KEY.startswith('-----BEGIN'))"
)


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    import os

    base = {key: value for key, value in os.environ.items() if not key.startswith("TOTO_TEST")}
    base.pop("HEADLESS_JWT_PRIVATE_KEY", None)
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_signing_key() -> None:
    result = _run(PRODUCTION)
    assert result.returncode != 0
    assert "HEADLESS_JWT_PRIVATE_KEY" in result.stderr


def test_production_reads_the_key_from_a_file_and_secures_cookies(tmp_path: Path) -> None:
    key_file = tmp_path / "jwt.pem"
    key_file.write_text(generate_private_key_pem())
    result = _run({**PRODUCTION, "HEADLESS_JWT_PRIVATE_KEY_FILE": str(key_file)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True"]


def test_a_development_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "jwt-private.pem"
    first = load_or_create_private_key(path)
    assert load_or_create_private_key(path) == first
    assert path.stat().st_mode & 0o077 == 0
    assert first.startswith("-----BEGIN PRIVATE KEY-----")
