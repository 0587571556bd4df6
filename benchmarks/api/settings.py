"""The API benchmark's settings: production's behaviour on the throwaway PostgreSQL and Redis
(benchmarks.common.prepare). Persistent connections and the legal gate as in production; the
per-user rate limits raised so that 50 clients signed in as one learner measure the server,
not the throttle (which is still consulted on every request, at the same cost). The two
baseline views exist only here (benchmarks.api.urls), never in the production URLs."""

import os

from toto.settings.test import *  # noqa: F403
from toto.settings.test import DATABASES, REST_FRAMEWORK, STORAGES

# One media folder for every process of a run (the demo loader writes images the servers
# then resize), not the test settings' temporary folder per process.
if os.environ.get("TOTO_BENCH_MEDIA_ROOT"):
    MEDIA_ROOT = os.environ["TOTO_BENCH_MEDIA_ROOT"]
    STORAGES["private"]["OPTIONS"]["location"] = os.path.join(MEDIA_ROOT, "private")

DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
LEGAL_ACCEPTANCE_REQUIRED = True
ROOT_URLCONF = "benchmarks.api.urls"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
    "anon": "1000000/minute",
    "user": "1000000/minute",
}
HEADLESS_JWT_ACCESS_TOKEN_EXPIRES_IN = 3600
CELERY_TASK_ALWAYS_EAGER = True  # the demo loader runs its tasks in place; no worker here
SITE_CREATE_HOME_PAGE = True
