"""Export has every session with its transcript, report and recordings' names; deletion
removes the sessions and, after the commit, the recordings' files."""

import io
import wave
from typing import Any

import pytest

from core.uploads import private_storage
from voice_tutor import personal_data, services
from voice_tutor.errors import InvalidChoice
from voice_tutor.models import TutorSession

pytestmark = pytest.mark.django_db


def wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x00\x00" * 1600)
    return buffer.getvalue()


def test_export_and_erase(
    learner: Any,
    other_student: Any,
    avatar: Any,
    practice: Any,
    guided: None,
    ml_down: str,
    django_capture_on_commit_callbacks: Any,
    assert_num_queries: Any,
) -> None:
    session = services.start_session(learner, avatar_id=avatar.pk, context_id=practice.pk)
    services.finish_tutor_turn(session, text="".join(services.opening_reply(session)))
    with pytest.raises(InvalidChoice, match="WAV"):
        services.learner_turn(session, text="Here", audio=b"<html>not audio</html>" * 10)
    turn = services.learner_turn(session, text="Here is my passport", audio=wav())
    services.finish_tutor_turn(session, text="".join(services.tutor_reply(session)))
    services.end_session(session)
    stored = turn.recording.name
    assert private_storage().exists(stored)

    with assert_num_queries(2):  # sessions with avatar, practice, report; their turns
        data = personal_data.export_personal_data(learner)
    exported = data["sessions"][0]
    assert [t["speaker"] for t in exported["turns"]] == ["tutor", "learner", "tutor"]
    assert exported["turns"][1]["recording"] == stored
    assert exported["report"]["listening"] == 100
    assert personal_data.export_personal_data(other_student) == {"sessions": []}

    with django_capture_on_commit_callbacks(execute=True):
        personal_data.erase_personal_data(learner)
    assert not TutorSession.objects.filter(user=learner).exists()
    assert not private_storage().exists(stored)
