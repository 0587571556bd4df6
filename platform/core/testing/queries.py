"""Pinning the SQL cost of a request (Zulip's assert_database_query_count, for pytest)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


class QueryCountMismatch(AssertionError):
    pass


@contextmanager
def assert_num_queries(expected: int, *, exact: bool = True) -> Iterator[CaptureQueriesContext]:
    """Fails if the block runs another number of queries (or more, with ``exact=False``),
    listing every query it ran so the culprit shows in the failure."""
    with CaptureQueriesContext(connection) as context:
        yield context
    count = len(context.captured_queries)
    if (exact and count != expected) or (not exact and count > expected):
        listing = "\n".join(
            f"{number}. {query['sql']}" for number, query in enumerate(context.captured_queries, 1)
        )
        relation = "exactly" if exact else "at most"
        raise QueryCountMismatch(f"expected {relation} {expected} queries, ran {count}:\n{listing}")


def request_with_query_count(
    client: Any, method: str, path: str, expected: int, **kwargs: Any
) -> Any:
    """Makes one request through a test client and pins its number of SQL queries."""
    with assert_num_queries(expected):
        return getattr(client, method.lower())(path, **kwargs)
