"""Reads of the voice tutor. A learner only ever reads their own sessions: every session
lookup goes through ``session_for`` (404 for anyone else's)."""

from collections import defaultdict
from statistics import mean
from typing import Any

from django.db.models import Prefetch, QuerySet

from .errors import NotFound
from .models import (
    PracticeContext,
    SessionStatus,
    TutorReport,
    TutorSession,
    TutorTurn,
    VoiceAvatar,
)
from .scoring import clamp

SCORES = ("pronunciation", "fluency", "grammar", "vocabulary", "listening")


def live_avatars(language: str = "") -> QuerySet[VoiceAvatar]:
    # Renditions prefetched: a picture's thumbnail costs no query per avatar.
    queryset = (
        VoiceAvatar.objects.filter(live=True)
        .select_related("picture")
        .prefetch_related("picture__renditions")
    )
    if language:
        queryset = queryset.filter(language__iexact=language)
    return queryset.order_by("sort_order", "name")


def live_contexts(language: str = "", locale: str = "") -> QuerySet[PracticeContext]:
    """Live contexts, in the requested interface locale when translated, else the default."""
    queryset = PracticeContext.objects.filter(live=True).select_related("locale")
    if language:
        queryset = queryset.filter(language__iexact=language)
    if locale:
        translated = queryset.filter(locale__language_code=locale)
        if translated.exists():
            return translated.order_by("sort_order", "title")
    from wagtail.models import Locale

    return queryset.filter(locale=Locale.get_default()).order_by("sort_order", "title")


def sessions_for(user: Any) -> QuerySet[TutorSession]:
    return (
        TutorSession.objects.filter(user=user)
        .select_related("avatar", "context", "report")
        .order_by("-started_at", "-id")
    )


def session_for(user: Any, session_id: int | str, *, with_turns: bool = False) -> TutorSession:
    queryset = sessions_for(user)
    if with_turns:
        queryset = queryset.prefetch_related(
            Prefetch("turns", queryset=TutorTurn.objects.order_by("seq"))
        )
    try:
        return queryset.get(pk=int(session_id))
    except (TutorSession.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def recording_for(user: Any, session_id: int | str, turn_seq: int | str) -> TutorTurn:
    """A learner turn's private recording, for its owner only."""
    try:
        return TutorTurn.objects.select_related("session").get(
            session_id=int(session_id),
            session__user=user,
            seq=int(turn_seq),
            speaker="learner",
            recording__gt="",
        )
    except (TutorTurn.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def words_to_practise(user: Any, session_id: int | str) -> list[dict[str, str]]:
    """The hook for a word bank: the words a session's report asks the learner to practise
    (``word``, ``language``, ``reason``: corrected | not_used, ``example``)."""
    session = session_for(user, session_id)
    report = TutorReport.objects.filter(session=session).first()
    return list(report.words_to_practise) if report else []


def progress_for(user: Any) -> list[dict[str, Any]]:
    """Per context (across its translations): sessions completed, minutes, average scores,
    the score history, vocabulary used and the weakest area. Two queries."""
    reports = (
        TutorReport.objects.filter(session__user=user, session__status=SessionStatus.ENDED)
        .select_related("session__context")
        .order_by("session__started_at", "session_id")
    )
    grouped: dict[Any, list[TutorReport]] = defaultdict(list)
    for report in reports:
        grouped[report.session.context_key].append(report)
    progress = []
    for key, items in grouped.items():
        latest = items[-1].session.context
        averages: dict[str, int | None] = {}
        for name in SCORES:
            values = [getattr(r, name) for r in items if getattr(r, name) is not None]
            averages[name] = clamp(mean(values)) if values else None
        present = {name: value for name, value in averages.items() if value is not None}
        mastered = sorted({word for r in items for word in r.new_vocabulary})
        progress.append(
            {
                "context_key": key,
                "context": latest,
                "sessions": len(items),
                "minutes": round(sum(r.duration_seconds for r in items) / 60, 1),
                "averages": averages,
                "areas_to_improve": sorted(present, key=lambda n: present[n])[:2],
                "mastered_vocabulary": mastered[:50],
                "history": [
                    {
                        "session": r.session_id,
                        "date": r.session.started_at,
                        "cefr": r.cefr,
                        **{name: getattr(r, name) for name in SCORES},
                    }
                    for r in items
                ],
            }
        )
    progress.sort(key=lambda item: item["history"][-1]["date"], reverse=True)
    return progress
