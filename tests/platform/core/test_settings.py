"""The runtime shapes: what settings become with and without production variables."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
# Production requires the API's JWT signing key; a throwaway one for these probes.
JWT_KEY = __import__("accounts.jwt_keys", fromlist=["x"]).generate_private_key_pem()

_PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "db": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "channels": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "email": settings.EMAIL_BACKEND,
    "email_path": str(getattr(settings, "EMAIL_FILE_PATH", "")),
    "media": str(settings.MEDIA_ROOT),
    "storage": settings.STORAGES["default"]["BACKEND"],
    "ml": settings.ML_URL,
}))
"""


def _clean_env(**extra: str) -> dict[str, str]:
    keep = {"PATH", "HOME", "LANG", "PYTHONPATH"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    env.update(extra)
    return env


def _probe(settings_module: str, **extra: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=REPO,
        env=_clean_env(DJANGO_SETTINGS_MODULE=settings_module, **extra),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_embedded_default_needs_no_service(tmp_path: Path) -> None:
    shape = _probe("toto.settings.dev", TOTO_VAR_DIR=str(tmp_path))
    assert shape["db"] == "django.db.backends.sqlite3"
    assert shape["db_name"].startswith(str(tmp_path))
    assert shape["cache"].endswith("LocMemCache")
    assert shape["channels"] == "channels.layers.InMemoryChannelLayer"
    assert shape["eager"] is True
    assert shape["email"] == "django.core.mail.backends.filebased.EmailBackend"
    assert shape["email_path"] == str(tmp_path / "mail")
    assert shape["media"] == str(tmp_path / "media")
    assert shape["ml"] == "http://127.0.0.1:8001"


def test_production_variables_switch_every_service() -> None:
    shape = _probe(
        "toto.settings.production",
        SECRET_KEY="x" * 64,
        HEADLESS_JWT_PRIVATE_KEY=JWT_KEY,
        DATABASE_URL="postgres://toto:pw@db:5432/toto",
        REDIS_URL="redis://redis:6379/0",
        ALLOWED_HOSTS="toto.example.org",
        AWS_STORAGE_BUCKET_NAME="toto-media",
        EMAIL_URL="smtp+tls://mailer:pw@smtp.example.org:587",
        ML_URL="http://ml:8001",
    )
    assert shape["db"] == "django.db.backends.postgresql"
    assert shape["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert shape["channels"] == "realtime.layers.TotoRedisChannelLayer"
    assert shape["eager"] is False
    assert shape["broker"] == "redis://redis:6379/0"
    assert shape["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert shape["storage"] == "storages.backends.s3.S3Storage"
    assert shape["ml"] == "http://ml:8001"


def test_check_deploy_is_clean_with_production_variables() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=_clean_env(
            DJANGO_SETTINGS_MODULE="toto.settings.production",
            SECRET_KEY="k" * 30 + "Zq9!x@Lm#2" * 4,
            HEADLESS_JWT_PRIVATE_KEY=JWT_KEY,
            DATABASE_URL="postgres://toto:pw@db:5432/toto",
            REDIS_URL="redis://redis:6379/0",
            ALLOWED_HOSTS="toto.example.org",
        ),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_platform_is_not_shadowed_from_the_repository_root() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import platform, uuid; print(platform.system())"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Linux"
