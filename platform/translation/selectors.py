"""Reads scoped to their owner: history, conversations and phrasebooks are private, so every
query starts from the requesting user (another user's ids answer 404)."""

from typing import Any

from django.db.models import Q, QuerySet

from .models import InterpreterSession, PhrasebookEntry, Translation


def history_for(user: Any, search: str = "") -> QuerySet[Translation]:
    queryset = Translation.objects.filter(user=user)
    if search:
        queryset = queryset.filter(
            Q(source_text__icontains=search) | Q(translated_text__icontains=search)
        )
    return queryset


def conversations_for(user: Any) -> QuerySet[InterpreterSession]:
    return InterpreterSession.objects.filter(user=user)


def phrasebook_for(user: Any) -> QuerySet[PhrasebookEntry]:
    # taggit's TaggableManager is untyped: the stubs' plugin cannot see it prefetches.
    return PhrasebookEntry.objects.filter(user=user).prefetch_related("tags")  # type: ignore[misc]
