"""Website pages of the voice tutor, mounted at /tutor/ (the REST API is api/urls.py)."""

from django.urls import path

from . import views

app_name = "voice_tutor"

urlpatterns = [
    path("", views.start, name="start"),
    path("session/", views.session, name="session"),
    path("history/", views.history, name="history"),
    path("sessions/<int:pk>/", views.report, name="report"),
]
