from django.urls import path

from .consumers.chat import ChatConsumer
from .consumers.matchmaking import MatchConsumer
from .consumers.notifications import NotificationConsumer
from .consumers.rooms import RoomConsumer
from .consumers.system import EchoConsumer
from .consumers.tutor import TutorConsumer

websocket_urlpatterns = [
    path("ws/echo/", EchoConsumer.as_asgi()),
    path("ws/chat/", ChatConsumer.as_asgi()),
    path("ws/notifications/", NotificationConsumer.as_asgi()),
    path("ws/rooms/<uuid:room_id>/", RoomConsumer.as_asgi()),
    path("ws/match/", MatchConsumer.as_asgi()),
    path("ws/tutor/", TutorConsumer.as_asgi()),
]
