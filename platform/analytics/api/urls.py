from django.urls import path

from . import progress_views, views

urlpatterns = [
    path("analytics/charts/<str:key>/", views.ChartView.as_view(), name="analytics-chart"),
    path(
        "analytics/charts/<str:key>/csv/",
        views.ChartCsvView.as_view(),
        name="analytics-chart-csv",
    ),
    path(
        "progress/teachers/",
        progress_views.SharingTeacherListView.as_view(),
        name="progress-sharing-teachers",
    ),
    path(
        "progress/teachers/<uuid:teacher_id>/share/",
        progress_views.SharingView.as_view(),
        name="progress-sharing",
    ),
    path("progress/teaching/", progress_views.TeachingView.as_view(), name="progress-teaching-api"),
    path(
        "progress/students/",
        progress_views.StudentProgressListView.as_view(),
        name="progress-students-api",
    ),
    path(
        "progress/students/<uuid:student_id>/",
        progress_views.StudentProgressView.as_view(),
        name="progress-student-api",
    ),
]
