from django.urls import path

from . import views

urlpatterns = [
    path("users/me/", views.MeView.as_view(), name="users-me"),
    path("users/me/avatar/", views.MyAvatarView.as_view(), name="users-me-avatar"),
    path("users/me/roles/", views.MyRolesView.as_view(), name="users-me-roles"),
    path("users/me/export/", views.MyDataExportView.as_view(), name="users-me-export"),
    path(
        "users/me/certificates/",
        views.MyCertificatesView.as_view(),
        name="users-me-certificates",
    ),
    path(
        "users/me/certificates/<uuid:pk>/file/",
        views.MyCertificateFileView.as_view(),
        name="users-me-certificate-file",
    ),
    path("users/<uuid:user_id>/", views.PublicUserView.as_view(), name="users-detail"),
]
