"""REST under /api/v1/tutor/: catalogue, a whole text-only session, history and detail with
pinned query counts, owner-only access (another learner gets 404), recordings, deletion."""

import io
import wave
from typing import Any

import pytest

from voice_tutor import services
from voice_tutor.models import TutorSession

pytestmark = pytest.mark.django_db
BASE = "/api/v1/tutor"


def wav_bytes(seconds: float = 0.2) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x00\x00" * int(16000 * seconds))
    return buffer.getvalue()


def test_catalogue_lists_live_avatars_and_contexts(
    api_client: Any, learner: Any, avatar: Any, make_context: Any, assert_num_queries: Any
) -> None:
    make_context()
    make_context(slug="free", title="Free talk", script=[], closing="")
    draft = make_context(slug="draft", title="Draft")
    draft.live = False
    draft.save()
    api_client.force_login(learner)
    api_client.get(f"{BASE}/avatars/")  # warm the session
    with assert_num_queries(4):  # session, user, count, page
        body = api_client.get(f"{BASE}/avatars/").json()
    assert [a["name"] for a in body["results"]] == ["Maya"]
    with assert_num_queries(5):  # session, user, default locale, count, page
        body = api_client.get(f"{BASE}/contexts/?language=en").json()
    by_slug = {c["slug"]: c for c in body["results"]}
    assert set(by_slug) == {"airport", "free"}
    assert by_slug["airport"]["has_guided_script"] is True and by_slug["airport"]["steps"] == 3
    assert by_slug["free"]["has_guided_script"] is False
    assert by_slug["airport"]["vocabulary"][0] == "passport"


def test_text_session_history_detail_and_owner_only(
    api_client: Any,
    learner: Any,
    other_student: Any,
    avatar: Any,
    practice: Any,
    guided: None,
    ml_down: str,
    assert_num_queries: Any,
) -> None:
    api_client.force_login(learner)
    started = api_client.post(
        f"{BASE}/sessions/", {"avatar": avatar.pk, "context": practice.pk, "level": "B1"}
    )
    assert started.status_code == 201, started.json()
    body = started.json()
    session_id = body["session"]["id"]
    assert body["settings"]["mode"] == "guided" and body["settings"]["level"] == "B1"
    assert body["settings"]["silence_duration_ms"] == 900
    assert "Free conversation needs a configured language model" in body["settings"]["notice"]
    assert body["opening"]["text"].startswith("Hi Sam, I'm Maya.")

    again = api_client.post(f"{BASE}/sessions/", {"avatar": avatar.pk, "context": practice.pk})
    assert again.status_code == 409 and again.json()["code"] == "session_active"
    assert f"#{session_id}" in again.json()["message"]

    turn = api_client.post(f"{BASE}/sessions/{session_id}/turns/", {"text": "Here is my passport"})
    assert turn.status_code == 200, turn.json()
    assert turn.json()["learner"]["fitted"] is True
    assert "Where are you flying" in turn.json()["tutor"]["text"]
    # The grammar service is down here: the guided tutor still answers (unchecked grammar).
    assert turn.json()["learner"]["corrected_text"] == ""
    bad = api_client.post(f"{BASE}/sessions/{session_id}/turns/", {"text": ""})
    assert bad.status_code == 400 and "text" in bad.json()["fields"]

    # A spoken turn with its recording (as the socket stores them).
    session = TutorSession.objects.get(pk=session_id)
    spoken = services.learner_turn(session, text="I'm flying to London.", audio=wav_bytes())
    services.finish_tutor_turn(session, text="".join(services.tutor_reply(session)))

    # Another learner sees nothing of it.
    api_client.force_login(other_student)
    for method, url in [
        ("get", f"{BASE}/sessions/{session_id}/"),
        ("post", f"{BASE}/sessions/{session_id}/turns/"),
        ("post", f"{BASE}/sessions/{session_id}/end/"),
        ("delete", f"{BASE}/sessions/{session_id}/"),
        ("get", f"{BASE}/sessions/{session_id}/recordings/{spoken.seq}/"),
    ]:
        response = getattr(api_client, method)(url, {"text": "hi"} if method == "post" else None)
        assert response.status_code == 404, (method, url, response.status_code)
    assert api_client.get(f"{BASE}/sessions/").json()["count"] == 0

    api_client.force_login(learner)
    report = api_client.post(f"{BASE}/sessions/{session_id}/end/").json()
    assert set(report) >= {"pronunciation", "fluency", "grammar", "vocabulary", "listening"}
    assert report["listening"] == 100 and report["cefr"]

    audio = api_client.get(f"{BASE}/sessions/{session_id}/recordings/{spoken.seq}/")
    assert audio.status_code == 200 and audio["Content-Type"] == "audio/wav"
    assert b"".join(audio.streaming_content).startswith(b"RIFF")

    # A second, ended session: the history costs the same.
    second = services.start_session(learner, avatar_id=avatar.pk, context_id=practice.pk)
    services.end_session(second)
    with assert_num_queries(4):  # session, user, count, page (avatar, practice, report joined)
        history = api_client.get(f"{BASE}/sessions/").json()
    assert [item["id"] for item in history["results"]] == [second.pk, session_id]
    assert history["results"][1]["scores"]["listening"] == 100

    with assert_num_queries(4):  # session, user, session+report, turns
        detail = api_client.get(f"{BASE}/sessions/{session_id}/").json()
    speakers = [t["speaker"] for t in detail["turns"]]
    assert speakers == ["tutor", "learner", "tutor", "learner", "tutor"]
    urls = [t["recording_url"] for t in detail["turns"] if t["recording_url"]]
    assert urls == [f"{BASE}/sessions/{session_id}/recordings/{spoken.seq}/"]
    assert detail["report"]["definitions"]["pronunciation"]

    with assert_num_queries(3):  # session, user, reports with sessions and contexts
        progress = api_client.get(f"{BASE}/progress/").json()
    assert progress[0]["sessions"] == 2 and progress[0]["context"] == "At the airport"
    assert len(progress[0]["history"]) == 2

    deleted = api_client.delete(f"{BASE}/sessions/{session_id}/")
    assert deleted.status_code == 204
    assert not TutorSession.objects.filter(pk=session_id).exists()
    assert api_client.get(f"{BASE}/sessions/{session_id}/").status_code == 404


def test_start_refusals(
    api_client: Any, student: Any, avatar: Any, make_context: Any, guided: None
) -> None:
    api_client.force_login(student)
    practice = make_context()
    free = make_context(slug="free", title="Free talk", script=[], closing="")
    # The free plan's monthly allowance is 0 here: no credits at all.
    response = api_client.post(f"{BASE}/sessions/", {"avatar": avatar.pk, "context": practice.pk})
    assert response.status_code == 402
    assert response.json()["code"] == "no_credits" and "/wallet/" in response.json()["message"]
    assert not TutorSession.objects.exists()
    response = api_client.post(f"{BASE}/sessions/", {"avatar": avatar.pk, "context": free.pk})
    assert response.status_code == 400 and response.json()["code"] == "invalid_choice"
    assert "language model" in response.json()["message"]
    response = api_client.post(f"{BASE}/sessions/", {"avatar": 999, "context": practice.pk})
    assert response.status_code == 404
    response = api_client.post(
        f"{BASE}/sessions/", {"avatar": avatar.pk, "context": practice.pk, "level": "Z9"}
    )
    assert response.status_code == 400 and "level" in response.json()["fields"]


def test_schema_documents_the_tutor_endpoints(api_client: Any) -> None:
    schema = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/tutor/avatars/",
        "/api/v1/tutor/contexts/",
        "/api/v1/tutor/sessions/",
        "/api/v1/tutor/sessions/{id}/",
        "/api/v1/tutor/sessions/{id}/turns/",
        "/api/v1/tutor/sessions/{id}/end/",
        "/api/v1/tutor/sessions/{session_id}/recordings/{seq}/",
        "/api/v1/tutor/progress/",
    } <= paths


def test_deleting_a_session_whose_id_is_no_number_is_a_404(api_client: Any, learner: Any) -> None:
    # schemathesis sent DELETE /tutor/sessions/null,null/: it was a 500 (int() of the id).
    api_client.force_login(learner)
    response = api_client.delete(f"{BASE}/sessions/null,null/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
