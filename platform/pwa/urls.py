from django.urls import path

from . import views

urlpatterns = [
    path("manifest.webmanifest", views.manifest, name="pwa-manifest"),
    path("sw.js", views.service_worker, name="pwa-service-worker"),
    path("offline/", views.offline, name="pwa-offline"),
    path("app/", views.install, name="pwa-install"),
]
