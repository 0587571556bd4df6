"""Room recordings are private: stored outside the public media storage and streamed only
to the room's participants through a permission-checked view; anyone else gets 404."""

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from rooms import services
from rooms.models import Recording

pytestmark = pytest.mark.django_db


def _webm(size: int = 4000) -> bytes:
    """A WebM file as libmagic sees it: the EBML header with DocType "webm", a Segment."""
    doctype = b"\x42\x82\x84webm"
    header = b"\x1a\x45\xdf\xa3" + bytes([0x80 | (len(doctype) + 8)])
    header += b"\x42\x86\x81\x01\x42\xf7\x81\x01" + doctype
    segment = b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff"
    return header + segment + bytes(range(256)) * (size // 256)


@pytest.fixture
def recorded_class(teacher, student, api_client):
    room = services.create_classroom(teacher, [student], topic="Ser y estar")
    for user in (teacher, student):
        services.join(room.pk, user, f"channel-{user.pk}")
        services.set_recording_consent(room.pk, user, True)
    api_client.force_login(teacher)
    upload = SimpleUploadedFile("class.webm", _webm(), content_type="video/webm")
    response = api_client.post(
        f"/api/v1/rooms/{room.pk}/recordings/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.content
    api_client.logout()
    return room, Recording.objects.get(pk=response.json()["id"]), response.json()


def _body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content)


def test_participants_stream_the_recording(recorded_class, api_client, teacher, student):
    room, recording, listed = recorded_class
    file_url = f"/api/v1/rooms/{room.pk}/recordings/{recording.pk}/file/"
    assert listed["url"] == file_url
    for user in (teacher, student):
        api_client.force_login(user)
        response = api_client.get(file_url)
        assert response.status_code == 200
        assert response["Content-Type"] == "video/webm"
        # Like every private file (core.downloads): not kept by any cache, never sniffed.
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("inline;")
        assert recording.file.name.endswith(".webm")
        assert _body(response) == _webm()
        assert [
            item["url"]
            for item in api_client.get(f"/api/v1/rooms/{room.pk}/recordings/").json()["results"]
        ] == [file_url]


def test_others_get_404_whatever_they_know(
    recorded_class, api_client, other_student, user_factory, client
):
    room, recording, _ = recorded_class
    file_url = f"/api/v1/rooms/{room.pk}/recordings/{recording.pk}/file/"
    api_client.force_login(other_student)
    assert api_client.get(file_url).status_code == 404
    assert api_client.get(f"/api/v1/rooms/{room.pk}/recordings/").status_code == 404
    # Someone in another room of their own cannot reach this room's recording through it.
    own = services.create_classroom(other_student, [], topic="Mine")
    assert (
        api_client.get(f"/api/v1/rooms/{own.pk}/recordings/{recording.pk}/file/").status_code == 404
    )
    # Signed out: not authenticated.
    assert client.get(file_url).status_code in (401, 403)


def test_a_removed_learner_loses_access(recorded_class, api_client, teacher, student):
    room, recording, _ = recorded_class
    services.remove(teacher, room.pk, student.pk)
    api_client.force_login(student)
    assert (
        api_client.get(f"/api/v1/rooms/{room.pk}/recordings/{recording.pk}/file/").status_code
        == 404
    )


def test_the_file_is_not_in_the_public_media_storage(recorded_class, settings):
    _, recording, _ = recorded_class
    # Compared by location: other tests' setting overrides rebuild the storages handler.
    private = storages["private"]
    assert recording.file.storage.location == private.location
    assert private.exists(recording.file.name)
    assert not storages["default"].exists(recording.file.name)
    assert not str(private.path(recording.file.name)).startswith(str(settings.MEDIA_ROOT))
