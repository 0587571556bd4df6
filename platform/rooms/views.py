from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core.api.errors import ServiceError

from . import selectors


@login_required
def voice_directory(request: HttpRequest) -> HttpResponse:
    return render(request, "rooms/directory.html", {"rooms": selectors.voice_directory()[:100]})


@login_required
def room_page(request: HttpRequest, room_id: str) -> HttpResponse:
    """The call page for any kind of room (its socket decides who may actually join)."""
    try:
        room = selectors.room_for(request.user, room_id)
    except ServiceError as exc:
        raise Http404 from exc
    recordings = (
        selectors.recordings_for(request.user, room.pk) if room.kind == room.Kind.CLASSROOM else []
    )
    return render(request, "rooms/room.html", {"room": room, "recordings": recordings})
