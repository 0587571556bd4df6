"""The person's voice-tutor sessions: transcripts, the analysis of their turns, reports and
the recordings of their spoken turns. All of it is deleted on account deletion (the
recordings' files after the commit). The credits the sessions cost stay in the ledger
(credits.personal_data) and the usage log rows are detached (ai.personal_data)."""

from typing import Any

from django.db import transaction
from django.db.models import Prefetch

from accounts.exporting import amount, iso
from accounts.models import User

from .models import TutorSession, TutorTurn


def export_personal_data(user: User) -> dict[str, Any]:
    sessions = (
        TutorSession.objects.filter(user=user)
        .select_related("avatar", "context", "report")
        .prefetch_related(Prefetch("turns", queryset=TutorTurn.objects.order_by("seq")))
        .order_by("started_at", "id")
    )
    exported = []
    for session in sessions:
        report = getattr(session, "report", None)
        exported.append(
            {
                "id": session.pk,
                "avatar": session.avatar.name,
                "context": session.context.title,
                "mode": session.mode,
                "level": session.level,
                "language": session.language,
                "status": session.status,
                "started_at": iso(session.started_at),
                "ended_at": iso(session.ended_at),
                "minutes_charged": session.minutes_charged,
                "credits_charged": amount(session.credits_charged),
                "turns": [
                    {
                        "seq": turn.seq,
                        "speaker": turn.speaker,
                        "text": turn.text,
                        "heard_text": turn.heard_text,
                        "spoken": turn.spoken,
                        "corrected_text": turn.corrected_text,
                        "recording": turn.recording.name or None,
                        "created_at": iso(turn.created_at),
                    }
                    for turn in session.turns.all()
                ],
                "report": (
                    {
                        **report.scores,
                        "cefr": report.cefr,
                        "corrections": report.corrections,
                        "words_to_practise": report.words_to_practise,
                        "new_vocabulary": report.new_vocabulary,
                        "talk_share": report.talk_share,
                        "comment": report.comment,
                    }
                    if report is not None
                    else None
                ),
            }
        )
    return {"sessions": exported}


def erase_personal_data(user: User) -> None:
    names = list(
        TutorTurn.objects.filter(session__user=user)
        .exclude(recording="")
        .values_list("recording", flat=True)
    )
    TutorSession.objects.filter(user=user).delete()  # turns and reports with them
    if names:
        transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    from core.uploads import private_storage

    storage = private_storage()
    for name in names:
        storage.delete(name)
