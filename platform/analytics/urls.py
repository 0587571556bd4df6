from django.urls import path

from . import views

urlpatterns = [
    path("", views.progress_page, name="progress-report"),
]
