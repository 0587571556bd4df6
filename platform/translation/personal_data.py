"""The person's translations: history, conversation-mode sessions and phrasebook. All of it
is deleted on account deletion."""

from typing import Any

from django.db.models import Prefetch

from accounts.exporting import iso
from accounts.models import User

from .models import InterpreterSession, InterpreterTurn, PhrasebookEntry, Translation


def export_personal_data(user: User) -> dict[str, Any]:
    return {
        "history": [
            {
                "mode": item.mode,
                "source_language": item.source_language,
                "target_language": item.target_language,
                "source_text": item.source_text,
                "translated_text": item.translated_text,
                "created_at": iso(item.created_at),
            }
            for item in Translation.objects.filter(user=user).order_by("created_at", "id")
        ],
        "conversations": [
            {
                "language_a": conversation.language_a,
                "language_b": conversation.language_b,
                "created_at": iso(conversation.created_at),
                "turns": [
                    {
                        "speaker": turn.speaker,
                        "source_language": turn.source_language,
                        "target_language": turn.target_language,
                        "source_text": turn.source_text,
                        "translated_text": turn.translated_text,
                        "created_at": iso(turn.created_at),
                    }
                    for turn in conversation.turns.all()
                ],
            }
            for conversation in InterpreterSession.objects.filter(user=user)
            .order_by("created_at", "id")
            .prefetch_related(
                Prefetch("turns", queryset=InterpreterTurn.objects.order_by("created_at", "id"))
            )
        ],
        "phrasebook": [
            {
                "source_language": entry.source_language,
                "target_language": entry.target_language,
                "source_text": entry.source_text,
                "translated_text": entry.translated_text,
                "note": entry.note,
                "tags": sorted(tag.name for tag in entry.tags.all()),
                "created_at": iso(entry.created_at),
            }
            for entry in PhrasebookEntry.objects.filter(user=user)
            .order_by("created_at", "id")
            .prefetch_related("tags")  # type: ignore[misc]  # taggit's manager is untyped
        ],
    }


def erase_personal_data(user: User) -> None:
    Translation.objects.filter(user=user).delete()
    InterpreterSession.objects.filter(user=user).delete()  # and their turns
    PhrasebookEntry.objects.filter(user=user).delete()  # and their tags' links
