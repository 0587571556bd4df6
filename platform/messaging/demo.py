"""Demo chat: the demo student and teacher already talking. Idempotent (each message has a
fixed client id, which makes sending it again a no-op)."""

from collections.abc import Callable

from django.contrib.auth import get_user_model

from . import services

CONVERSATION = [
    (
        "student@toto.localhost",
        "demo-chat-1",
        "Hola Tomás, ¿tienes tiempo para una clase el jueves?",
    ),
    ("teacher@toto.localhost", "demo-chat-2", "¡Hola Sam! Sí, el jueves a las 18:00 me va bien."),
    ("student@toto.localhost", "demo-chat-3", "Perfecto. Quiero practicar el subjuntivo."),
    (
        "teacher@toto.localhost",
        "demo-chat-4",
        "Muy bien, preparo unos ejercicios. ¡Hasta el jueves!",
    ),
]


def ensure_demo_conversation() -> str:
    users = {
        user.email: user
        for user in get_user_model().objects.filter(
            email__in=["student@toto.localhost", "teacher@toto.localhost"]
        )
    }
    student, teacher = users["student@toto.localhost"], users["teacher@toto.localhost"]
    conversation, _ = services.start_conversation(student, [teacher])
    for email, client_id, body in CONVERSATION:
        services.send_message(users[email], conversation.pk, client_id=client_id, body=body)
    services.mark_read(student, conversation.pk, len(CONVERSATION))
    return f"chat: {student.email} and {teacher.email}, {len(CONVERSATION)} messages"


DEMO_STEPS: list[Callable[[], str]] = [ensure_demo_conversation]
