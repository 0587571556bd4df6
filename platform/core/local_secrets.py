"""Secrets a developer's machine makes for itself at first start and keeps under var/keys/.

Production passes every secret in the environment; these files exist only where nothing was
configured (the embedded default), and nothing here is committed.
"""

import os
import secrets
from pathlib import Path


def load_or_create_token(path: Path) -> str:
    """The token stored at ``path``, written there (owner-only) first if it does not exist."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(32) + "\n")
        # Two processes starting at once (the web server and scripts/run): the first link wins
        # and both read the same token.
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()


def load_or_create_p256_key(path: Path) -> str:
    """A P-256 private key (PEM) stored at ``path``, made there (owner-only) first if missing:
    the embedded default's VAPID key for Web Push. Same first-link-wins dance as above."""
    if not path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text()
