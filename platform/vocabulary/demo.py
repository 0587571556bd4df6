"""Demo data: the demo student's word bank (30 Spanish and 30 English words) with 90 days
of simulated reviews ending four days ago, applied through the review service, so the review page
has due cards and the schedule is personalised. Idempotent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import services, simulation
from .models import Source, Word

DEMO_STUDENT = "student@toto.localhost"

SPANISH: list[tuple[str, str, str]] = [
    ("la casa", "the house", "noun"), ("el perro", "the dog", "noun"),
    ("el gato", "the cat", "noun"), ("el libro", "the book", "noun"),
    ("el agua", "the water", "noun"), ("la mesa", "the table", "noun"),
    ("la ventana", "the window", "noun"), ("la puerta", "the door", "noun"),
    ("el tren", "the train", "noun"), ("la estación", "the station", "noun"),
    ("el billete", "the ticket", "noun"), ("la cuenta", "the bill", "noun"),
    ("el desayuno", "breakfast", "noun"), ("la cena", "dinner", "noun"),
    ("el mercado", "the market", "noun"), ("la playa", "the beach", "noun"),
    ("comer", "to eat", "verb"), ("beber", "to drink", "verb"),
    ("hablar", "to speak", "verb"), ("viajar", "to travel", "verb"),
    ("entender", "to understand", "verb"), ("buscar", "to look for", "verb"),
    ("pagar", "to pay", "verb"), ("aprender", "to learn", "verb"),
    ("barato", "cheap", "adjective"), ("caro", "expensive", "adjective"),
    ("cerca", "near", "adverb"), ("lejos", "far", "adverb"),
    ("gracias", "thank you", "phrase"), ("¿Dónde está?", "Where is it?", "phrase"),
]  # fmt: skip
ENGLISH: list[tuple[str, str, str]] = [
    ("the weather", "el tiempo", "noun"), ("the journey", "el viaje", "noun"),
    ("the luggage", "el equipaje", "noun"), ("the receipt", "el recibo", "noun"),
    ("the appointment", "la cita", "noun"), ("the neighbourhood", "el barrio", "noun"),
    ("the skill", "la habilidad", "noun"), ("the knowledge", "el conocimiento", "noun"),
    ("the meeting", "la reunión", "noun"), ("the deadline", "la fecha límite", "noun"),
    ("to borrow", "pedir prestado", "verb"), ("to lend", "prestar", "verb"),
    ("to achieve", "lograr", "verb"), ("to improve", "mejorar", "verb"),
    ("to remind", "recordar", "verb"), ("to suggest", "sugerir", "verb"),
    ("to avoid", "evitar", "verb"), ("to behave", "comportarse", "verb"),
    ("reliable", "fiable", "adjective"), ("crowded", "abarrotado", "adjective"),
    ("tired", "cansado", "adjective"), ("worried", "preocupado", "adjective"),
    ("likely", "probable", "adjective"), ("enough", "suficiente", "adjective"),
    ("although", "aunque", "conjunction"), ("however", "sin embargo", "adverb"),
    ("nearby", "cercano", "adverb"), ("rarely", "raramente", "adverb"),
    ("to look forward to", "tener ganas de", "phrase"), ("on the way", "de camino", "phrase"),
]  # fmt: skip


def ensure_demo_vocabulary() -> str:
    student = get_user_model().objects.filter(email__iexact=DEMO_STUDENT).first()
    if student is None:
        return "vocabulary: demo student missing, skipped"
    if Word.objects.filter(owner=student).count() >= len(SPANISH) + len(ENGLISH):
        return "vocabulary: demo word bank already there"
    now = timezone.now()
    history = simulation.simulate(
        len(SPANISH) + len(ENGLISH), 90, end=now - dt.timedelta(days=4), new_per_day=2
    )
    cards = []
    for number, (text, translation, pos) in enumerate([*SPANISH, *ENGLISH]):
        language = "es" if number < len(SPANISH) else "en"
        result = services.add_word(
            student,
            text=text,
            translation=translation,
            part_of_speech=pos,
            language=language,
            source=Source.IMPORT,
            source_ref="demo",
            tags=["demo", "travel" if number % 3 == 0 else "everyday"],
        )
        cards.append(result.word.card)
    for number, review in enumerate(history):
        services.submit_review(
            student,
            card_id=cards[review.card_index].pk,
            rating=review.rating,
            reviewed_at=review.reviewed_at,
            duration_ms=review.duration_ms,
            idempotency_key=f"demo-{number}",
        )
    fitted = services.fit_parameters(student)
    return (
        f"vocabulary: {len(cards)} words and {len(history)} reviews for {DEMO_STUDENT} "
        f"(parameters: {fitted.status})"
    )


DEMO_STEPS: list[Callable[[], str]] = [ensure_demo_vocabulary]
