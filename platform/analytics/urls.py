from django.urls import path

from . import views

urlpatterns = [
    path("", views.progress_page, name="progress-report"),
    path("sharing/", views.sharing_page, name="progress-sharing"),
    path("teaching/", views.teaching_page, name="progress-teaching"),
    path("students/", views.students_page, name="progress-students"),
    path("students/<uuid:student_id>/", views.student_page, name="progress-student"),
]
