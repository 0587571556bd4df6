from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/avatar/", views.avatar, name="avatar"),
    path("profile/export/", views.export, name="export"),
    path("profile/delete/", views.delete, name="delete"),
    path("language/", views.set_language, name="set_language"),
    path(
        "guardian-consent/pending/",
        views.guardian_consent_pending,
        name="guardian-consent-pending",
    ),
    path("guardian-consent/<str:token>/", views.guardian_consent, name="guardian-consent"),
]
