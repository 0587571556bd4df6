"""scripts/audit-dependencies (make lint): fails on a known vulnerability, and says plainly
that it skipped when the vulnerability service cannot be reached. pip-audit is stood in for
by a script printing its JSON report, since the service is off this machine."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "audit-dependencies"


def run_with_report(tmp_path: Path, report: dict) -> subprocess.CompletedProcess[str]:
    fake = tmp_path / "pip-audit"
    fake.write_text(f"#!/bin/sh\ncat <<'JSON'\n{json.dumps(report)}\nJSON\n")
    fake.chmod(0o755)
    return subprocess.run(
        [sys.executable, str(SCRIPT)],
        env={**os.environ, "PIP_AUDIT": str(fake)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_known_vulnerability_fails_the_audit(tmp_path: Path) -> None:
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2.19", "vulns": [
                {"id": "PYSEC-2099-1", "fix_versions": ["5.2.20"]}]},
            {"name": "wagtail", "version": "8.0.1", "vulns": []},
        ]
    }  # fmt: skip
    result = run_with_report(tmp_path, report)
    assert result.returncode == 1
    assert "django 5.2.19: PYSEC-2099-1 (fixed in 5.2.20)" in result.stdout


@pytest.mark.parametrize(
    ("dependencies", "expected"),
    [
        ([{"name": "django", "version": "5.2.19", "vulns": []}], "1 packages audited"),
        ([{"name": "django", "skip_reason": "Dependency not found on PyPI"}], "skipped"),
    ],
)
def test_clean_or_unreachable_passes_and_says_which(
    tmp_path: Path, dependencies: list, expected: str
) -> None:
    result = run_with_report(tmp_path, {"dependencies": dependencies})
    assert result.returncode == 0
    assert expected in result.stdout
