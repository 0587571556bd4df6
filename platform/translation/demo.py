"""Demo data: a travel phrasebook for the demo student (English → Spanish). Idempotent."""

from collections.abc import Callable

from django.contrib.auth import get_user_model

from .models import PhrasebookEntry
from .services import save_phrase

DEMO_STUDENT = "student@toto.localhost"

PHRASES: list[tuple[str, str, str, list[str]]] = [
    ("Good morning", "Buenos días", "", ["greetings"]),
    ("Thank you very much", "Muchas gracias", "", ["greetings", "polite"]),
    ("Where is the train station?", "¿Dónde está la estación de tren?", "", ["travel"]),
    ("How much does it cost?", "¿Cuánto cuesta?", "", ["shopping"]),
    ("A coffee with milk, please", "Un café con leche, por favor", "", ["food", "polite"]),
    ("I don't understand", "No entiendo", "Useful in class", ["class"]),
    ("Could you speak more slowly?", "¿Podría hablar más despacio?", "", ["class", "polite"]),
    ("The bill, please", "La cuenta, por favor", "", ["food"]),
]


def ensure_demo_phrasebook() -> str:
    student = get_user_model().objects.filter(email__iexact=DEMO_STUDENT).first()
    if student is None:
        return "phrasebook: demo student missing, skipped"
    created = 0
    for source, target, note, tags in PHRASES:
        if PhrasebookEntry.objects.filter(
            user=student, source_language="en", target_language="es", source_text=source
        ).exists():
            continue
        save_phrase(
            student,
            tags=tags,
            source_language="en",
            target_language="es",
            source_text=source,
            translated_text=target,
            note=note,
        )
        created += 1
    return f"phrasebook: {created} phrases added for {DEMO_STUDENT}"


DEMO_STEPS: list[Callable[[], str]] = [ensure_demo_phrasebook]
