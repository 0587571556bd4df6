"""Tests: real PostgreSQL and Redis, started by the test session (tests/conftest.py).

The engine is PostgreSQL from the start; the session fixture only fills in host and port
(switching ENGINE inside a fixture silently leaves tests on SQLite).
"""

import os
import tempfile

from .base import *  # noqa: F403

DEBUG = False
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "toto",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": os.environ.get("TOTO_TEST_DATABASE_PORT", "5432"),
        "TEST": {"NAME": "toto_test"},
    }
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="toto-media-")
# WhiteNoise serves from the source folders here too, as under `make run`: nothing collected.
STATIC_ROOT = tempfile.mkdtemp(prefix="toto-static-")
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="toto-private-"), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REDIS_URL = os.environ.get("TOTO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "toto-test",
    }
}
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "realtime.layers.TotoRedisChannelLayer",
        "CONFIG": {
            "hosts": [{"address": REDIS_URL, "socket_timeout": 15}],
            "capacity": 2000,
            "prefix": "toto-test:ch",
        },
    }
}
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = False
SERVER_GC_FREEZE = False  # the test process imports toto.asgi for in-process sockets
ML_URL = os.environ.get("TOTO_TEST_ML_URL", "http://127.0.0.1:1")
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {  # noqa: F405
    **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],  # noqa: F405
    "anon": "10000/minute",
    "user": "10000/minute",
}
# A signing key per test process; never one that could be used anywhere else.
from accounts.jwt_keys import generate_private_key_pem  # noqa: E402

HEADLESS_JWT_PRIVATE_KEY = generate_private_key_pem()
# The API's own throttles and allauth's rate limits stay on: tests of lockout rely on them.

# The legal gate costs one query per signed-in request; the tests that pin other endpoints'
# query counts leave it out, the legal tests turn it on (tests/cms/site/test_legal.py).
LEGAL_ACCEPTANCE_REQUIRED = False

# Tests start from the page tree as Wagtail's migrations leave it; the home page that replaces
# the placeholder on a fresh database is tested in tests/cms/site/test_fresh_home_page.py.
SITE_CREATE_HOME_PAGE = False
# Off in tests (a test changing rows and loading a page again expects the new rows); the
# page cache's own tests turn it on (tests/core/test_page_cache.py).
PAGE_CACHE_SECONDS = 0
