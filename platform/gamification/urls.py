"""Website pages of gamification, mounted at /achievements/."""

from django.urls import path

from . import views

app_name = "gamification"

urlpatterns = [
    path("", views.achievements, name="achievements"),
    path("settings/", views.save_settings, name="settings"),
    path("freezes/", views.buy_freeze, name="buy-freeze"),
    path("repair/", views.repair, name="repair"),
]
