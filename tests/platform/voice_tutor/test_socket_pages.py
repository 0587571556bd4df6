"""The website pages around the /ws/tutor/ socket (start, live session, report, history):
what they show, who may see a report, and the history page's pinned query count."""

from typing import Any

import pytest

from voice_tutor import services

pytestmark = pytest.mark.django_db


def _ended_session(learner: Any, avatar: Any, practice: Any) -> Any:
    session = services.start_session(learner, avatar_id=avatar.pk, context_id=practice.pk)
    services.finish_tutor_turn(session, text="".join(services.opening_reply(session)))
    services.learner_turn(session, text="Here is my passport.")
    services.finish_tutor_turn(session, text="".join(services.tutor_reply(session)))
    services.end_session(session)
    return session


def test_start_page_offers_tutors_situations_level_and_credits(
    client: Any, learner: Any, avatar: Any, practice: Any, guided: None
) -> None:
    client.force_login(learner)
    html = client.get("/tutor/?language=en").content.decode()
    assert "Speak with a tutor" in html
    assert f'name="avatar" value="{avatar.pk}"' in html and "Maya" in html
    assert f'name="context" value="{practice.pk}"' in html and "At the airport" in html
    assert 'value="A1" selected' in html  # no level in the profile for English: A1
    assert "credits available" in html and 'href="/wallet/"' in html
    assert 'action="/tutor/session/"' in html
    assert "<script>" not in html and ' style="' not in html  # CSP-ready markup


def test_start_page_needs_a_sign_in(client: Any) -> None:
    response = client.get("/tutor/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_session_page_passes_the_choice_to_the_socket_script(
    client: Any, learner: Any, avatar: Any, practice: Any
) -> None:
    client.force_login(learner)
    html = client.get(f"/tutor/session/?avatar={avatar.pk}&context={practice.pk}&level=B1").content
    page = html.decode()
    assert f'data-avatar="{avatar.pk}"' in page and f'data-context="{practice.pk}"' in page
    assert 'data-level="B1"' in page and 'data-socket-url="/ws/tutor/"' in page
    assert "js/tutor/session.js" in page and "js/tutor/pcm-worklet.js" in page
    # An unknown choice goes back to the start page.
    response = client.get("/tutor/session/?avatar=999&context=x")
    assert response.status_code == 302 and response["Location"] == "/tutor/"


def test_report_is_the_owners_alone(
    client: Any, learner: Any, other_student: Any, avatar: Any, practice: Any, live_ml: str
) -> None:
    session = _ended_session(learner, avatar, practice)
    client.force_login(learner)
    html = client.get(f"/tutor/sessions/{session.pk}/").content.decode()
    for label in ("Pronunciation", "Fluency", "Grammar", "Vocabulary", "Listening"):
        assert label in html
    assert "What it is not" in html and "Estimated level" in html
    assert "Here is my passport." in html
    assert "data-progress-chart" in html and "Chart data as a table" in html
    client.force_login(other_student)
    assert client.get(f"/tutor/sessions/{session.pk}/").status_code == 404


def test_history_lists_sessions_with_progress_in_pinned_queries(
    client: Any,
    learner: Any,
    avatar: Any,
    practice: Any,
    live_ml: str,
    django_assert_num_queries: Any,
) -> None:
    first = _ended_session(learner, avatar, practice)
    client.force_login(learner)
    client.get("/tutor/history/")  # warm the session
    # The base layout's own (session, user, roles, notifications, locales …), then progress
    # rows, context titles, one chart per situation, the count and the page of sessions.
    with django_assert_num_queries(15):
        html = client.get("/tutor/history/").content.decode()
    assert "At the airport" in html and f"/tutor/sessions/{first.pk}/" in html
    assert "Sessions completed" in html
    second = _ended_session(learner, avatar, practice)
    with django_assert_num_queries(15):  # a second session costs no query more
        html = client.get("/tutor/history/").content.decode()
    assert f"/tutor/sessions/{second.pk}/" in html
