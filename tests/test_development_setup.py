"""`make run` on a fresh checkout: the development settings on SQLite migrate and load the
demo data. The rest of the suite runs on PostgreSQL, so this is what catches a query only
PostgreSQL supports (a JSON containment lookup, say) in code the demo data goes through."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def manage(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "toto.settings.dev",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_development_database_migrates_and_loads_the_demo_data(tmp_path: Path) -> None:
    database = tmp_path / "toto.sqlite3"
    migrated = manage("migrate", "--noinput", "-v0", database=database)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    loaded = manage("load_demo_data", database=database)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    assert "Demo data is loaded." in loaded.stdout
    assert "student@toto.localhost" in loaded.stdout
