"""HTTP and WebSockets in one ASGI application, served by daphne."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toto.settings.dev")

from django.conf import settings

from core.asgi_threads import get_asgi_application

# Django must be set up before the consumers (and the models they import) are loaded.
# Requests reuse WEB_THREADS threads and their database connections (core.asgi_threads).
django_asgi_app = get_asgi_application(settings.WEB_THREADS)

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from operations import maintenance  # noqa: E402

from core.page_cache_front import FrontPageCache  # noqa: E402
from core.server import answer_overlong_request_lines, freeze_gc_heap  # noqa: E402
from realtime.auth import (  # noqa: E402
    OriginUnlessTokenMiddleware,
    TokenOrSessionAuthMiddlewareStack,
)
from realtime.routing import websocket_urlpatterns  # noqa: E402

answer_overlong_request_lines()

application = ProtocolTypeRouter(
    {
        # Anonymous pages from the page cache in the event loop, before Django's handler and
        # middleware; never while maintenance mode is on (or not known from the cache).
        "http": FrontPageCache(
            django_asgi_app,
            gates={maintenance.CACHE_KEY: lambda state: not state.enabled},
        ),
        # Origin is checked for cookie sockets only; token sockets (native apps) send none.
        "websocket": OriginUnlessTokenMiddleware(
            TokenOrSessionAuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
# Last, once everything the application imports is loaded (core.server.freeze_gc_heap).
if settings.SERVER_GC_FREEZE:
    freeze_gc_heap()
