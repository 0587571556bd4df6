from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.requests import user_of
from core.api.errors import ServiceError

from . import services


@login_required
def chat_page(request: HttpRequest) -> HttpResponse:
    """The chat: conversations and messages come from the API and /ws/chat/."""
    return render(request, "messaging/chat.html")


@login_required
@require_POST
def start_chat(request: HttpRequest, user_id: str) -> HttpResponse:
    """The "Message" button of a profile: opens the direct conversation with that person
    (the existing one, or a new one)."""
    other = get_object_or_404(User, pk=user_id, is_active=True)
    try:
        conversation, _ = services.start_conversation(user_of(request), [other])
    except ServiceError as error:
        messages.error(request, str(error.detail))
        return redirect("chat")
    return redirect(f"{reverse('chat')}?conversation={conversation.pk}")
