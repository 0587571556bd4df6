from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core.api.errors import ServiceError

from . import selectors, services


@login_required
def voice_directory(request: HttpRequest) -> HttpResponse:
    """Open voice rooms, found by topic (``?topic=``); a form opens a new one."""
    from accounts.models import language_choices

    topic = request.GET.get("topic", "").strip()[:200]
    return render(
        request,
        "rooms/directory.html",
        {
            "rooms": selectors.voice_directory(topic)[:100],
            "topic": topic,
            "languages": language_choices(),
        },
    )


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


@login_required
def practice(request: HttpRequest) -> HttpResponse:
    """ "Find a practice partner": a random 1-on-1 call with someone learning the same
    language at the same level (the matching happens on /ws/match/). The form starts from
    the first language the learner's profile says they learn."""
    from accounts.models import LearningLanguage, language_choices
    from accounts.requests import user_of

    learning = (
        LearningLanguage.objects.filter(profile__user=user_of(request))
        .values("language", "level")
        .first()
    ) or {"language": "", "level": "A1"}
    return render(
        request,
        "rooms/practice.html",
        {
            "languages": language_choices(),
            "levels": services.LEVELS,
            "chosen": learning,
        },
    )
