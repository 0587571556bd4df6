"""The pages benchmark's settings: the API benchmark's production-like ones (persistent
connections, legal gate) with the site's own URLs and the anonymous page cache on, as in
production (core.page_cache)."""

from benchmarks.api.settings import *  # noqa: F403
from benchmarks.api.settings import ALLOWED_HOSTS

ROOT_URLCONF = "toto.urls"
PAGE_CACHE_SECONDS = 300
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # the in-process timings' test client
