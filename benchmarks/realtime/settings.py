"""The test settings (throwaway PostgreSQL and Redis) with production's persistent database
connections, which a latency benchmark must not pay for on every query."""

from toto.settings.test import *  # noqa: F403
from toto.settings.test import DATABASES

DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
SERVER_GC_FREEZE = True  # as a served process runs (the test settings turn it off)
