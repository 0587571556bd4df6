"""Backups restore: scripts/backup dumps the test database (with a learner, a phrasebook
entry and an uploaded file) and the media folders; scripts/restore puts them into a fresh
database and empty folders; the production settings then serve the restored copy (the
site's home page, the learner's phrasebook entry through the API, the uploaded file).

Also: a damaged backup and a database that is not empty are refused, nothing touched.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PG_BIN = next(
    (
        p
        for p in (Path("/usr/lib/postgresql/15/bin"), Path("/usr/lib/postgresql/16/bin"))
        if p.exists()
    ),
    None,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _url(name: str) -> str:
    return f"postgres://postgres@127.0.0.1:{os.environ['TOTO_TEST_DATABASE_PORT']}/{name}"


def _env(**extra: str) -> dict[str, str]:
    path = f"{PG_BIN}:{os.environ.get('PATH', '')}" if PG_BIN else os.environ.get("PATH", "")
    return {**os.environ, "PATH": path, **extra}


@pytest.fixture
def fresh_database() -> Iterator[str]:
    import psycopg

    name = f"toto_restored_{secrets.token_hex(4)}"
    admin = (
        f"host=127.0.0.1 port={os.environ['TOTO_TEST_DATABASE_PORT']} user=postgres dbname=postgres"
    )
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _backup(tmp_path: Path, media: Path, private: Path) -> Path:
    from django.db import connection

    result = subprocess.run(
        [str(ROOT / "scripts" / "backup"), str(tmp_path / "backups")],
        env=_env(
            DATABASE_URL=_url(connection.settings_dict["NAME"]),
            MEDIA_ROOT=str(media),
            PRIVATE_MEDIA_ROOT=str(private),
        ),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip().splitlines()[-1])


def _restore(
    backup: Path, database: str, media: Path, private: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "scripts" / "restore"), str(backup)],
        env=_env(
            DATABASE_URL=_url(database), MEDIA_ROOT=str(media), PRIVATE_MEDIA_ROOT=str(private)
        ),
        capture_output=True,
        text=True,
        timeout=300,
    )


# Runs under the production settings against the restored database and media folder.
PROBE = """
import json, django
django.setup()
from django.test import Client
from accounts.models import User
from wagtail.models import Site
client = Client()
home = client.get("/", secure=True)
learner = User.objects.get(email="restored@example.com")
client.force_login(learner)
phrases = client.get("/api/v1/translate/phrasebook/", secure=True)
upload = client.get("/media/uploads/hello.txt", secure=True)
body = b"".join(upload.streaming_content) if upload.streaming else upload.content
print(json.dumps({
    "home": home.status_code,
    "home_has_site": Site.objects.get(is_default_site=True).root_page.title.encode() in home.content,
    "phrases": phrases.status_code,
    "texts": [p["source_text"] for p in phrases.json()["results"]],
    "upload": upload.status_code,
    "upload_body": body.decode(),
}))
"""


def test_a_backup_restores_into_a_fresh_database_and_is_served(
    tmp_path: Path, user_factory, fresh_database: str, settings
) -> None:
    from translation.services import save_phrase

    learner = user_factory(email="restored@example.com")
    save_phrase(
        learner,
        source_language="en",
        target_language="es",
        source_text="Where is the station?",
        translated_text="¿Dónde está la estación?",
        tags=["travel"],
    )
    media = tmp_path / "media"
    (media / "uploads").mkdir(parents=True)
    (media / "uploads" / "hello.txt").write_text("hola\n")
    private = tmp_path / "private"
    (private / "recordings").mkdir(parents=True)
    (private / "recordings" / "take.webm").write_bytes(b"\x1aE\xdf\xa3 not really audio")

    backup = _backup(tmp_path, media, private)
    assert backup.name.startswith("toto-") and not backup.name.endswith(".partial")
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["format"] == "toto-backup/1"
    assert {f["name"] for f in manifest["files"]} == {
        "database.dump",
        "media.tar.gz",
        "private.tar.gz",
    }
    assert manifest["applied_migrations"] > 100
    assert (backup / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    restored_media = tmp_path / "restored-media"
    restored_private = tmp_path / "restored-private"
    result = _restore(backup, fresh_database, restored_media, restored_private)
    assert result.returncode == 0, result.stderr
    assert (restored_media / "uploads" / "hello.txt").read_text() == "hola\n"
    assert (restored_private / "recordings" / "take.webm").read_bytes().startswith(b"\x1aE\xdf\xa3")

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TOTO_"))},
        "DJANGO_SETTINGS_MODULE": "toto.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DATABASE_URL": _url(fresh_database),
        "REDIS_URL": re.sub(r"/\d+$", "/8", os.environ["TOTO_TEST_REDIS_URL"]),
        "HEADLESS_JWT_PRIVATE_KEY": key.decode(),
        "ALLOWED_HOSTS": "testserver",
        "MEDIA_ROOT": str(restored_media),
        "PRIVATE_MEDIA_ROOT": str(restored_private),
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    # A backup of this release needs no migration; migrate says so.
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert probe.returncode == 0, probe.stderr[-4000:]
    served = json.loads(probe.stdout.strip().splitlines()[-1])
    assert served["home"] == 200 and served["home_has_site"]
    assert served["phrases"] == 200
    assert served["texts"] == ["Where is the station?"]
    assert served["upload"] == 200 and served["upload_body"] == "hola\n"


def test_a_damaged_backup_or_a_database_in_use_is_refused(
    tmp_path: Path, fresh_database: str
) -> None:
    from django.db import connection

    media, private = tmp_path / "media", tmp_path / "private"
    backup = _backup(tmp_path, media, private)

    # Into a database that has tables (the test database itself): refused, untouched.
    in_use = _restore(backup, connection.settings_dict["NAME"], tmp_path / "m1", tmp_path / "p1")
    assert in_use.returncode == 4, in_use.stderr
    assert "restore into an empty database" in in_use.stderr

    # One flipped byte in the dump: refused before anything is written.
    dump = backup / "database.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    damaged = _restore(backup, fresh_database, tmp_path / "m2", tmp_path / "p2")
    assert damaged.returncode == 3, damaged.stderr
    assert "damaged" in damaged.stderr
    assert not (tmp_path / "m2").exists()
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={os.environ['TOTO_TEST_DATABASE_PORT']} user=postgres dbname={fresh_database}"
    ) as fresh:
        tables = fresh.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    assert tables == (0,)
