from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views
from .packages import PackageViewSet
from .teacher import (
    AvailabilityExceptionViewSet,
    SubmitForVerificationView,
    TeacherGigViewSet,
    TeacherProfileView,
    WeeklyHoursView,
)
from .time_requests import TimeRequestViewSet

router = DefaultRouter()
router.register("teachers", views.TeacherViewSet, basename="teacher")
router.register("gig-categories", views.GigCategoryViewSet, basename="gig-category")
router.register("bookings", views.BookingViewSet, basename="booking")
router.register("lesson-packages", PackageViewSet, basename="lesson-package")
router.register("time-requests", TimeRequestViewSet, basename="time-request")
router.register("teacher/gigs", TeacherGigViewSet, basename="teacher-gig")
router.register("teacher/exceptions", AvailabilityExceptionViewSet, basename="teacher-exception")

urlpatterns = [
    path("", include(router.urls)),
    path("reviews/<str:pk>/reply/", views.ReviewReplyView.as_view(), name="review-reply"),
    path("sessions/<uuid:pk>/gifts/", views.SessionGiftView.as_view(), name="session-gifts"),
    path("teacher/profile/", TeacherProfileView.as_view(), name="teacher-profile"),
    path(
        "teacher/profile/submit/",
        SubmitForVerificationView.as_view(),
        name="teacher-profile-submit",
    ),
    path("teacher/hours/", WeeklyHoursView.as_view(), name="teacher-hours"),
]

from rest_framework.routers import SimpleRouter  # noqa: E402

from .group_sessions import GroupSessionViewSet  # noqa: E402

group_sessions = SimpleRouter()
group_sessions.register("group-sessions", GroupSessionViewSet, basename="group-session")
urlpatterns += group_sessions.urls

from .zoom import ZoomWebhookView  # noqa: E402

urlpatterns.append(path("zoom/webhook/", ZoomWebhookView.as_view(), name="zoom-webhook"))
