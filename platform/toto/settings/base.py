"""Settings shared by every runtime shape.

Everything comes from the environment with an embedded default: with no variable set Toto
runs on one machine with SQLite under var/, in-memory cache and channel layer and eager
Celery. Production sets DATABASE_URL, REDIS_URL, AWS_STORAGE_BUCKET_NAME, EMAIL_URL … (see
README.md, "Production").
"""

from pathlib import Path

import environ
from csp.constants import NONCE

PLATFORM_DIR = Path(__file__).resolve().parents[2]
BASE_DIR = PLATFORM_DIR.parent
VAR_DIR = Path(environ.Env().str("TOTO_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

# The embedded default key is only ever used on a developer's machine: production.py refuses
# to start without SECRET_KEY.
SECRET_KEY = env.str("SECRET_KEY", default="toto-insecure-development-key-change-me-0123456789")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "csp",
    # Toto
    "core",
    "accounts",
    "credits",
    "payments",
    "payouts",
    "referrals",
    "ai",
    "translation",
    "tutoring",
    "materials",
    "voice_tutor",
    "social",
    "cms.site",
    "cms.learning",
    "cms.abroad",
    "abroad",
    "vocabulary",
    "gamification",
    "learning",
    "realtime",
    "messaging",
    "notifications",
    "rooms",
    "pwa",
    "disputes",
    # Analytics summarises every other app (its demo step rolls up their demo data: it must
    # come after theirs, demo steps run in this order).
    "analytics",
    "operations",
    # Wagtail
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Third party
    "rest_framework",
    "drf_spectacular",
    # Swagger UI and ReDoc served from our /static/, so the API docs work offline.
    "drf_spectacular_sidecar",
    "django_filters",
    "corsheaders",
    "channels",
    "django_celery_beat",
    "storages",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "allauth.headless",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.facebook",
    "allauth.socialaccount.providers.apple",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    # Oversized query strings and unreadable bodies answer 4xx (input-hardening).
    "core.middleware.BadInputMiddleware",
    # /admin/ only from ADMIN_ALLOWED_NETWORKS (core.security).
    "core.security.AdminNetworkMiddleware",
    "core.metrics.PrometheusMiddleware",
    "pwa.middleware.HtmlCacheControlMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files in every shape (runserver, daphne, the production image): DEBUG or not.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy on every page, the admin's policy under /admin/ (core.csp).
    "core.csp.TotoCSPMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Django's, but a stale cookie from before sign-in no longer deletes the new one.
    "core.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Everyone but staff is turned away while maintenance mode is on (operations.maintenance).
    "operations.maintenance.MaintenanceModeMiddleware",
    "accounts.middleware.RequireTwoFactorForStaffMiddleware",
    # Signed-in people accept updated legal documents before anything else (cms.site.legal).
    "cms.site.legal.LegalAcceptanceMiddleware",
    # Accounts awaiting a guardian's consent (MINIMUM_AGE) stay limited (accounts.guardians).
    "accounts.guardians.GuardianConsentMiddleware",
    # Anonymous visitors' pages from the cache (core.page_cache): after every middleware that
    # decides who sees what, before those adding constant headers.
    "core.page_cache.AnonymousPageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# Seconds an anonymous visitor's Wagtail page stays in the page cache (core.page_cache;
# publishing forgets it at once, the limit only bounds what changes without a publication).
# 0 turns the page cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# Its pages answered in the event loop before Django's middleware (core.page_cache_front);
# off, every hit goes through the middleware (the benchmark's comparison, a kill switch).
PAGE_CACHE_FRONT = env.bool("PAGE_CACHE_FRONT", default=True)

ROOT_URLCONF = "toto.urls"
# The site's own 403 page (or JSON under /api/) instead of Django's plain CSRF page.
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
WSGI_APPLICATION = "toto.wsgi.application"
ASGI_APPLICATION = "toto.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "csp.context_processors.nonce",
            ],
            # |when, |day, |clock, |relative: the one way to write a date (docs/design.md).
            "builtins": ["core.templatetags.dates"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'toto.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite behind a web server: concurrent requests wait for the write lock instead of
    # failing with "database is locked". WAL lets readers go on while one writer writes;
    # IMMEDIATE takes the write lock when a transaction begins, so a transaction that read
    # first cannot fail to upgrade its lock (SQLITE_BUSY without waiting) half-way through.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            ),
        }
    )
    # Kept by the thread that opened it (core.asgi_threads): a new SQLite connection parses
    # the whole schema on its first statement, milliseconds on every request otherwise.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Threads that serve HTTP requests' synchronous work in each web process, each keeping its own
# database connection (core.asgi_threads): at most this many connections per process, and
# requests beyond it wait. Slow calls (the ML service) hold a thread while they wait.
WEB_THREADS = env.int("WEB_THREADS", default=32)  # 0: Django's own, a thread per request
# A server process freezes what its imports left alive out of the garbage collector's full
# passes before it takes traffic (core.server.freeze_gc_heap).
SERVER_GC_FREEZE = env.bool("SERVER_GC_FREEZE", default=True)

AUTH_USER_MODEL = "accounts.User"

# --- Redis: cache, channel layer, Celery broker ---------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "toto",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            # channels-redis with two round trips per group send instead of four.
            "BACKEND": "realtime.layers.TotoRedisChannelLayer",
            # channels-redis blocks 5 s in BZPOPMIN; redis-py 8 times reads out at 5 s by
            # default, which killed every socket idle that long. Give reads more room.
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15}],
                # All sockets of a server process share one Redis list: the default of 100
                # queued events made group sends drop silently under load.
                "capacity": 2000,
                "prefix": "toto:ch",
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
# Without a broker (the embedded default) tasks run in the caller's process.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "*.send_*email*": {"queue": "email"},
    "ai.tasks.*": {"queue": "ml"},
}

# --- Auth -----------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"
# The Wagtail admin signs in through allauth too, so that two-factor authentication applies:
# accounts.views.admin_login sends people there, and tells a signed-in user without admin
# access that the admin is the team's (allauth would send them back to the admin, a loop).
WAGTAILADMIN_LOGIN_URL = "/admin/login/"

# django-allauth (accounts app): email is the login, verified by a one-time code. The code
# does not gate signing in: sign-up signs the new account in at once (session on the
# website, access + refresh tokens for the app) and emails a code, which the signed-in user
# enters whenever they like (website: /accounts/confirm-email/, linked from a banner on every
# page; API: POST /api/auth/app/v1/auth/email/verify, a new code by
# PUT /api/auth/app/v1/account/email). allauth keeps the pending code in the sign-in's
# session and voids it after ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS wrong tries.
# Until then booking, paying and messaging answer 403 ``email_not_verified``
# (accounts.permissions.IsEmailVerified); the profile can be edited. "mandatory" below is
# what allauth's code verification requires (a system check); the sign-in step that it
# would add is replaced by accounts.stages.EmailVerificationAfterSignInStage, which only
# emails the code at sign-up. Social logins whose provider does not vouch for the address
# follow the same policy.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
# Role and full name: this form's fields are validated by the website and headless sign-up.
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Sign-up and password reset answer "already registered" / "no such account" with a clear
# 4xx (the product asks for it), so whether an address has an account can be learned there;
# both are rate limited per IP and per address. Sign-in never tells which part was wrong.
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS = 3
# A code proves the mailbox, it does not sign anyone in: it may wait a day for its owner.
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 24 * 60 * 60
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_PASSWORD_RESET_BY_CODE_TIMEOUT = 15 * 60
# One address per account; changing it sends a code to the new one, which replaces the old
# one only once verified.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Toto] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
# Every auth action is rate limited (cache-backed, per IP / per key / per user). After five
# failed sign-ins for one address within five minutes that address is locked for the rest
# of the window, whatever the IP.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "20/m/ip,5/5m/key",
    "signup": "20/m/ip",
    # Sending (or re-sending) a verification code: one per address per 10 s. Wrong codes
    # are counted by ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS: the third one voids it.
    "confirm_email": "1/10s/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}

# Two-factor authentication for everyone; required for admins and moderators before they
# reach the Wagtail admin (accounts.middleware.RequireTwoFactorForStaffMiddleware).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Toto"
MFA_RECOVERY_CODE_COUNT = 10
TOTO_MFA_REQUIRED_ROLES = ["admin", "moderator"]

# Social login: a provider is enabled (and its button shown) only when its credentials are
# set. The app exchanges a provider token for ours at
# POST /api/auth/app/v1/auth/provider/token.
SOCIALACCOUNT_PROVIDERS: dict[str, dict] = {}
if env.str("GOOGLE_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "APPS": [
            {
                "client_id": env.str("GOOGLE_CLIENT_ID"),
                "secret": env.str("GOOGLE_CLIENT_SECRET", default=""),
            }
        ],
        "SCOPE": ["openid", "profile", "email"],
        "EMAIL_AUTHENTICATION": True,
    }
if env.str("FACEBOOK_APP_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["facebook"] = {
        "APPS": [
            {"client_id": env.str("FACEBOOK_APP_ID"), "secret": env.str("FACEBOOK_APP_SECRET")}
        ],
        "SCOPE": ["email", "public_profile"],
    }
if env.str("APPLE_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["apple"] = {
        "APPS": [
            {
                "client_id": env.str("APPLE_CLIENT_ID"),
                "secret": env.str("APPLE_KEY_ID"),
                "key": env.str("APPLE_TEAM_ID"),
                "settings": {"certificate_key": env.str("APPLE_PRIVATE_KEY", multiline=True)},
            }
        ],
        "EMAIL_AUTHENTICATION": True,
    }
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
SOCIALACCOUNT_STORE_TOKENS = False

# allauth headless: the API's authentication, mounted at /api/auth/. The app client gets a
# JWT access token (5 minutes) and a refresh token that rotates on every use. Validation is
# stateful: every access token is checked against its server-side session, so signing out
# revokes it and suspending or deleting the user stops it at once.
HEADLESS_ONLY = False
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_SERVE_SPECIFICATION = True
HEADLESS_TOKEN_STRATEGY = "allauth.headless.tokens.strategies.jwt.JWTTokenStrategy"  # noqa: S105
HEADLESS_JWT_ALGORITHM = "RS256"
# Empty here: dev.py and test.py make a local key; production.py requires the variable.
HEADLESS_JWT_PRIVATE_KEY = env.str("HEADLESS_JWT_PRIVATE_KEY", multiline=True, default="")
HEADLESS_JWT_STATEFUL_VALIDATION_ENABLED = True
HEADLESS_JWT_ROTATE_REFRESH_TOKEN = True
HEADLESS_JWT_ACCESS_TOKEN_EXPIRES_IN = env.int("JWT_ACCESS_TOKEN_SECONDS", default=5 * 60)
HEADLESS_JWT_REFRESH_TOKEN_EXPIRES_IN = env.int(
    "JWT_REFRESH_TOKEN_SECONDS", default=30 * 24 * 60 * 60
)
HEADLESS_FRONTEND_URLS = {
    "account_confirm_email": "/accounts/confirm-email/{key}/",
    "account_reset_password_from_key": "/accounts/password/reset/key/{key}/",
    "account_signup": "/accounts/signup/",
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
# Interface languages (gettext catalogues in locale/, compiled by `make install`); Arabic is
# right to left (templates/base.html sets dir). Content languages stay wagtail-localize's own.
LANGUAGES = [("en", "English"), ("es", "Español"), ("ar", "العربية")]
WAGTAIL_CONTENT_LANGUAGES = [("en", "English"), ("es", "Español")]
WAGTAIL_I18N_ENABLED = True
# The translation editor's "Translate with …" button: the ML service (translation.machine).
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {"CLASS": "translation.machine.TotoMachineTranslator"}
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates on the website: one style for every page (toto/formats), in the user's time zone
# (accounts.middleware.UserLanguageMiddleware activates it).
FORMAT_MODULE_PATH = ["toto.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
# "private": files only ever served through a permission-checked view (room recordings),
# never by the web server: outside MEDIA_ROOT, and with S3 under their own prefix, private.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"location": "private", "default_acl": "private", "querystring_auth": True},
    }
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default=None)
    AWS_QUERYSTRING_AUTH = env.bool("AWS_QUERYSTRING_AUTH", default=True)
    AWS_S3_FILE_OVERWRITE = False
    AWS_DEFAULT_ACL = None
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Content-Security-Policy (django-csp, core.csp) -----------------------------------------
# One strict policy for the website, in every shape (make run, tests, production); the admin's
# differs only where Wagtail needs it. docs/decisions.md "Content-Security-Policy" explains
# each source. CSP_REPORT_ONLY=true reports violations without blocking (a trial run).
TOTO_CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)
_CSP_MEDIA_HOSTS = [
    f"https://{host}" for host in (env.str("AWS_S3_CUSTOM_DOMAIN", default=""),) if host
] + ([env.str("AWS_S3_ENDPOINT_URL")] if env.str("AWS_S3_ENDPOINT_URL", default="") else [])
# Lesson embeds (wagtail.embeds, oEmbed iframes) and the payment providers' hosted fields.
TOTO_CSP_FRAME_SOURCES = env.list(
    "CSP_FRAME_SOURCES",
    default=[
        "https://www.youtube-nocookie.com",
        "https://www.youtube.com",
        "https://player.vimeo.com",
    ],
)
_CSP_PAYMENT_SCRIPTS = ["https://js.stripe.com", "https://checkout.razorpay.com"]
_CSP_PAYMENT_FRAMES = [
    "https://js.stripe.com",
    "https://hooks.stripe.com",
    "https://api.razorpay.com",
    "https://checkout.razorpay.com",
]
_CSP_PAYMENT_CONNECT = ["https://api.stripe.com", "https://lumberjack.razorpay.com"]
TOTO_CSP_WEBSITE_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'", NONCE, *_CSP_PAYMENT_SCRIPTS],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:", *_CSP_MEDIA_HOSTS],
    "media-src": ["'self'", "data:", "blob:", *_CSP_MEDIA_HOSTS],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'", *_CSP_PAYMENT_CONNECT],
    "frame-src": ["'self'", *TOTO_CSP_FRAME_SOURCES, *_CSP_PAYMENT_FRAMES],
    "worker-src": ["'self'", "blob:"],
    "manifest-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    # Payment providers take card details in their own frames and come back by redirect
    # (return_url), not by a form posted to them: our own origin is enough.
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# The Wagtail admin: its page editor shows the live preview in a same-origin frame, and
# Wagtail's core.js inserts <style> elements at run time (its accessibility checker, a
# CSS-in-JS layer), so styles need 'unsafe-inline' here (scripts still do not). Its few
# inline scripts are replaced by markers (platform/core/templates/wagtailadmin/ overrides and
# core.admin_csp for choosers) that js/admin/inline-init.js turns into the same calls.
TOTO_CSP_ADMIN_DIRECTIVES = {
    **TOTO_CSP_WEBSITE_DIRECTIVES,
    "script-src": ["'self'", NONCE],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", "https:"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'self'"],
}
_CSP = {"DIRECTIVES": TOTO_CSP_WEBSITE_DIRECTIVES}
CONTENT_SECURITY_POLICY = None if TOTO_CSP_REPORT_ONLY else _CSP
CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP if TOTO_CSP_REPORT_ONLY else None

# --- Payments (payments.conf reads these) ---------------------------------------------------
# Providers are configured by environment variables; a provider without keys is not offered.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")  # tests: a fake Stripe
# Currencies in which Stripe offers PayPal on the account.
STRIPE_PAYPAL_CURRENCIES = env.list("STRIPE_PAYPAL_CURRENCIES", default=["EUR"])
RAZORPAY_KEY_ID = env.str("RAZORPAY_KEY_ID", default="")
RAZORPAY_KEY_SECRET = env.str("RAZORPAY_KEY_SECRET", default="")
RAZORPAY_WEBHOOK_SECRET = env.str("RAZORPAY_WEBHOOK_SECRET", default="")
RAZORPAY_API_BASE = env.str("RAZORPAY_API_BASE", default="")  # tests: a fake Razorpay
# Smallest amount per currency that may be paid by bank transfer.
BANK_TRANSFER_MINIMUM = env.dict(
    "BANK_TRANSFER_MINIMUM", default={"INR": "50000", "USD": "500", "EUR": "500"}
)
BANK_TRANSFER_DETAILS = env.str(
    "BANK_TRANSFER_DETAILS", default="Toto · IBAN XX00 0000 0000 0000 · quote the reference"
)
# Name and address printed on invoices.
INVOICE_SELLER = env.str("INVOICE_SELLER", default="Toto\nOpen language learning")
PAYMENT_PENDING_EXPIRY_HOURS = env.int("PAYMENT_PENDING_EXPIRY_HOURS", default=48)
# Seconds before each automatic retry of a refund the provider failed: 1 min, 5 min, 30 min,
# 2 h, 12 h (six sends in all over about 15 hours).
REFUND_RETRY_DELAYS = env.list(
    "REFUND_RETRY_DELAYS", cast=int, default=[60, 300, 1800, 7200, 43200]
)
# After this long a refund send that never reported back (its worker died) is taken over by
# the retry sweep.
REFUND_SEND_LEASE_SECONDS = env.int("REFUND_SEND_LEASE_SECONDS", default=900)
# The demo provider's test cards, no real money (payments.services.confirm_demo_payment). Off
# here; the embedded development settings turn it on, production refuses it.
PAYMENTS_DEMO_ENABLED = False

# --- Zoom (tutoring.zoom): lessons on Zoom when these are set -------------------------------
ZOOM_ACCOUNT_ID = env.str("ZOOM_ACCOUNT_ID", default="")
ZOOM_CLIENT_ID = env.str("ZOOM_CLIENT_ID", default="")
ZOOM_CLIENT_SECRET = env.str("ZOOM_CLIENT_SECRET", default="")
ZOOM_WEBHOOK_SECRET_TOKEN = env.str("ZOOM_WEBHOOK_SECRET_TOKEN", default="")
ZOOM_API_BASE = env.str("ZOOM_API_BASE", default="https://api.zoom.us/v2")
ZOOM_OAUTH_URL = env.str("ZOOM_OAUTH_URL", default="https://zoom.us/oauth/token")

# --- Materials (materials.conf) --------------------------------------------------------------
MATERIALS_MAX_BYTES = {
    "pdf": env.int("MATERIALS_MAX_BYTES_PDF", default=20 * 1024 * 1024),
    "audio": env.int("MATERIALS_MAX_BYTES_AUDIO", default=50 * 1024 * 1024),
    "video": env.int("MATERIALS_MAX_BYTES_VIDEO", default=500 * 1024 * 1024),
}
# How long a signed download URL (S3 and other remote storages) stays valid.
MATERIALS_DOWNLOAD_URL_SECONDS = env.int("MATERIALS_DOWNLOAD_URL_SECONDS", default=60)
PRIVATE_DOWNLOAD_URL_SECONDS = env.int("PRIVATE_DOWNLOAD_URL_SECONDS", default=60)

# --- Email ----------------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Toto <no-reply@toto.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Toto"
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# No call to releases.wagtail.org from admins' browsers (a self-hosted server tells nobody that it
# runs, and the admin's connect-src is our own origin only); upgrades are the operator's job.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
# Lesson media (cms.learning): recordings, videos and their WebVTT captions.
WAGTAILDOCS_EXTENSIONS += ["mp3", "ogg", "oga", "opus", "wav", "m4a", "mp4", "webm", "ogv", "vtt"]

# --- API ------------------------------------------------------------------------------------
# How many reverse proxies in front of the web process append to X-Forwarded-For: 0 when
# clients connect directly (every forwarded address is then ignored), 1 behind one proxy.
# DRF's throttles, allauth's rate limits and core.net.client_ip all read this one number.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Bearer JWT from allauth headless (the app), then the website's session.
        "allauth.headless.contrib.rest_framework.authentication.JWTTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.TotoAutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    # Bounded size and nesting (input-hardening); the form parsers are DRF's.
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="120/minute"),
        "user": env.str("THROTTLE_USER", default="600/minute"),
        "auth": env.str("THROTTLE_AUTH", default="20/minute"),
        "ai": env.str("THROTTLE_AI", default="30/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Throttles key anonymous clients by address: X-Forwarded-For is read only as far as
    # the configured proxies wrote it (None would trust the whole, client-forged header).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Toto API",
    "DESCRIPTION": "The REST API of Toto, for the website and the mobile app.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Wagtail ships DRF views of its own (admin API): keep the schema to ours.
    "PREPROCESSING_HOOKS": ["core.api.schema.only_toto_endpoints"],
    "COMPONENT_SPLIT_REQUEST": True,
    # /api/docs/ loads Swagger UI from drf_spectacular_sidecar's static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "LessonProgressStatusEnum": "learning.models.ProgressStatus",
        "AttemptStatusEnum": "learning.models.AttemptStatus",
        "CefrLevelEnum": "cms.learning.models.Level",
        "LanguageCodeEnum": "accounts.models.language_choices",
        "TeacherLevelEnum": "tutoring.models.teachers.CefrLevel",
        "BookingStatusEnum": "tutoring.models.bookings.BookingStatus",
        "TutoringLessonTypeEnum": "tutoring.models.bookings.LessonType",
        "MeetingProviderEnum": "tutoring.models.bookings.MeetingProvider",
        "PaymentProviderEnum": "payments.models.Provider",
        # What a word-chips challenge builds (vocabulary.challenges); social reports' "target" is another.
        "ChipsTargetEnum": [
            ("word", "word"),
            ("example", "example"),
            ("translation", "translation"),
        ],
        "MaterialKindEnum": "materials.models.MaterialKind",
        "MaterialPackStatusEnum": "materials.models.PackStatus",
        "PackPurchaseStatusEnum": "materials.models.PurchaseStatus",
        # The voice tutor's enums share field names with these: both sides named, so the
        # older ones keep the names clients know.
        "ModeEnum": "translation.models.Mode",
        "SpeakerEnum": "translation.models.Speaker",
        "DifficultyEnum": "cms.learning.models.Difficulty",
        "TutorModeEnum": "voice_tutor.models.Mode",
        "TutorSessionStatusEnum": "voice_tutor.models.SessionStatus",
        "TutorSpeakerEnum": "voice_tutor.models.Speaker",
        "PracticeDifficultyEnum": "voice_tutor.models.Difficulty",
        "AbroadBookingStatusEnum": "abroad.models.BookingStatus",
        "TargetLanguageEnum": "cms.learning.blocks.TARGET_LANGUAGES",
        "WordStatusEnum": "vocabulary.selectors.STATUSES",
        "SocialVisibilityEnum": "social.models.Visibility",
        "RefundReasonEnum": "disputes.models.RefundReason",
        "DisputeSourceEnum": "disputes.models.DisputeSource",
        "SourceEnum": "vocabulary.models.Source",
        "ReasonEnum": "gamification.models.Reason",
    },
}
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"

# --- Real time: messaging, notifications, rooms ----------------------------------------------
# Message bodies and personal data (payout details, phone, date of birth) are encrypted at
# rest with one MultiFernet key ring (core.crypto): the first key encrypts, every key
# decrypts. Rotate by prepending a new key, deploying, then running
# `manage.py rotate_encryption_keys` and `messaging.reencrypt_messages` (admin or
# `celery call`); drop the old key afterwards. Without keys (developer machines) one is
# derived from SECRET_KEY. MESSAGING_ENCRYPTION_KEYS is the variable's former name.
ENCRYPTION_KEYS = env.list(
    "ENCRYPTION_KEYS", default=env.list("MESSAGING_ENCRYPTION_KEYS", default=[])
)
# Key of the blind indexes (HMAC) on encrypted fields that need exact-match lookups.
ENCRYPTION_INDEX_KEY = env.str("ENCRYPTION_INDEX_KEY", default="")
# Key of the blind search index (HMAC of normalised words); changing it needs a reindex,
# which the re-encryption task also does.
MESSAGING_SEARCH_KEY = env.str("MESSAGING_SEARCH_KEY", default="")
MESSAGING_MAX_BODY_CHARS = env.int("MESSAGING_MAX_BODY_CHARS", default=4000)
MESSAGING_MAX_GROUP_SIZE = env.int("MESSAGING_MAX_GROUP_SIZE", default=50)
# Typing indicators are not sent in conversations larger than this (fan-out cost).
MESSAGING_TYPING_MAX_GROUP_SIZE = env.int("MESSAGING_TYPING_MAX_GROUP_SIZE", default=10)
MESSAGING_ATTACHMENT_MAX_BYTES = {
    "image": env.int("MESSAGING_IMAGE_MAX_BYTES", default=5 * 1024 * 1024),
    "audio": env.int("MESSAGING_AUDIO_MAX_BYTES", default=5 * 1024 * 1024),
    "file": env.int("MESSAGING_FILE_MAX_BYTES", default=10 * 1024 * 1024),
}
PRESENCE_TTL_SECONDS = env.int("PRESENCE_TTL_SECONDS", default=70)

# Push: FCM HTTP v1 (a service-account JSON file) and APNs (a .p8 token key).
FCM_SERVICE_ACCOUNT_FILE = env.str("FCM_SERVICE_ACCOUNT_FILE", default="")
APNS_KEY_FILE = env.str("APNS_KEY_FILE", default="")
APNS_KEY_ID = env.str("APNS_KEY_ID", default="")
APNS_TEAM_ID = env.str("APNS_TEAM_ID", default="")
APNS_TOPIC = env.str("APNS_TOPIC", default="")
APNS_USE_SANDBOX = env.bool("APNS_USE_SANDBOX", default=False)
# Web Push (notifications.push.WebPushSender, docs/pwa.md): the VAPID key pair as a P-256
# private key in PEM (VAPID_PRIVATE_KEY, or a file); the embedded default makes one under
# var/keys/ (dev.py). Subscriptions are only accepted for the browsers' push services' hosts
# (a subscription's endpoint is a URL the server will POST to).
VAPID_PRIVATE_KEY = env.str("VAPID_PRIVATE_KEY", default="", multiline=True)
if not VAPID_PRIVATE_KEY and env.str("VAPID_PRIVATE_KEY_FILE", default=""):
    VAPID_PRIVATE_KEY = Path(env.str("VAPID_PRIVATE_KEY_FILE")).read_text()
VAPID_SUBJECT = env.str("VAPID_SUBJECT", default="mailto:admin@toto.localhost")
WEB_PUSH_ENDPOINT_HOSTS = env.list(
    "WEB_PUSH_ENDPOINT_HOSTS",
    default=[
        "fcm.googleapis.com",
        "updates.push.services.mozilla.com",
        "web.push.apple.com",
        ".notify.windows.com",
    ],
)
WEB_PUSH_TTL = env.int("WEB_PUSH_TTL", default=24 * 3600)
# The installable app keeps the lessons a learner opened (pages and media) for offline use up
# to this many bytes on the device; past it the least recently used lessons go (docs/pwa.md).
PWA_LESSON_CACHE_BYTES = env.int("PWA_LESSON_CACHE_BYTES", default=50 * 1024 * 1024)

# WebRTC: STUN/TURN servers handed to clients. TURN credentials follow coturn's REST API
# scheme (use-auth-secret / static-auth-secret = TURN_SECRET).
STUN_URLS = env.list("STUN_URLS", default=[])
TURN_URLS = env.list("TURN_URLS", default=[])
TURN_SECRET = env.str("TURN_SECRET", default="")
TURN_CREDENTIAL_TTL_SECONDS = env.int("TURN_CREDENTIAL_TTL_SECONDS", default=6 * 60 * 60)
ROOMS_DEFAULT_CAPACITY = {"call": 2, "voice": 12, "classroom": 16}
MATCHMAKING_TIMEOUT_SECONDS = env.int("MATCHMAKING_TIMEOUT_SECONDS", default=60)

# Room sockets refresh their attendance row's last_seen_at every ROOMS_HEARTBEAT_SECONDS
# (and on each client ping); the rooms.release_stale_attendance sweep (every minute) releases
# rows not seen for ROOMS_ATTENDANCE_STALE_SECONDS: seats left by a server that died.
ROOMS_HEARTBEAT_SECONDS = env.int("ROOMS_HEARTBEAT_SECONDS", default=30)
ROOMS_ATTENDANCE_STALE_SECONDS = env.int("ROOMS_ATTENDANCE_STALE_SECONDS", default=120)

# --- ML service -----------------------------------------------------------------------------
ML_URL = env.str("ML_URL", default="http://127.0.0.1:8001")
ML_API_KEY = env.str("ML_API_KEY", default="")
ML_TIMEOUT_SECONDS = env.float("ML_TIMEOUT_SECONDS", default=30.0)
# Bulk translation (the editors' machine translation of a page): texts per request, at most
# the service's ML_MAX_BATCH and ML_MAX_TEXT_CHARS, and how many requests are in flight at once.
ML_TRANSLATE_BATCH = env.int("ML_TRANSLATE_BATCH", default=128)
ML_TRANSLATE_MAX_CHARS = env.int("ML_TRANSLATE_MAX_CHARS", default=20_000)
ML_TRANSLATE_IN_FLIGHT = env.int("ML_TRANSLATE_IN_FLIGHT", default=2)
AI_CONNECT_TIMEOUT_SECONDS = env.float("AI_CONNECT_TIMEOUT_SECONDS", default=3.0)
# Chat and LLM grammar/writing feedback: the ML service's /v1 proxy unless these point at
# OpenAI (https://api.openai.com/v1) or another OpenAI-compatible server.
AI_LLM_BASE_URL = env.str("AI_LLM_BASE_URL", default="")
AI_LLM_API_KEY = env.str("AI_LLM_API_KEY", default="")
AI_LLM_MODEL = env.str("AI_LLM_MODEL", default="")
AI_LLM_TIMEOUT_SECONDS = env.float("AI_LLM_TIMEOUT_SECONDS", default=60.0)
AI_MAX_TEXT_CHARS = env.int("AI_MAX_TEXT_CHARS", default=10_000)
AI_MAX_AUDIO_BYTES = env.int("AI_MAX_AUDIO_BYTES", default=10 * 1024 * 1024)

# Voice tutor: which conversation engine ("auto": the LLM when one answers, else the offline
# guided script; "guided" or "llm" to force one), the longest session, and how often a live
# session charges the learner for the time used so far, in seconds.
VOICE_TUTOR_ENGINE = env.str("VOICE_TUTOR_ENGINE", default="auto")
VOICE_TUTOR_MAX_SECONDS = env.int("VOICE_TUTOR_MAX_SECONDS", default=30 * 60)
VOICE_TUTOR_CHARGE_INTERVAL_SECONDS = env.float("VOICE_TUTOR_CHARGE_INTERVAL_SECONDS", default=60.0)
TRANSLATION_MAX_CHARS = env.int("TRANSLATION_MAX_CHARS", default=5_000)
TRANSLATION_CACHE_SECONDS = env.int("TRANSLATION_CACHE_SECONDS", default=7 * 24 * 3600)

# --- Observability --------------------------------------------------------------------------
LOG_FORMAT = env.str("LOG_FORMAT", default="text")  # "json" in production
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )

# Social (moments, follows, feeds, moderation): docs/decisions.md "Social feeds".
SOCIAL_TIMELINE_MAX = env.int("SOCIAL_TIMELINE_MAX", default=800)  # ids kept per home feed
SOCIAL_TIMELINE_TTL_DAYS = 7  # a feed not read for this long is dropped and rebuilt on return
SOCIAL_EDIT_WINDOW_MINUTES = 15
SOCIAL_APPEAL_WINDOW_DAYS = 14
SOCIAL_MAX_IMAGES = 9
SOCIAL_MAX_IMAGE_BYTES = 10 * 1024 * 1024
SOCIAL_MAX_VOICE_BYTES = 5 * 1024 * 1024
SOCIAL_MAX_VOICE_SECONDS = 120
# One video per moment: H.264/AAC MP4 or VP8/VP9/AV1 WebM, remuxed without its metadata.
SOCIAL_MAX_VIDEO_BYTES = env.int("SOCIAL_MAX_VIDEO_BYTES", default=50 * 1024 * 1024)
SOCIAL_MAX_VIDEO_SECONDS = env.int("SOCIAL_MAX_VIDEO_SECONDS", default=120)
SOCIAL_MAX_VIDEO_SIDE = env.int("SOCIAL_MAX_VIDEO_SIDE", default=1920)  # longer side, pixels
SOCIAL_MAX_TOPICS = 5
SOCIAL_NEW_ACCOUNT_DAYS = 7
SOCIAL_NEW_ACCOUNT_MAX_LINKS = 1
SOCIAL_NEW_ACCOUNT_MAX_MENTIONS = 3
SOCIAL_MOMENTS_PER_HOUR = 20

# --- Vocabulary (word bank, FSRS reviews) ------------------------------------------------------
# Per-learner FSRS parameters are fitted only from this many review logs up (below: defaults).
VOCABULARY_FIT_MIN_REVIEWS = env.int("VOCABULARY_FIT_MIN_REVIEWS", default=400)
# Share of the newest review items held out to check that new parameters predict no worse.
VOCABULARY_FIT_HOLDOUT = env.float("VOCABULARY_FIT_HOLDOUT", default=0.2)

# --- Analytics --------------------------------------------------------------------------------
# PostgreSQL work_mem for one day's rollup transaction (its distinct counts sort a day of
# events; the server's default 4MB spills them to disk at ~100k events a day).
ANALYTICS_ROLLUP_WORK_MEM = env.str("ANALYTICS_ROLLUP_WORK_MEM", default="64MB")

# Credits alert: a charge that leaves a learner with fewer credits than
# this to spend sends one "credits running low" notification (0 turns the alert off).
CREDITS_LOW_BALANCE_THRESHOLD = env.str("CREDITS_LOW_BALANCE_THRESHOLD", default="5")
# CIDR ranges allowed to reach /admin/ (the client address as TRUSTED_PROXY_COUNT computes it);
# empty allows every address. Two-factor authentication is required on top either way.
ADMIN_ALLOWED_NETWORKS = env.list("ADMIN_ALLOWED_NETWORKS", default=[])
# Security events (failed admin sign-ins, refused admin addresses: IP and user agent) are
# deleted after this many days by the nightly core.purge_old_security_events job.
SECURITY_EVENT_RETENTION_DAYS = env.int("SECURITY_EVENT_RETENTION_DAYS", default=180)
# Signed-in people must accept the published terms, privacy and cookie policies (the API
# answers 409 terms_not_accepted until they do). Nothing is asked while none is published.
LEGAL_ACCEPTANCE_REQUIRED = env.bool("LEGAL_ACCEPTANCE_REQUIRED", default=True)
# Minimum age (years) to use Toto; 0 does not ask for a date of birth at sign-up. Under it,
# UNDERAGE_POLICY "refuse" turns the sign-up down, "guardian_consent" creates a limited
# account until a parent or guardian consents through a signed link emailed to them
# (valid GUARDIAN_CONSENT_MAX_AGE_DAYS days; accounts.guardians).
MINIMUM_AGE = env.int("MINIMUM_AGE", default=0)
UNDERAGE_POLICY = env.str("UNDERAGE_POLICY", default="refuse")
GUARDIAN_CONSENT_MAX_AGE_DAYS = env.int("GUARDIAN_CONSENT_MAX_AGE_DAYS", default=14)

# Gamification: league size (learners per weekly league) and how many days after a lost streak
# it may still be repaired for credits.
GAMIFICATION_LEAGUE_SIZE = env.int("GAMIFICATION_LEAGUE_SIZE", default=30)
GAMIFICATION_REPAIR_DAYS = env.int("GAMIFICATION_REPAIR_DAYS", default=2)

# Virus scanning of uploads with ClamAV (core.antivirus), off unless configured: a clamd
# socket (path or tcp://host:3310), or CLAMAV_ENABLED with clamscan on the PATH. When the
# scanner is down uploads are refused with 503 unless CLAMAV_FAIL_CLOSED is off.
CLAMAV_SOCKET = env.str("CLAMAV_SOCKET", default="")
CLAMAV_ENABLED = env.bool("CLAMAV_ENABLED", default=bool(CLAMAV_SOCKET))
CLAMAV_FAIL_CLOSED = env.bool("CLAMAV_FAIL_CLOSED", default=True)
CLAMAV_DATABASE = env.str("CLAMAV_DATABASE", default="")
CLAMAV_CLAMSCAN = env.str("CLAMAV_CLAMSCAN", default="clamscan")
CLAMAV_TIMEOUT = env.float("CLAMAV_TIMEOUT", default=30.0)

# A fresh database's Wagtail placeholder root is replaced by the Toto home page after
# migrate (cms.site.fresh); a tree with real pages is never touched.
SITE_CREATE_HOME_PAGE = env.bool("SITE_CREATE_HOME_PAGE", default=True)
# Refund requests, disputes and tax. Credits bought this many days ago
# or less and still unspent are refunded on request without review (0: every request is
# reviewed). Prices in the catalogue include tax (True) or have it added at checkout (False).
REFUND_AUTO_CREDITS_DAYS = env.int("REFUND_AUTO_CREDITS_DAYS", default=14)
# Unused lessons of a lesson package are refunded on request this many days after the purchase.
REFUND_AUTO_PACKAGE_DAYS = env.int("REFUND_AUTO_PACKAGE_DAYS", default=14)
TAX_PRICES_INCLUDE_TAX = env.bool("TAX_PRICES_INCLUDE_TAX", default=True)
# The buyer's country when neither their billing details nor their profile give one.
TAX_DEFAULT_COUNTRY = env.str("TAX_DEFAULT_COUNTRY", default="")
# The seller's tax id (VAT/GSTIN) printed on invoices and credit notes; empty prints none.
INVOICE_SELLER_TAX_ID = env.str("INVOICE_SELLER_TAX_ID", default="")
