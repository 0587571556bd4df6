from django.urls import path

from . import views

urlpatterns = [
    path("chat/", views.chat_page, name="chat"),
    path("chat/with/<uuid:user_id>/", views.start_chat, name="chat-start"),
]
