"""The benchmark settings with production's static files when ``TOTO_BENCH_STATIC_ROOT`` names
a folder ``collectstatic`` filled: hashed names and gzip/brotli copies served by WhiteNoise
(the storage of ``toto.settings.production``), instead of the source folders ``make run``
serves as they are."""

import os
from importlib.util import find_spec

from benchmarks.realtime.settings import *  # noqa: F403
from benchmarks.realtime.settings import STORAGES

if os.environ.get("TOTO_BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["TOTO_BENCH_STATIC_ROOT"]
    WHITENOISE_USE_FINDERS = False
    WHITENOISE_AUTOREFRESH = False
    STORAGES = {
        **STORAGES,
        # An older checkout (--before) without core.static_storage: WhiteNoise's own, as then.
        "staticfiles": {
            "BACKEND": "core.static_storage.StaticFilesStorage"
            if find_spec("core.static_storage")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
