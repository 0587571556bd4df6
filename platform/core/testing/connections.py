"""Keeping the test's database connection through requests made with a WSGI app directly."""

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def kept_connection() -> Iterator[None]:
    """Django's WSGI handler closes the database connection around each request; as the test
    client does, it must not here, or the test's transaction would be lost (schemathesis and
    other tools calling the WSGI app directly). Not a fixture: the test client used for signing
    in reconnects the handlers after each of its own requests."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
