"""How a web or worker process keeps its PostgreSQL connections (production and the
benchmarks that compare the two ways; measured in benchmarks/db/results-pool.md).

- Persistent (``DATABASE_POOL=off``): each request thread keeps its own connection for
  ``CONN_MAX_AGE`` seconds (core.asgi_threads reuses WEB_THREADS threads, so one connection
  per thread per process, idle or not).
- Pooled (``DATABASE_POOL=on``): Django 5.2's psycopg pool, one per process: a request takes
  a connection when it first queries and gives it back when it ends; the pool keeps
  ``min_size`` open and opens up to ``max_size`` under load. Django refuses a pool together
  with ``CONN_MAX_AGE`` (the pool owns the connections' lifetime), so it is set to 0 here.
"""

from __future__ import annotations

from typing import Any


def configure(
    database: dict[str, Any],
    *,
    pool: bool,
    max_age: int = 60,
    min_size: int = 2,
    max_size: int = 16,
    timeout: float = 10.0,
) -> dict[str, Any]:
    """``database`` (one DATABASES entry) set up for persistent or pooled connections. The
    pool is PostgreSQL's (psycopg's): any other engine keeps persistent connections (the
    image's build step runs production settings on a throwaway SQLite database)."""
    database = {**database, "OPTIONS": dict(database.get("OPTIONS", {}))}
    if pool and "postgresql" in str(database.get("ENGINE", "")):
        database["CONN_MAX_AGE"] = 0
        database["CONN_HEALTH_CHECKS"] = False
        database["OPTIONS"]["pool"] = {
            "min_size": min_size,
            "max_size": max_size,
            # A request waiting longer than this for a connection fails (PoolTimeout)
            # instead of queueing forever behind a stuck database.
            "timeout": timeout,
            # Connections are replaced after an hour, and closed when idle beyond min_size.
            "max_lifetime": 3600,
            "max_idle": 300,
        }
    else:
        database["OPTIONS"].pop("pool", None)
        database["CONN_MAX_AGE"] = max_age
        database["CONN_HEALTH_CHECKS"] = True
    return database
