from django.urls import path

from . import views

urlpatterns = [
    path("categories/", views.CategoryListView.as_view(), name="learning-categories"),
    path("lessons/", views.LessonListView.as_view(), name="learning-lessons"),
    path("lessons/<int:pk>/", views.LessonDetailView.as_view(), name="learning-lesson"),
    path(
        "lessons/<int:pk>/exercises/<str:block_id>/attempts/",
        views.AttemptCreateView.as_view(),
        name="learning-attempts",
    ),
    path(
        "lessons/<int:pk>/complete/", views.LessonCompleteView.as_view(), name="learning-complete"
    ),
    path("attempts/<uuid:pk>/", views.AttemptDetailView.as_view(), name="learning-attempt"),
    path(
        "attempts/<uuid:pk>/recording/",
        views.AttemptRecordingView.as_view(),
        name="learning-attempt-recording",
    ),
    path("progress/", views.ProgressListView.as_view(), name="learning-progress"),
    path(
        "progress/categories/",
        views.CategoryProgressListView.as_view(),
        name="learning-progress-categories",
    ),
]
