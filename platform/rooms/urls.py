from django.urls import path

from . import views

urlpatterns = [
    path("rooms/", views.voice_directory, name="voice-directory"),
    path("rooms/<uuid:room_id>/", views.room_page, name="voice-room"),
    path("calls/<uuid:room_id>/", views.room_page, name="call"),
    path("practice/", views.practice, name="practice-partner"),
]
