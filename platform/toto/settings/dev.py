"""The embedded default: one machine, no services but the ML one, everything under var/."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

# `make run` shows the product as a user meets it: branded error pages, no URL pattern lists
# or tracebacks. Developer mode is a separate switch: `DEBUG=1 make run`.
DEBUG = env.bool("DEBUG", default=False)
for folder in ("media", "private", "mail", "static"):
    (VAR_DIR / folder).mkdir(parents=True, exist_ok=True)

if not HEADLESS_JWT_PRIVATE_KEY:  # noqa: F405
    from accounts.jwt_keys import load_or_create_private_key

    HEADLESS_JWT_PRIVATE_KEY = load_or_create_private_key(VAR_DIR / "keys" / "jwt-private.pem")

# `make run` is a developer's or a demo machine: the demo admin and moderator reach the
# admin without setting up two-factor authentication first. Production and the tests keep
# the requirement (base.py); set MFA_REQUIRED_ROLES=admin,moderator to try it here.
TOTO_MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=[])

# --- Payments: the demo provider (test cards, no real money) ---------------------------------
# So that Pay / Buy / Subscribe work on a fresh `make run` without Stripe keys.
PAYMENTS_DEMO_ENABLED = env.bool("PAYMENTS_DEMO_ENABLED", default=True)

# Static files come straight from the source folders (static/ and each app's static/) through
# WhiteNoise, so `make run` needs no collectstatic step and serves what a front-end build has
# just written; in developer mode WhiteNoise also looks again on every request.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Anonymous pages from the page cache (core.page_cache) as in production, except in developer
# mode, where a template edit must show at once.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0 if DEBUG else 300)

# The key the ML service expects (scripts/run exports the same file's key to it): made once at
# first start, so the service never listens without one, even on loopback.
if not ML_API_KEY:  # noqa: F405
    from core.local_secrets import load_or_create_token

    ML_API_KEY = load_or_create_token(VAR_DIR / "keys" / "ml-api-key")

# The VAPID key Web Push signs with, made once at first start (production passes its own).
if not VAPID_PRIVATE_KEY:  # noqa: F405
    from core.local_secrets import load_or_create_p256_key

    VAPID_PRIVATE_KEY = load_or_create_p256_key(VAR_DIR / "keys" / "vapid.pem")
