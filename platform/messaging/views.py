from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def chat_page(request: HttpRequest) -> HttpResponse:
    """The chat: conversations and messages come from the API and /ws/chat/."""
    return render(request, "messaging/chat.html")
