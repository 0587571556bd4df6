from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("tutor/avatars", views.AvatarViewSet, basename="tutor-avatar")
router.register("tutor/contexts", views.ContextViewSet, basename="tutor-context")
router.register("tutor/sessions", views.SessionViewSet, basename="tutor-session")

urlpatterns = [
    path(
        "tutor/sessions/<int:session_id>/recordings/<int:seq>/",
        views.RecordingView.as_view(),
        name="tutor-recording",
    ),
    path("tutor/progress/", views.ProgressView.as_view(), name="tutor-progress"),
    *router.urls,
]
