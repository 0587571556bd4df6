"""Conversations and messages over REST: history, sending without a socket, search, privacy."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from messaging import services
from messaging.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(student, other_student):
    conversation, _ = services.start_conversation(student, [other_student])
    return conversation


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_starting_a_direct_conversation_twice_returns_the_same_one(
    api_client, student, other_student
):
    api_client.force_login(student)
    first = api_client.post("/api/v1/conversations/", {"participants": [str(other_student.pk)]})
    assert first.status_code == 201
    again = api_client.post("/api/v1/conversations/", {"participants": [str(other_student.pk)]})
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["kind"] == "direct"
    assert {p["id"] for p in first.json()["participants"]} == {
        str(student.pk),
        str(other_student.pk),
    }


def test_messaging_needs_a_verified_email(api_client, user_factory, other_student):
    api_client.force_login(user_factory(verified=False))
    response = api_client.post("/api/v1/conversations/", {"participants": [str(other_student.pk)]})
    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"


def test_unknown_participants_are_a_validation_error(api_client, student):
    api_client.force_login(student)
    response = api_client.post(
        "/api/v1/conversations/", {"participants": ["00000000-0000-0000-0000-000000000000"]}
    )
    assert response.status_code == 400
    assert "participants" in response.json()["fields"]


def test_the_conversation_list_costs_the_same_whatever_its_length(
    api_client, student, user_factory, assert_num_queries
):
    for _ in range(2):
        services.start_conversation(student, [user_factory()])
    api_client.force_login(student)
    api_client.get("/api/v1/conversations/")  # warm the session
    with assert_num_queries(7):
        small = api_client.get("/api/v1/conversations/")
    for _ in range(5):
        other, _ = services.start_conversation(student, [user_factory(), user_factory()])
        services.send_message(student, other.pk, client_id="x", body="hi")
    with assert_num_queries(7):
        large = api_client.get("/api/v1/conversations/")
    assert small.json()["count"] == 2 and large.json()["count"] == 7
    assert large.json()["results"][0]["last_seq"] == 1
    assert large.json()["results"][0]["unread"] == 0  # her own message


def test_history_pages_newest_first_and_catches_up_after_a_seq(
    api_client, student, other_student, conversation, assert_num_queries
):
    for n in range(1, 8):
        services.send_message(student, conversation.pk, client_id=str(n), body=f"n{n}")
    api_client.force_login(other_student)
    url = f"/api/v1/conversations/{conversation.pk}/messages/"
    with assert_num_queries(5):
        page = api_client.get(url, {"page_size": 3}).json()
    assert [m["seq"] for m in page["results"]] == [7, 6, 5]
    older = api_client.get(page["next"]).json()
    assert [m["seq"] for m in older["results"]] == [4, 3, 2]
    with assert_num_queries(5):
        after = api_client.get(url, {"after": 4}).json()
    assert [m["seq"] for m in after["results"]] == [5, 6, 7]
    assert after["results"][0]["body"] == "n5"
    conversation_detail = api_client.get(f"/api/v1/conversations/{conversation.pk}/").json()
    assert conversation_detail["unread"] == 7


def test_nobody_reads_another_s_conversation(api_client, user_factory, conversation, student):
    services.send_message(student, conversation.pk, client_id="1", body="private")
    message = Message.objects.get()
    api_client.force_login(user_factory())
    base = f"/api/v1/conversations/{conversation.pk}"
    assert api_client.get(f"{base}/").status_code == 404
    assert api_client.get(f"{base}/messages/").status_code == 404
    assert api_client.post(f"{base}/messages/", {"client_id": "z", "body": "x"}).status_code == 404
    assert api_client.get(f"{base}/messages/{message.pk}/attachment/").status_code == 404
    assert api_client.get("/api/v1/messages/search/", {"q": "private"}).json() == []
    assert api_client.get("/api/v1/conversations/").json()["count"] == 0


def test_rest_send_is_idempotent_and_keeps_the_sequence(api_client, student, conversation):
    api_client.force_login(student)
    url = f"/api/v1/conversations/{conversation.pk}/messages/"
    first = api_client.post(url, {"client_id": "abc", "body": "Buenos días"})
    assert first.status_code == 201 and first.json()["seq"] == 1
    repeat = api_client.post(url, {"client_id": "abc", "body": "Buenos días"})
    assert repeat.status_code == 200 and repeat.json()["id"] == first.json()["id"]
    assert api_client.post(url, {"client_id": "def", "body": "¿Qué tal?"}).json()["seq"] == 2
    assert api_client.post(url, {"client_id": "ghi", "body": "  "}).status_code == 400


def test_attachments_are_checked_by_content_and_size(
    api_client, student, other_student, conversation
):
    api_client.force_login(student)
    url = f"/api/v1/conversations/{conversation.pk}/messages/"
    image = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")
    response = api_client.post(url, {"client_id": "img", "attachment": image}, format="multipart")
    assert response.status_code == 201, response.json()
    attachment = response.json()["attachment"]
    assert attachment["kind"] == "image" and attachment["mime"] == "image/png"

    disguised = SimpleUploadedFile(
        "cute.png", b"\x7fELF\x02\x01\x01" + b"\0" * 200, content_type="image/png"
    )
    rejected = api_client.post(
        url, {"client_id": "elf", "attachment": disguised}, format="multipart"
    )
    assert rejected.status_code == 400 and rejected.json()["code"] == "invalid_attachment"

    with override_settings(MESSAGING_ATTACHMENT_MAX_BYTES={"image": 10, "audio": 10, "file": 10}):
        big = SimpleUploadedFile("big.png", png_bytes(), content_type="image/png")
        too_big = api_client.post(url, {"client_id": "big", "attachment": big}, format="multipart")
    assert too_big.status_code == 413 and too_big.json()["code"] == "attachment_too_large"

    api_client.force_login(other_student)
    download = api_client.get(attachment["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == png_bytes()


def test_only_the_sender_edits_or_deletes_a_message(
    api_client, student, other_student, conversation
):
    sent = services.send_message(student, conversation.pk, client_id="1", body="helo").message
    url = f"/api/v1/conversations/{conversation.pk}/messages/{sent.pk}/"
    api_client.force_login(other_student)
    assert api_client.patch(url, {"body": "hacked"}).status_code == 403
    assert api_client.delete(url).status_code == 403
    api_client.force_login(student)
    edited = api_client.patch(url, {"body": "hello"})
    assert edited.status_code == 200
    assert edited.json()["body"] == "hello" and edited.json()["edited_at"]
    assert api_client.delete(url).status_code == 204
    history = api_client.get(f"/api/v1/conversations/{conversation.pk}/messages/").json()
    assert history["results"][0]["deleted"] is True and history["results"][0]["body"] == ""
    assert api_client.get("/api/v1/messages/search/", {"q": "hello"}).json() == []


def test_search_finds_whole_words_ignoring_case_and_accents(
    api_client, student, other_student, conversation, user_factory
):
    services.send_message(student, conversation.pk, client_id="1", body="Mañana vamos al MUSEO")
    services.send_message(
        other_student, conversation.pk, client_id="2", body="el museo cierra tarde"
    )
    _stranger_conversation, _ = services.start_conversation(user_factory(), [user_factory()])
    api_client.force_login(student)
    bodies = [m["body"] for m in api_client.get("/api/v1/messages/search/", {"q": "museo"}).json()]
    assert bodies == ["el museo cierra tarde", "Mañana vamos al MUSEO"]
    assert [
        m["body"] for m in api_client.get("/api/v1/messages/search/", {"q": "manana museo"}).json()
    ] == ["Mañana vamos al MUSEO"]
    assert (
        api_client.get("/api/v1/messages/search/", {"q": "muse"}).json() == []
    )  # whole words only
    assert api_client.get("/api/v1/messages/search/", {"q": ""}).status_code == 400


def test_blocking_stops_direct_messages_both_ways(api_client, student, other_student, conversation):
    api_client.force_login(other_student)
    assert api_client.post("/api/v1/blocks/", {"user": str(student.pk)}).status_code == 201
    with pytest.raises(services.Blocked):
        services.send_message(student, conversation.pk, client_id="1", body="hi")
    api_client.force_login(student)
    response = api_client.post(
        f"/api/v1/conversations/{conversation.pk}/messages/", {"client_id": "2", "body": "hi"}
    )
    assert response.status_code == 403 and response.json()["code"] == "blocked"
    api_client.force_login(other_student)
    assert api_client.get("/api/v1/blocks/").json()["count"] == 1
    assert api_client.delete(f"/api/v1/blocks/{student.pk}/").status_code == 204
    assert services.send_message(student, conversation.pk, client_id="3", body="hi").created


def test_a_report_may_only_quote_a_message_the_reporter_can_read(
    api_client, student, other_student, conversation, user_factory
):
    sent = services.send_message(student, conversation.pk, client_id="1", body="rude").message
    api_client.force_login(other_student)
    ok = api_client.post(
        "/api/v1/reports/", {"user": str(student.pk), "message": str(sent.pk), "reason": "Insults"}
    )
    assert ok.status_code == 201 and ok.json()["status"] == "open"
    api_client.force_login(user_factory())
    snooping = api_client.post(
        "/api/v1/reports/", {"user": str(student.pk), "message": str(sent.pk), "reason": "x"}
    )
    assert snooping.status_code == 404


def test_presence_lists_contacts_only(
    api_client, student, other_student, conversation, user_factory
):
    from messaging import presence

    stranger = user_factory()
    presence.connected(other_student.pk)
    presence.connected(stranger.pk)
    api_client.force_login(student)
    listing = api_client.get("/api/v1/presence/").json()
    assert listing == [{"user": str(other_student.pk), "online": True, "last_seen": None}]
