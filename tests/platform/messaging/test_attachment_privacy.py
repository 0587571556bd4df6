"""Chat attachments: stored under our extension in the private storage, served only to the
conversation's members, never as a page of our origin (issue 14, item 2)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from core.uploads import private_storage
from messaging import services
from messaging.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(student, other_student):
    conversation, _ = services.start_conversation(student, [other_student])
    return conversation


def send(api_client: APIClient, conversation, upload: SimpleUploadedFile) -> dict:
    url = f"/api/v1/conversations/{conversation.pk}/messages/"
    response = api_client.post(
        url, {"client_id": upload.name, "attachment": upload}, format="multipart"
    )
    return {"status": response.status_code, **response.json()}


def test_a_text_file_named_html_is_stored_as_txt_and_only_downloaded(
    api_client: APIClient, student, other_student, user_factory, conversation
) -> None:
    api_client.force_login(student)
    sent = send(
        api_client,
        conversation,
        SimpleUploadedFile("notes.html", b"vocabulary: la casa, el perro", "text/html"),
    )
    assert sent["status"] == 201, sent
    message = Message.objects.get(pk=sent["id"])
    assert message.attachment.name.endswith(".txt")
    assert "notes" not in message.attachment.name
    assert private_storage().exists(message.attachment.name)
    assert not (Path(settings.MEDIA_ROOT) / message.attachment.name).exists()
    assert api_client.get(f"{settings.MEDIA_URL}{message.attachment.name}").status_code == 404

    api_client.force_login(other_student)
    download = api_client.get(sent["attachment"]["url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "text/plain"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"] == "attachment; filename*=UTF-8''notes.html"

    api_client.force_login(user_factory())
    assert api_client.get(sent["attachment"]["url"]).status_code == 404
    api_client.logout()
    assert api_client.get(sent["attachment"]["url"]).status_code in {401, 403, 404}


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"<html><body><script>alert(1)</script></body></html>"),
        ("photo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
    ],
)
def test_html_and_svg_attachments_are_refused(
    api_client: APIClient, student, conversation, name: str, content: bytes
) -> None:
    api_client.force_login(student)
    sent = send(api_client, conversation, SimpleUploadedFile(name, content, "text/plain"))
    assert sent["status"] == 400 and sent["code"] == "invalid_attachment"
    assert not Message.objects.exists()
