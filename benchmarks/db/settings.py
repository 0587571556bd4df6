"""The API benchmark's settings (production's behaviour on the throwaway services) with the
database connections chosen by DATABASE_POOL / DATABASE_POOL_MAX_SIZE, as production reads
them (toto.settings.database)."""

import os

from benchmarks.api.settings import *  # noqa: F403
from benchmarks.api.settings import DATABASES
from toto.settings.database import configure

DATABASES["default"] = configure(
    DATABASES["default"],
    pool=os.environ.get("DATABASE_POOL", "off") == "on",
    max_size=int(os.environ.get("DATABASE_POOL_MAX_SIZE", "16")),
)
