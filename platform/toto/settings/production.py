"""Production: everything from the environment, nothing embedded, secure by default.

Required: SECRET_KEY, DATABASE_URL, REDIS_URL, ALLOWED_HOSTS. See README.md "Production".
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOGGING, WEB_THREADS, env
from .database import configure

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
# Connections: Django's psycopg pool per process (DATABASE_POOL=on, the default) or a
# persistent connection per request thread (off); measured in benchmarks/db/results-pool.md,
# chosen in docs/decisions.md, sized in docs/scaling.md.
DATABASES = {
    "default": configure(
        env.db("DATABASE_URL"),
        pool=env.bool("DATABASE_POOL", default=True),
        max_age=env.int("DATABASE_CONN_MAX_AGE", default=60),
        min_size=env.int("DATABASE_POOL_MIN_SIZE", default=2),
        # As many as the threads that run requests (core.asgi_threads): the pool adds no
        # second queue; lower it (PgBouncer, many processes) once measured on your load.
        max_size=env.int("DATABASE_POOL_MAX_SIZE", default=WEB_THREADS or 16),
        timeout=env.float("DATABASE_POOL_TIMEOUT", default=10.0),
    )
}
# The RSA key that signs the API's JWTs (PEM, PKCS#8 or PKCS#1), required: in the variable
# (newlines may be written as \n) or in a file named by HEADLESS_JWT_PRIVATE_KEY_FILE (a
# Docker/Kubernetes secret). Rotating it signs everyone out of the app.
HEADLESS_JWT_PRIVATE_KEY = env.str("HEADLESS_JWT_PRIVATE_KEY", multiline=True, default="")
if not HEADLESS_JWT_PRIVATE_KEY and env.str("HEADLESS_JWT_PRIVATE_KEY_FILE", default=""):
    HEADLESS_JWT_PRIVATE_KEY = Path(env.str("HEADLESS_JWT_PRIVATE_KEY_FILE")).read_text()
if "PRIVATE KEY-----" not in HEADLESS_JWT_PRIVATE_KEY:
    raise ImproperlyConfigured(
        "Set HEADLESS_JWT_PRIVATE_KEY (or HEADLESS_JWT_PRIVATE_KEY_FILE) to an RSA private key"
        " in PEM form, e.g. from `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`."
    )
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

# --- Payments: the demo provider -------------------------------------------------------------
# Its test cards buy credits, lessons and plans for no money: never on a real server. Read
# here (not left to payments.conf's environment fallback) so that the variable cannot
# switch it on behind this check.
PAYMENTS_DEMO_ENABLED = env.bool("PAYMENTS_DEMO_ENABLED", default=False)
if PAYMENTS_DEMO_ENABLED:
    raise ImproperlyConfigured(
        "PAYMENTS_DEMO_ENABLED is for development and demos only: its test cards pay for "
        "anything without money. Unset it in production."
    )
env.str("REDIS_URL")  # the cache, channel layer and broker were configured from it in base

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health/$", r"^api/v1/ready/$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    **STORAGES,  # noqa: F405
    # Hashed names (cached for a year by browsers) and gzip/brotli copies, served by WhiteNoise.
    "staticfiles": {"BACKEND": "core.static_storage.StaticFilesStorage"},
}
LOGGING["handlers"]["console"]["formatter"] = env.str("LOG_FORMAT", default="json")
