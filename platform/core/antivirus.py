"""Optional virus scanning of uploads with ClamAV (off unless configured).

Settings (one block in toto/settings/base.py, all from the environment):

- ``CLAMAV_ENABLED``: scan every upload. Implied when ``CLAMAV_SOCKET`` is set.
- ``CLAMAV_SOCKET``: the clamd daemon, a Unix socket path (``/run/clamav/clamd.ctl``) or
  ``tcp://host:3310``. Uploads are streamed to it (INSTREAM), nothing is written to disk.
- Without a socket, ``clamscan`` (``CLAMAV_CLAMSCAN``) reads the upload on stdin; it loads
  its signatures on each call (seconds with the full database), so use it only for low
  volumes. ``CLAMAV_DATABASE`` points either at another signature file or folder.
- ``CLAMAV_FAIL_CLOSED`` (default on): when the scanner cannot be reached or errs, refuse
  the upload with 503 ``scanner_unavailable``; off, the upload is accepted unscanned (and
  logged).
- ``CLAMAV_TIMEOUT`` seconds for one scan (default 30).

An infected upload is refused with 400 ``infected_file`` before anything is stored.
``core.uploads.checked_type`` calls :func:`scan`, so every upload judged by content is
scanned; image paths that decode with Pillow call it too.
"""

from __future__ import annotations

import logging
import socket
import struct
import subprocess
from dataclasses import dataclass
from typing import IO, Protocol

from django.conf import settings
from rest_framework import status

from core.api.errors import ServiceError

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024


class InfectedFile(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "infected_file"
    default_detail = "This file contains a virus or malware and was not accepted."


class ScannerUnavailable(ServiceError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "scanner_unavailable"
    default_detail = "Uploads cannot be checked for viruses right now. Try again shortly."


class ScanError(Exception):
    """The scanner could not give a verdict (not reachable, timed out, errored)."""


@dataclass(frozen=True)
class Verdict:
    clean: bool
    signature: str = ""


class _Readable(Protocol):
    def seek(self, offset: int, whence: int = ...) -> object: ...
    def read(self, size: int = ...) -> bytes: ...


def enabled() -> bool:
    return bool(settings.CLAMAV_ENABLED or _socket_setting())


def _socket_setting() -> str:
    return str(settings.CLAMAV_SOCKET or "")


def _timeout() -> float:
    return float(settings.CLAMAV_TIMEOUT)


def _connect(address: str) -> socket.socket:
    timeout = _timeout()
    if address.startswith("tcp://"):
        host, _sep, port = address.removeprefix("tcp://").rpartition(":")
        return socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(address)
    except OSError:
        sock.close()
        raise
    return sock


def _parse(reply: str) -> Verdict:
    # "stream: OK" | "stream: Eicar-Signature FOUND" | "INSTREAM size limit exceeded. ERROR"
    reply = reply.strip("\x00\n ")
    if reply.endswith(" OK"):
        return Verdict(clean=True)
    if reply.endswith(" FOUND"):
        found = reply.removesuffix(" FOUND")
        return Verdict(clean=False, signature=found.split(": ", 1)[-1])
    raise ScanError(f"clamd answered {reply[:200]!r}")


def scan_with_clamd(stream: IO[bytes] | _Readable, address: str) -> Verdict:
    """Streams the content to clamd (INSTREAM): length-prefixed chunks, then a zero length."""
    try:
        with _connect(address) as sock:
            sock.sendall(b"zINSTREAM\x00")
            while chunk := stream.read(CHUNK):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\x00"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except (OSError, ValueError) as exc:
        raise ScanError(f"clamd at {address} is not reachable: {exc}") from exc
    return _parse(reply.decode("utf-8", "replace"))


def scan_with_clamscan(stream: IO[bytes] | _Readable) -> Verdict:
    """Runs ``clamscan -`` on the content (exit 0 clean, 1 found, 2 error)."""
    command = [
        str(settings.CLAMAV_CLAMSCAN),
        "--no-summary",
        "--stdout",
    ]
    database = str(settings.CLAMAV_DATABASE or "")
    if database:
        command.append(f"--database={database}")
    command.append("-")
    content = b"".join(iter(lambda: stream.read(CHUNK), b""))
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments, content on stdin
            command, input=content, capture_output=True, timeout=_timeout(), check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ScanError(f"clamscan could not run: {exc}") from exc
    output = done.stdout.decode("utf-8", "replace").strip()
    if done.returncode == 0:
        return Verdict(clean=True)
    if done.returncode == 1:
        return _parse(output.splitlines()[-1] if output else "stream: unknown FOUND")
    raise ScanError(f"clamscan exited {done.returncode}: {done.stderr[-300:]!r}")


def verdict(stream: IO[bytes] | _Readable) -> Verdict:
    """The scanner's verdict on the content, read from its start (the file is rewound)."""
    stream.seek(0)
    try:
        address = _socket_setting()
        if address:
            return scan_with_clamd(stream, address)
        return scan_with_clamscan(stream)
    finally:
        stream.seek(0)


def scan(upload: IO[bytes] | _Readable) -> None:
    """Refuses an infected upload (``InfectedFile``, 400) when scanning is configured; when
    the scanner is down, refuses with ``ScannerUnavailable`` (503) unless configured to fail
    open. Does nothing when scanning is off."""
    if not enabled():
        return
    try:
        result = verdict(upload)
    except ScanError:
        if settings.CLAMAV_FAIL_CLOSED:
            logger.exception("Virus scanner unavailable; upload refused")
            raise ScannerUnavailable() from None
        logger.exception("Virus scanner unavailable; upload accepted unscanned")
        return
    if not result.clean:
        logger.warning("Upload refused: %s", result.signature)
        raise InfectedFile()
