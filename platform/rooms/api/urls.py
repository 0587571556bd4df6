from django.urls import path

from . import views

urlpatterns = [
    path("rooms/", views.VoiceRoomListView.as_view(), name="room-list"),
    path("rooms/ice-servers/", views.IceServersView.as_view(), name="room-ice-servers"),
    path("rooms/<uuid:room_id>/", views.RoomDetailView.as_view(), name="room-detail"),
    path(
        "rooms/<uuid:room_id>/attendance/", views.AttendanceView.as_view(), name="room-attendance"
    ),
    path(
        "rooms/<uuid:room_id>/recordings/",
        views.RecordingListView.as_view(),
        name="room-recordings",
    ),
    path(
        "rooms/<uuid:room_id>/recordings/<uuid:recording_id>/file/",
        views.RecordingFileView.as_view(),
        name="room-recording-file",
    ),
    path("calls/", views.CallCreateView.as_view(), name="call-create"),
]
