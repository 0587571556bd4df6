"""What a second `make run` skips (cms.site's prepare_embedded): the migration graph when every
migration file is recorded as applied, the system checks when code and environment are as they
were when the checks last passed."""

from pathlib import Path

import pytest
from django.db import connection

from cms.site.management.commands import prepare_embedded
from cms.site.management.commands.prepare_embedded import (
    checks_fingerprint,
    migration_files_recorded,
    unapplied_migrations,
)


@pytest.mark.django_db
def test_a_migration_file_not_recorded_sends_the_check_to_the_migration_graph() -> None:
    assert migration_files_recorded()
    assert unapplied_migrations() == 0
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'core' AND name = '0001_beat_schedules'"
        )
    assert not migration_files_recorded()
    assert unapplied_migrations() == 1, "the graph counts the one missing"


def test_the_checks_run_again_when_the_environment_or_the_code_changes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    before = checks_fingerprint()
    assert checks_fingerprint() == before
    monkeypatch.setenv("TOTO_SOMETHING_NEW", "1")
    assert checks_fingerprint() != before
    monkeypatch.delenv("TOTO_SOMETHING_NEW")
    assert checks_fingerprint() == before

    ran = []
    command = prepare_embedded.Command()
    monkeypatch.setattr(command, "check", lambda *args, **kwargs: ran.append(1))
    state = tmp_path / "checks-state.json"
    command.check_when_changed(state)
    command.check_when_changed(state)
    assert ran == [1], "the second start skips them"
    monkeypatch.setattr(prepare_embedded, "checks_fingerprint", lambda: "the code changed")
    command.check_when_changed(state)
    assert ran == [1, 1]
