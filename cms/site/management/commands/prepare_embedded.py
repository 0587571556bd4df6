"""What ``make run`` does before serving, in one process: migrate, load the demo, list the logins.

Each Django process spends seconds starting (every app's views and the URLconf load), so the
three steps run in one process rather than paying that start three times. Work with nothing to do is skipped:

* ``migrate`` runs only when a migration is unapplied (a no-op migrate still runs every
  ``post_migrate`` handler: permissions, content types, Wagtail's groups). Whether one is, is
  first answered from the migration files' names against the applied ones (one query, no
  migration module imported); only when a file is not recorded does the migration graph load;
* the system checks run when the code or the environment changed since they last passed
  (a fingerprint of the Python sources' sizes and times and of the environment, kept in
  ``var/checks-state.json``), not on every start: they cost a start seconds;
* the demo steps run when migrations were applied, or when the demo code changed since the
  last load into this database (a fingerprint of every app's ``demo*.py`` kept in
  ``var/demo-state.json`` beside the database it describes). ``--force-demo`` runs them anyway;
  they are idempotent, so running them again is always safe;
* the demo logins are written to ``var/demo-logins.txt`` for ``scripts/run`` to print;
* with ``--serve ADDRESS`` the same process then serves (daphne's ``runserver``, no reloader,
  without its own checks and migration check, which ignore ``--skip-checks``): one Django
  start for the whole of a second ``make run``.
"""

from __future__ import annotations

import hashlib
import importlib.util
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
CHECKS_FILE = "checks-state.json"
LOGINS_FILE = "demo-logins.txt"
SOURCE_ROOTS = ("platform", "cms", "realtime")
# Environment entries that change between shells without changing what Django checks.
VOLATILE_ENVIRONMENT = {"_", "OLDPWD", "PWD", "SHLVL", "TERM", "MAKEFLAGS", "MAKELEVEL", "MFLAGS"}


def migration_files_recorded() -> bool:
    """Every migration file on disk is recorded as applied: nothing to migrate. Cheap (file
    names and one query); False only means "ask the migration graph" (a new file, or a
    squashed migration the table names by what it replaces)."""
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[DEFAULT_DB_ALIAS]
    if not MigrationRecorder(connection).has_table():
        return False
    applied = set(MigrationRecorder(connection).applied_migrations())
    for app_config in apps.get_app_configs():
        module, _explicit = MigrationLoader.migrations_module(app_config.label)
        if module is None:
            continue
        try:
            spec = importlib.util.find_spec(module)
        except ImportError:
            spec = None
        if spec is None:
            continue  # an app without migrations: nothing to apply
        if not spec.submodule_search_locations:
            return False  # not a plain directory: ask the graph
        directory = Path(next(iter(spec.submodule_search_locations)))
        for path in directory.glob("*.py"):
            # The migration loader's rule: modules named "_…" or "~…" are not migrations.
            if path.stem[0] not in "_~" and (app_config.label, path.stem) not in applied:
                return False
    return True


def unapplied_migrations() -> int:
    if migration_files_recorded():
        return 0
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def checks_fingerprint() -> str:
    """The Python sources (path, size, modification time) and the environment: what the
    system checks read."""
    import os

    digest = hashlib.sha256()
    for root in SOURCE_ROOTS:
        for path in sorted((Path(settings.BASE_DIR) / root).rglob("*.py")):
            stat = path.stat()
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    for name, value in sorted(os.environ.items()):
        if name not in VOLATILE_ENVIRONMENT:
            digest.update(f"{name}={value}\n".encode())
    return digest.hexdigest()


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
    # Run in handle(), only when the code or environment changed (see the module).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force-demo", action="store_true", help="Run the demo steps.")
        parser.add_argument(
            "--serve", metavar="ADDRESS", help="Then serve on ADDRESS (e.g. 127.0.0.1:8000)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        var_dir = Path(settings.VAR_DIR)
        var_dir.mkdir(parents=True, exist_ok=True)
        state_path = var_dir / STATE_FILE

        if not options.get("skip_checks"):
            self.check_when_changed(var_dir / CHECKS_FILE)

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
            serve(options["serve"])

    def check_when_changed(self, state_path: Path) -> None:
        fingerprint = checks_fingerprint()
        try:
            if json.loads(state_path.read_text()) == {"fingerprint": fingerprint}:
                return
        except (OSError, ValueError):
            pass
        self.check()  # raises SystemCheckError on an error: the stamp is not written
        state_path.write_text(json.dumps({"fingerprint": fingerprint}))


def serve(address: str) -> None:
    """Daphne's ``runserver`` (serving toto.asgi) without the system checks and migration
    check it runs whatever ``--skip-checks`` says: this process has done both just before."""
    from django.core.management import get_commands, load_command_class
    from django.urls import get_resolver

    # The URLconf (every view module) loaded before listening, as the checks did: loaded by
    # the first request instead, it made a health probe with a timeout give up and ask again
    # while the import held the thread (measured: the start took twice as long).
    get_resolver().url_patterns  # noqa: B018
    command = load_command_class(get_commands()["runserver"], "runserver")
    command.check = lambda *args, **kwargs: None  # type: ignore[method-assign]
    command.check_migrations = lambda: None  # type: ignore[method-assign]
    call_command(command, address, use_reloader=False, skip_checks=True)
