"""A public voice room hosted by the demo teacher, listed in the directory. Idempotent."""

from collections.abc import Callable

from django.contrib.auth import get_user_model

from . import services
from .models import Room

TOPIC = "Café español: conversación para todos"


def ensure_demo_voice_room() -> str:
    teacher = get_user_model().objects.get(email="teacher@toto.localhost")
    room = Room.objects.filter(
        kind=Room.Kind.VOICE, host=teacher, topic=TOPIC, ended_at__isnull=True
    ).first()
    if room is None:
        room = services.create_voice_room(teacher, TOPIC, "es", level="B1")
    return f"voice room: {room.topic} (/rooms/{room.pk}/)"


DEMO_STEPS: list[Callable[[], str]] = [ensure_demo_voice_room]
