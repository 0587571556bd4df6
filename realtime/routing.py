from django.urls import path

from .consumers.chat import ChatConsumer
from .consumers.system import EchoConsumer

websocket_urlpatterns = [
    path("ws/echo/", EchoConsumer.as_asgi()),
    path("ws/chat/", ChatConsumer.as_asgi()),
]
