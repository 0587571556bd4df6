from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notification-list"),
    path(
        "notifications/<uuid:notification_id>/",
        views.notification_open,
        name="notification-open",
    ),
    path(
        "notifications/<uuid:notification_id>/read/",
        views.notification_read,
        name="notification-mark-read",
    ),
    path("notifications/read-all/", views.notification_read_all, name="notification-read-all-web"),
]
