from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("vocabulary/words", views.WordViewSet, basename="vocabulary-word")
router.register("reviews", views.ReviewViewSet, basename="review")

urlpatterns = [
    path("vocabulary/schedule/", views.ScheduleView.as_view(), name="vocabulary-schedule"),
    path(
        "vocabulary/schedule/workload/",
        views.WorkloadView.as_view(),
        name="vocabulary-workload",
    ),
    *router.urls,
]
