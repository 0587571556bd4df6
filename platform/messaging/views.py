from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.requests import user_of
from core.api.errors import ServiceError

from . import selectors, services
from .api import serializers

# The first screen's reads, the same as chat.js's first API calls (the conversation list's
# default page, the open conversation's newest messages).
FIRST_CONVERSATIONS = 20
FIRST_MESSAGES = 50


@login_required
def chat_page(request: HttpRequest) -> HttpResponse:
    """The chat. The first screen is rendered here (the conversation list, and the newest
    messages of the conversation asked for by ``?conversation=``) and handed to chat.js as
    JSON in the API's own shapes, so a first visit shows its content without waiting for
    the script and a second round trip; chat.js and /ws/chat/ take over from there."""
    user = user_of(request)
    context = {"request": request}
    conversations = list(selectors.conversations_of(user)[:FIRST_CONVERSATIONS])
    listed = serializers.ChatConversationSerializer(conversations, many=True, context=context).data
    asked = request.GET.get("conversation", "")
    current = next((c for c in conversations if str(c.pk) == asked), None)
    newest: list[dict[str, object]] = []
    if current is not None:
        rows = selectors.visible_messages(user, current.pk).order_by("-seq")[:FIRST_MESSAGES]
        newest = list(serializers.MessageSerializer(rows, many=True, context=context).data)
    me = str(user.pk)
    items = [
        {
            "id": str(data["id"]),
            "name": data["title"]
            or ", ".join(p["name"] for p in data["participants"] if str(p["id"]) != me),
            "unread": data["unread"] if current is None or current.pk != conv.pk else 0,
            "current": current is not None and current.pk == conv.pk,
        }
        for conv, data in zip(conversations, listed, strict=True)
    ]
    shown = sorted(newest, key=lambda message: int(str(message["seq"])))
    initial = {
        "conversations": listed,
        "current": str(current.pk) if current is not None else None,
        "messages": newest,
    }
    return render(
        request,
        "messaging/chat.html",
        {
            "items": items,
            "current_item": next((item for item in items if item["current"]), None),
            "shown": shown,
            "initial": initial,
        },
    )


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
