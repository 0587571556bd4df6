"""Optional ClamAV scanning of uploads (core.antivirus), with Debian's real clamd and clamscan
and a signature file built here (no signatures are downloaded): a PDF whose exact content is
the "virus" (an MD5 .hdb signature, as ``sigtool --md5`` writes it).

Through the public API: the infected upload is a 400 ``infected_file`` and nothing is stored,
a clean one is accepted; with the daemon gone the upload is a 503 ``scanner_unavailable``
(fail closed), or accepted when configured to fail open.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from materials.models import Material
from materials.samples import pdf_bytes

pytestmark = pytest.mark.skipif(
    not (shutil.which("clamscan") and shutil.which("clamd")),
    reason="ClamAV is not installed (Debian: clamav clamav-daemon; make install-test)",
)

INFECTED = pdf_bytes("This PDF is the test signature's exact content")
CLEAN = pdf_bytes("An innocent PDF about Spanish verbs")


@pytest.fixture(scope="module")
def signatures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("clamav-db")
    digest = hashlib.md5(INFECTED).hexdigest()  # noqa: S324 - the .hdb format is MD5
    (folder / "toto-test.hdb").write_text(f"{digest}:{len(INFECTED)}:Toto.Test.Signature\n")
    return folder


@pytest.fixture
def clamd(signatures: Path, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A real clamd on a Unix socket, loading only the test signature."""
    socket_path = tmp_path / "clamd.sock"
    config = tmp_path / "clamd.conf"
    config.write_text(
        f"LocalSocket {socket_path}\nDatabaseDirectory {signatures}\nForeground yes\n"
        f"LogFile {tmp_path / 'clamd.log'}\n"
    )
    process = subprocess.Popen(["clamd", "-c", str(config)])
    deadline = time.monotonic() + 30
    while not socket_path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"clamd did not start: {(tmp_path / 'clamd.log').read_text()[-2000:]}")
        time.sleep(0.05)
    yield {"socket": str(socket_path), "process": process}
    process.terminate()
    process.wait(timeout=10)


def _upload(api_client: Any, teacher: Any, content: bytes) -> Any:
    api_client.force_login(teacher)
    return api_client.post(
        "/api/v1/materials/",
        {"file": SimpleUploadedFile("notes.pdf", content, "application/pdf"), "title": "Notes"},
        format="multipart",
    )


def test_clamd_refuses_the_infected_upload_and_accepts_a_clean_one(
    api_client: Any, teacher: Any, clamd: dict[str, Any], settings: Any
) -> None:
    settings.CLAMAV_SOCKET = clamd["socket"]

    answer = _upload(api_client, teacher, INFECTED)
    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == "infected_file"
    assert not Material.objects.exists()

    assert _upload(api_client, teacher, CLEAN).status_code == 201
    assert Material.objects.count() == 1


def test_scanner_down_fails_closed_with_503_or_open_when_configured(
    api_client: Any, teacher: Any, clamd: dict[str, Any], settings: Any
) -> None:
    settings.CLAMAV_SOCKET = clamd["socket"]
    clamd["process"].terminate()
    clamd["process"].wait(timeout=10)

    answer = _upload(api_client, teacher, CLEAN)
    assert answer.status_code == 503, answer.content
    assert answer.json()["code"] == "scanner_unavailable"
    assert not Material.objects.exists()

    settings.CLAMAV_FAIL_CLOSED = False
    assert _upload(api_client, teacher, CLEAN).status_code == 201


def test_clamscan_without_a_daemon(
    api_client: Any, teacher: Any, signatures: Path, settings: Any
) -> None:
    settings.CLAMAV_SOCKET = ""
    settings.CLAMAV_ENABLED = True
    settings.CLAMAV_DATABASE = str(signatures)

    answer = _upload(api_client, teacher, INFECTED)
    assert answer.status_code == 400
    assert answer.json()["code"] == "infected_file"
    assert _upload(api_client, teacher, CLEAN).status_code == 201

    settings.CLAMAV_CLAMSCAN = "/nonexistent/clamscan"
    assert _upload(api_client, teacher, CLEAN).status_code == 503


def test_scanning_is_off_unless_configured(
    api_client: Any, teacher: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CLAMAV_SOCKET = ""
    settings.CLAMAV_ENABLED = False
    # Off means no scanner is even asked: one that would fail is never run.
    settings.CLAMAV_CLAMSCAN = "/nonexistent/clamscan"
    assert _upload(api_client, teacher, INFECTED).status_code == 201
