"""Moments through the API: posting with photos (EXIF stripped) or a voice clip (probed),
media refused by content, topics, edit window, delete, likes, comments with one level of
replies, mentions and the activity bus."""

import subprocess
import tempfile
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from notifications.models import Notification
from social.models import Comment, Moment, MomentMedia

pytestmark = pytest.mark.django_db


def test_photos_are_reencoded_without_exif_and_served_to_viewers_only(
    student: Any, other_student: Any, client_for: Any, jpeg_with_gps: Any
) -> None:
    answer = client_for(student).post(
        "/api/v1/social/moments/",
        {"text": "Mi ciudad", "language": "es", "images": [jpeg_with_gps(), jpeg_with_gps()]},
        format="multipart",
    )
    assert answer.status_code == 201, answer.json()
    media = answer.json()["media"]
    assert [m["kind"] for m in media] == ["image", "image"]
    assert media[0]["width"] == 1600 and media[0]["height"] == 800
    served = client_for(other_student).get(media[0]["url"])
    assert served.status_code == 200 and served["Content-Type"] == "image/webp"
    image = Image.open(BytesIO(b"".join(served.streaming_content)))
    assert image.format == "WEBP" and not image.getexif()
    thumb = client_for(other_student).get(media[0]["thumbnail_url"])
    assert Image.open(BytesIO(b"".join(thumb.streaming_content))).size == (480, 240)

    client_for(student).patch(
        f"/api/v1/social/moments/{answer.json()['id']}/", {"visibility": "only_me"}
    )
    assert client_for(other_student).get(media[0]["url"]).status_code == 404


def test_voice_clip_is_probed_and_limited(student: Any, client_for: Any, wav: Any) -> None:
    ok = client_for(student).post(
        "/api/v1/social/moments/", {"language": "es", "voice": wav(2.0)}, format="multipart"
    )
    assert ok.status_code == 201, ok.json()
    clip = ok.json()["media"][0]
    assert clip["kind"] == "audio" and clip["duration_seconds"] == pytest.approx(2.0, abs=0.1)

    long = client_for(student).post(
        "/api/v1/social/moments/", {"language": "es", "voice": wav(125)}, format="multipart"
    )
    assert long.status_code == 400 and long.json()["code"] == "invalid_media"
    assert "120 seconds" in long.json()["message"]


def tagged_clip(extension: str) -> bytes:
    """A one-second recording carrying a place and a device in its tags, as phone recorder
    apps write them."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"clip.{extension}"
        subprocess.run(
            [
                "ffmpeg",
                "-nostdin",
                "-v",
                "error",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:duration=1",
                "-metadata",
                "title=Recorded at Calle Mayor 5",
                "-metadata",
                "artist=PhoneMaker Recorder",
                "-metadata",
                "comment=+40.4168-003.7038/",
                str(out),
            ],
            check=True,
            capture_output=True,
        )
        return out.read_bytes()


def ffprobe_json(data: bytes) -> str:
    with tempfile.NamedTemporaryFile() as handle:
        handle.write(data)
        handle.flush()
        found = subprocess.run(
            ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", handle.name],
            check=True,
            capture_output=True,
        )
    return found.stdout.decode()


@pytest.mark.parametrize("extension", ["wav", "ogg"])
def test_voice_clip_is_stored_without_its_metadata(
    extension: str, student: Any, client_for: Any
) -> None:
    upload = tagged_clip(extension)
    assert "Calle Mayor" in ffprobe_json(upload) and "+40.4168" in ffprobe_json(upload)
    answer = client_for(student).post(
        "/api/v1/social/moments/",
        {"language": "es", "voice": SimpleUploadedFile(f"clip.{extension}", upload)},
        format="multipart",
    )
    assert answer.status_code == 201, answer.json()
    [clip] = answer.json()["media"]
    served = client_for(student).get(clip["url"])
    assert served.status_code == 200
    stored = b"".join(served.streaming_content)
    info = ffprobe_json(stored)
    assert "Calle Mayor" not in info and "+40.4168" not in info and "PhoneMaker" not in info
    assert '"codec_type": "audio"' in info
    assert clip["duration_seconds"] == pytest.approx(1.0, abs=0.1)


@pytest.mark.parametrize(
    ("field", "payload", "expected"),
    [
        ("images", b"<html><script>alert(1)</script></html>", "JPEG, PNG, WebP or GIF"),
        ("voice", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "audio recording"),
        ("voice", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "audio recording"),
    ],
)
def test_media_refused_by_content(
    student: Any, client_for: Any, field: str, payload: bytes, expected: str
) -> None:
    upload = SimpleUploadedFile("innocent.jpg", payload, content_type="image/jpeg")
    data: dict[str, Any] = {
        "text": "x",
        "language": "es",
        field: [upload] if field == "images" else upload,
    }
    answer = client_for(student).post("/api/v1/social/moments/", data, format="multipart")
    assert answer.status_code == 400
    assert expected in answer.json()["message"]
    assert not Moment.objects.exists() and not MomentMedia.objects.exists()


def test_ten_photos_or_photos_with_voice_are_refused(
    student: Any, client_for: Any, jpeg_with_gps: Any, wav: Any
) -> None:
    client = client_for(student)
    ten = client.post(
        "/api/v1/social/moments/",
        {"language": "es", "images": [jpeg_with_gps(size=(20, 20)) for _ in range(10)]},
        format="multipart",
    )
    assert ten.status_code == 400 and "images" in ten.json()["fields"]
    both = client.post(
        "/api/v1/social/moments/",
        {"language": "es", "images": [jpeg_with_gps(size=(20, 20))], "voice": wav(1)},
        format="multipart",
    )
    assert both.status_code == 400 and both.json()["code"] == "invalid_moment"
    empty = client.post("/api/v1/social/moments/", {"language": "es", "text": "  "})
    assert empty.status_code == 400
    bad_language = client.post("/api/v1/social/moments/", {"language": "xx-nope", "text": "hi"})
    assert bad_language.status_code == 400 and "language" in bad_language.json()["fields"]


def test_topics_are_cleaned_capped_and_deduplicated(student: Any, post: Any) -> None:
    moment = post(student, topics=["#Travel", "travel", "Food!", "música", "a", "b", "c", "d"])
    assert moment["topics"] == sorted(["travel", "food", "música", "a", "b"])


def test_level_is_taken_from_the_authors_profile(student: Any, post: Any) -> None:
    from accounts.models import LearningLanguage

    LearningLanguage.objects.create(profile=student.profile, language="es", level="B1")
    student.profile.native_language = "en"
    student.profile.save()
    assert post(student)["level"] == "B1"
    assert post(student, text="My home", language="en")["level"] == "native"


def test_edit_window_and_delete(
    student: Any, other_student: Any, client_for: Any, post: Any
) -> None:
    moment = post(student)
    url = f"/api/v1/social/moments/{moment['id']}/"
    edited = client_for(student).patch(url, {"text": "Hoy aprendí dos palabras"})
    assert edited.status_code == 200 and edited.json()["edited_at"]
    assert client_for(other_student).patch(url, {"text": "hijack"}).status_code == 404
    Moment.objects.filter(pk=moment["id"]).update(created_at=timezone.now() - timedelta(hours=1))
    late = client_for(student).patch(url, {"text": "too late"})
    assert late.status_code == 409 and late.json()["code"] == "edit_window_closed"
    assert client_for(other_student).delete(url).status_code == 404
    assert client_for(student).delete(url).status_code == 204
    assert client_for(student).get(url).status_code == 404


def test_likes_comments_replies_and_notifications(
    student: Any,
    other_student: Any,
    teacher: Any,
    client_for: Any,
    post: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from core.activity import activity

    events: list[Any] = []

    def receiver(sender: str, event: Any, **kwargs: Any) -> None:
        events.append(event)

    activity.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            moment = post(student, mentions=[str(teacher.pk)])
            url = f"/api/v1/social/moments/{moment['id']}"
            assert client_for(other_student).post(f"{url}/likes/").status_code == 201
            assert client_for(other_student).post(f"{url}/likes/").status_code == 200
            top = client_for(other_student).post(f"{url}/comments/", {"text": "¡Qué bien!"})
            assert top.status_code == 201
            reply = client_for(student).post(
                f"{url}/comments/", {"text": "Gracias", "parent_id": top.json()["id"]}
            )
            nested = client_for(teacher).post(
                f"{url}/comments/", {"text": "Muy bien", "parent_id": reply.json()["id"]}
            )
    finally:
        activity.disconnect(receiver)
    # A reply to a reply joins the same thread, one level deep.
    assert Comment.objects.get(pk=nested.json()["id"]).parent_id == top.json()["id"]
    thread = client_for(teacher).get(f"{url}/comments/").json()["results"]
    assert [c["text"] for c in thread] == ["¡Qué bien!"]
    assert [r["text"] for r in thread[0]["replies"]] == ["Gracias", "Muy bien"]
    detail = client_for(other_student).get(f"{url}/").json()
    assert detail["like_count"] == 1 and detail["liked"] and detail["comment_count"] == 3
    likers = client_for(student).get(f"{url}/likes/").json()["results"]
    assert [p["id"] for p in likers] == [str(other_student.pk)]
    kinds = sorted(n.type for n in Notification.objects.all())
    assert kinds == sorted(["social.mention", "social.like"] + ["social.comment"] * 4)
    assert Notification.objects.filter(recipient=other_student, type="social.comment").exists()
    assert sorted(e.kind for e in events) == sorted(
        ["social.moment_posted"] + ["social.commented"] * 3
    )
    assert client_for(other_student).delete(f"{url}/likes/").status_code == 204
    assert client_for(other_student).get(f"{url}/").json()["like_count"] == 0


def test_bookmarks(student: Any, other_student: Any, client_for: Any, post: Any) -> None:
    moment = post(student)
    client = client_for(other_student)
    assert client.post(f"/api/v1/social/moments/{moment['id']}/bookmark/").status_code == 204
    saved = client.get("/api/v1/social/bookmarks/").json()["results"]
    assert [m["id"] for m in saved] == [moment["id"]] and saved[0]["bookmarked"]
