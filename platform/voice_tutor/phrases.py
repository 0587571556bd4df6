"""The guided tutor's own words around an editor's script, per language (English fallback).
Script lines themselves come from the practice context (translatable in the admin)."""

from typing import Any

PHRASES: dict[str, dict[str, Any]] = {
    "en": {
        "greeting": "Hi {name}, I'm {tutor}. Today we'll practise this: {goal}. Let's start.",
        "greeting_anonymous": "Hi, I'm {tutor}. Today we'll practise this: {goal}. Let's start.",
        "acknowledgements": ["Great.", "Good.", "Perfect.", "Nice.", "Well said."],
        "move_on": "No problem, let's move on.",
        "you_could_say": "You could say: “{example}”",
        "done": "We've finished this practice, well done. Press End to see your report.",
        "closing": "That's the end of our practice, {name}. Well done!",
        "repeat_requests": [
            r"\brepeat\b",
            r"\bagain\b",
            r"^(sorry|pardon|what)\W*$",
            r"\bpardon\b",
            r"\b(didn'?t|don'?t|do not|did not) (understand|get it)\b",
            r"\bslow(er|ly)\b",
            r"what did you say",
        ],
        "repeat_intro": "Of course.",
    },
    "es": {
        "greeting": "¡Hola, {name}! Soy {tutor}. Hoy vamos a practicar esto: {goal}. Empecemos.",
        "greeting_anonymous": "¡Hola! Soy {tutor}. Hoy vamos a practicar esto: {goal}. Empecemos.",
        "acknowledgements": ["¡Muy bien!", "Perfecto.", "Genial.", "Bien dicho."],
        "move_on": "No pasa nada, sigamos.",
        "you_could_say": "Puedes decir: «{example}»",
        "done": "Hemos terminado esta práctica. ¡Buen trabajo! Pulsa Terminar para ver tu informe.",
        "closing": "Aquí termina nuestra práctica, {name}. ¡Buen trabajo!",
        "repeat_requests": [
            r"\brepite\b",
            r"\brepetir\b",
            r"otra vez",
            r"\bno (lo )?entiendo\b",
            r"\bno (te|le) entiendo\b",
            r"mas despacio",
            r"^(perdon|como|que)\W*$",
        ],
        "repeat_intro": "Claro.",
    },
}


def phrases(language: str) -> dict[str, Any]:
    return PHRASES.get(language.split("-")[0].lower(), PHRASES["en"])
