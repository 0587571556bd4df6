from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path(
        "notifications/<uuid:notification_id>/read/",
        views.NotificationReadView.as_view(),
        name="notification-read",
    ),
    path(
        "notifications/read-all/",
        views.NotificationReadAllView.as_view(),
        name="notification-read-all",
    ),
    path(
        "notifications/unread-count/",
        views.UnreadCountView.as_view(),
        name="notification-unread-count",
    ),
    path(
        "notifications/preferences/",
        views.PreferencesView.as_view(),
        name="notification-preferences",
    ),
    path("notifications/settings/", views.SettingsView.as_view(), name="notification-settings"),
    path("notifications/web-push/", views.WebPushView.as_view(), name="web-push"),
    path(
        "notifications/web-push/unsubscribe/",
        views.WebPushUnsubscribeView.as_view(),
        name="web-push-unsubscribe",
    ),
    path("devices/", views.DeviceListView.as_view(), name="device-list"),
    path("devices/<str:token>/", views.DeviceDetailView.as_view(), name="device-detail"),
]
