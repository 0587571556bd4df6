"""`make run` on a fresh checkout: the development settings on SQLite migrate and load the
demo data (`manage.py prepare_embedded`), and a second start skips both. The rest of the suite runs on PostgreSQL, so this is what catches a query only
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
        "TOTO_VAR_DIR": str(database.parent / "var"),
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
    first = manage("prepare_embedded", database=database)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "Applying" in first.stdout and "Demo data is loaded." in first.stdout
    logins = (tmp_path / "var" / "demo-logins.txt").read_text()
    assert "student@toto.localhost" in logins

    # The second start of `make run`: nothing to migrate, the demo code unchanged.
    second = manage("prepare_embedded", database=database)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "The database is up to date." in second.stdout
    assert "skipped" in second.stdout and "Demo data is loaded." not in second.stdout

    # Asked to, the demo steps run again and change nothing (they are idempotent).
    forced = manage("prepare_embedded", "--force-demo", database=database)
    assert forced.returncode == 0, forced.stderr[-3000:]
    assert "Demo data is loaded." in forced.stdout
