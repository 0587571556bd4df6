"""@mentions parsed from the text (with the block check), grouped like notifications,
"correct me" moments with people's and the grammar engine's corrections shown as diffs the
author accepts, and voice clips transcribed and translated on demand by the real ML service."""

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from accounts.roles import Role
from messaging.services import block_user
from notifications.models import Notification
from notifications.services import mark_all_read
from social import services
from social.models import MomentMedia
from social.selectors import word_diff

pytestmark = pytest.mark.django_db


def mentions_of(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, type="social.mention"))


def test_at_names_mention_connected_people_and_skip_blocked_strangers_and_ambiguous(
    student: Any, other_student: Any, role_user: Callable[..., Any], post: Any
) -> None:
    services.follow(other_student, student.pk)  # Lena follows Sam
    stranger = role_user(Role.STUDENT, first_name="Rita", last_name="Stranger")
    blocked = role_user(Role.STUDENT, first_name="Bea", last_name="Blocked")
    services.follow(student, blocked.pk)
    block_user(blocked, student)
    twin_a = role_user(Role.STUDENT, first_name="Max", last_name="One")
    twin_b = role_user(Role.STUDENT, first_name="Max", last_name="Two")
    services.follow(student, twin_a.pk)
    services.follow(student, twin_b.pk)

    post(student, "Hola @Lena, @Rita, @bea y @max, ¿y @MaxTwo? email a@b.com")

    assert [n.title for n in mentions_of(other_student)] == ["Sam Student mentioned you"]
    assert mentions_of(stranger) == []  # not connected: a name is not a global handle
    assert mentions_of(blocked) == []  # blocked either way: never told
    assert mentions_of(twin_a) == []  # "@max" names two people: nobody
    assert len(mentions_of(twin_b)) == 1  # the full name is unambiguous


def test_at_names_in_comments_reach_the_thread(
    student: Any, other_student: Any, role_user: Callable[..., Any], post: Any, client_for: Any
) -> None:
    ana = role_user(Role.STUDENT, first_name="Ana", last_name="Author")
    moment = post(ana, "Mi primer momento")
    client_for(other_student).post(
        f"/api/v1/social/moments/{moment['id']}/comments/", {"text": "¡Qué bien!"}
    )
    answer = client_for(student).post(
        f"/api/v1/social/moments/{moment['id']}/comments/",
        {"text": "@LenaLearner ¿tú también?"},
    )
    assert answer.status_code == 201, answer.json()
    assert [n.data["moment_id"] for n in mentions_of(other_student)] == [moment["id"]]


def test_likes_are_grouped_into_one_unread_notification(
    student: Any, role_user: Callable[..., Any], post: Any, client_for: Any
) -> None:
    moment = post(student, "Hoy cociné paella")
    fans = [role_user(Role.STUDENT, first_name=name, last_name="Fan") for name in "ABCD"]
    for fan in fans[:3]:
        assert (
            client_for(fan).post(f"/api/v1/social/moments/{moment['id']}/likes/").status_code == 201
        )
    likes = list(Notification.objects.filter(recipient=student, type="social.like"))
    assert [n.title for n in likes] == ["C Fan and 2 others liked your moment"]
    assert likes[0].data["group"] == f"like:moment:{moment['id']}"

    mark_all_read(student)
    client_for(fans[3]).post(f"/api/v1/social/moments/{moment['id']}/likes/")
    titles = list(
        Notification.objects.filter(recipient=student, type="social.like").values_list(
            "title", flat=True
        )
    )
    assert sorted(titles) == [
        "C Fan and 2 others liked your moment",
        "D Fan and 3 others liked your moment",
    ]


def test_a_follow_tells_the_followee_in_the_language_it_is_sent_in(
    student: Any, other_student: Any
) -> None:
    with translation.override("es"):
        services.follow(other_student, student.pk)
    told = Notification.objects.get(recipient=student, type="social.follow")
    assert told.title == "Lena Learner empezó a seguirte"  # the wording table's msgid, translated
    assert told.url == f"/social/people/{other_student.pk}/"
    assert told.data == {"user_id": str(other_student.pk)}


def test_word_diff_marks_deleted_and_inserted_words() -> None:
    assert word_diff("I has a apple.", "I have an apple.") == [
        {"op": "equal", "text": "I "},
        {"op": "delete", "text": "has"},
        {"op": "insert", "text": "have"},
        {"op": "equal", "text": " "},
        {"op": "delete", "text": "a"},
        {"op": "insert", "text": "an"},
        {"op": "equal", "text": " apple."},
    ]


def test_correct_me_suggest_and_accept(
    student: Any, other_student: Any, role_user: Callable[..., Any], post: Any, client_for: Any
) -> None:
    plain = post(student, "Yo soy cansado")
    refused = client_for(other_student).post(
        f"/api/v1/social/moments/{plain['id']}/corrections/", {"text": "Yo estoy cansado"}
    )
    assert refused.status_code == 409 and refused.json()["code"] == "correction_not_allowed"

    moment = post(student, "Ayer yo soy cansado", correct_me=True)
    assert moment["correct_me"] is True
    url = f"/api/v1/social/moments/{moment['id']}/corrections/"
    own = client_for(student).post(url, {"text": "Ayer estaba cansado"})
    assert own.status_code == 403
    same = client_for(other_student).post(url, {"text": "Ayer yo soy cansado"})
    assert same.status_code == 400

    made = client_for(other_student).post(
        url, {"text": "Ayer yo estaba cansado", "note": "Estado temporal: estar."}
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["accepted"] is False
    assert {"op": "delete", "text": "soy"} in body["diff"]
    assert {"op": "insert", "text": "estaba"} in body["diff"]
    assert Notification.objects.filter(recipient=student, type="social.correction").count() == 1

    # Someone else cannot accept it; the author can.
    accept = f"/api/v1/social/corrections/{body['id']}/accept/"
    assert client_for(other_student).post(accept).status_code == 404
    accepted = client_for(student).post(accept)
    assert accepted.status_code == 200 and accepted.json()["accepted"] is True
    told = Notification.objects.get(recipient=other_student, type="social.correction")
    assert told.title == "Sam Student accepted your correction"

    # A second suggester's correction; accepting it moves the mark; the accepted one is first.
    third = role_user(Role.STUDENT, first_name="Tea", last_name="Third")
    second = client_for(third).post(url, {"text": "Ayer estuve cansado"}).json()
    client_for(student).post(f"/api/v1/social/corrections/{second['id']}/accept/")
    listed = client_for(student).get(url).json()["results"]
    assert [(c["id"], c["accepted"]) for c in listed] == [(second["id"], True), (body["id"], False)]

    # A blocked suggester's correction disappears for the author.
    block_user(student, third)
    assert [c["id"] for c in client_for(student).get(url).json()["results"]] == [body["id"]]


@pytest.mark.parametrize("count", [1, 6])
def test_corrections_list_query_count_is_constant(
    count: int,
    student: Any,
    role_user: Callable[..., Any],
    post: Any,
    client_for: Any,
    assert_num_queries: Any,
) -> None:
    moment = post(student, "Ayer yo soy cansado", correct_me=True)
    for number in range(count):
        fan = role_user(Role.STUDENT)
        services.suggest_correction(fan, moment["id"], text=f"Ayer yo estaba cansado {number}")
    client = client_for(student)
    with assert_num_queries(3):  # moment visible, count, page (moment, authors, profiles)
        answer = client.get(f"/api/v1/social/moments/{moment['id']}/corrections/")
    assert len(answer.json()["results"]) == count


def test_the_grammar_engine_corrects_an_english_moment(
    live_ml: str, funded: Any, other_student: Any, post: Any, client_for: Any
) -> None:
    moment = post(funded, "She go to school every days.", language="en", correct_me=True)
    url = f"/api/v1/social/moments/{moment['id']}/corrections/ai/"
    assert client_for(other_student).post(url).status_code == 403  # only the author asks
    answer = client_for(funded).post(url)
    assert answer.status_code == 201, answer.json()
    correction = answer.json()
    assert correction["origin"] == "ai"
    assert correction["text"] != moment["text"]
    assert any(part["op"] == "insert" for part in correction["diff"])
    accepted = client_for(funded).post(f"/api/v1/social/corrections/{correction['id']}/accept/")
    assert accepted.json()["accepted"] is True


def espeak_wav(tmp_path: Path, text: str) -> bytes:
    path = tmp_path / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(path), text], check=True)
    return path.read_bytes()


def test_a_voice_clip_is_transcribed_once_and_translated_on_demand(
    live_ml: str,
    student: Any,
    other_student: Any,
    client_for: Any,
    tmp_path: Path,
    settings: Any,
) -> None:
    clip = SimpleUploadedFile(
        "clip.wav", espeak_wav(tmp_path, "Good morning, my friends."), content_type="audio/wav"
    )
    moment = client_for(student).post(
        "/api/v1/social/moments/", {"language": "en", "voice": clip}, format="multipart"
    )
    assert moment.status_code == 201, moment.json()
    media_id = moment.json()["media"][0]["id"]
    url = f"/api/v1/social/media/{media_id}/transcript/"

    answer = client_for(other_student).post(url, {"translate_to": "es"})
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert "good morning" in body["transcript"].lower()
    assert body["language"] == "en"
    assert body["translation"]["language"] == "es"
    assert "buenos" in body["translation"]["text"].lower()
    assert MomentMedia.objects.get(pk=media_id).transcribed_at is not None

    # Kept: with the ML service gone, the transcript is still served.
    settings.ML_URL = "http://127.0.0.1:1"
    again = client_for(student).post(url, {})
    assert again.status_code == 200 and again.json()["transcript"] == body["transcript"]
    assert again.json()["translation"] is None

    # Only people who may see the moment may ask.
    client_for(student).patch(
        f"/api/v1/social/moments/{moment.json()['id']}/", {"visibility": "only_me"}
    )
    assert client_for(other_student).post(url, {}).status_code == 404


def test_sharing_a_moment_into_a_chat(
    student: Any, other_student: Any, role_user: Callable[..., Any], post: Any, client_for: Any
) -> None:
    from messaging import crypto
    from messaging.models import Message
    from messaging.services import start_conversation

    chat, _created = start_conversation(student, [other_student])
    moment = post(other_student, "Mi primera paella")
    url = f"/api/v1/social/moments/{moment['id']}/share/"
    answer = client_for(student).post(
        url, {"conversation": str(chat.pk), "note": "¡Mira!", "client_id": "share-1"}
    )
    assert answer.status_code == 201, answer.json()
    again = client_for(student).post(
        url, {"conversation": str(chat.pk), "note": "¡Mira!", "client_id": "share-1"}
    )
    assert again.json()["message"] == answer.json()["message"]  # a retry sends nothing twice
    sent = Message.objects.get(pk=answer.json()["message"])
    assert crypto.decrypt(sent.body_encrypted) == f"¡Mira!\n/social/moments/{moment['id']}/"

    outsider = role_user(Role.STUDENT)
    refused = client_for(outsider).post(url, {"conversation": str(chat.pk)})
    assert refused.status_code == 404  # not their chat
    hidden = post(other_student, "Solo para mí", visibility="only_me")
    assert (
        client_for(student)
        .post(f"/api/v1/social/moments/{hidden['id']}/share/", {"conversation": str(chat.pk)})
        .status_code
        == 404
    )
