"""What ``make run`` does before serving, in one process: migrate, load the demo, list the logins.

Each Django process spends seconds starting (every app's views and the URLconf load), so the
three steps run in one process rather than paying that start three times. Work with nothing to do is skipped:

* ``migrate`` runs only when a migration is unapplied (a no-op migrate still runs every
  ``post_migrate`` handler: permissions, content types, Wagtail's groups);
* the demo steps run when migrations were applied, or when the demo code changed since the
  last load into this database (a fingerprint of every app's ``demo*.py`` kept in
  ``var/demo-state.json`` beside the database it describes). ``--force-demo`` runs them anyway;
  they are idempotent, so running them again is always safe;
* the demo logins are written to ``var/demo-logins.txt`` for ``scripts/run`` to print;
* with ``--serve ADDRESS`` the same process then serves (``runserver``, no reloader, its
  checks already run): one Django start for the whole of a second ``make run``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

STATE_FILE = "demo-state.json"
LOGINS_FILE = "demo-logins.txt"


def unapplied_migrations() -> int:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def demo_fingerprint() -> str:
    """A hash of every app's demo code, so a changed demo step reloads."""
    digest = hashlib.sha256()
    for app_config in apps.get_app_configs():
        for path in sorted(Path(app_config.path).glob("demo*.py")):
            digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def database_identity() -> str:
    database = settings.DATABASES[DEFAULT_DB_ALIAS]
    return f"{database['ENGINE']}:{database.get('HOST', '')}:{database['NAME']}"


class Command(BaseCommand):
    help = "Migrate, load the demo data and list the demo logins, skipping what is up to date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force-demo", action="store_true", help="Run the demo steps.")
        parser.add_argument(
            "--serve", metavar="ADDRESS", help="Then serve on ADDRESS (e.g. 127.0.0.1:8000)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        var_dir = Path(settings.VAR_DIR)
        var_dir.mkdir(parents=True, exist_ok=True)
        state_path = var_dir / STATE_FILE

        pending = unapplied_migrations()
        if pending:
            self.stdout.write(f"Applying {pending} migrations…")
            call_command("migrate", interactive=False, verbosity=0)
        else:
            self.stdout.write("The database is up to date.")

        state = {"database": database_identity(), "fingerprint": demo_fingerprint()}
        try:
            previous = json.loads(state_path.read_text())
        except (OSError, ValueError):
            previous = None
        if pending or options["force_demo"] or previous != state:
            call_command("load_demo_data", stdout=self.stdout)
            state_path.write_text(json.dumps(state))
        else:
            self.stdout.write("The demo data is loaded and its code unchanged: skipped.")

        from accounts.demo import demo_login_lines

        (var_dir / LOGINS_FILE).write_text("\n".join(demo_login_lines()) + "\n")

        if options["serve"]:
            call_command("runserver", options["serve"], use_reloader=False, skip_checks=True)
