from django.apps import AppConfig


class PwaConfig(AppConfig):
    """The website as an installable app: manifest, service worker, offline and install pages.
    No models: offline data lives in the browser (the service worker's caches, the outbox)."""

    name = "pwa"
    verbose_name = "Installable app"
