"""Video moments: real short videos made by ffmpeg at test time (testsrc + sine, about a
second, 64x48) are checked by content with ffprobe, remuxed without their metadata (the
stored file is probed again), given a poster frame, served by range to viewers only; too
long, too big, too large, not a video, an unplayable codec and a renamed text file are
refused with a field error and nothing stored."""

import functools
import json
import subprocess
import tempfile
import wave
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from social.models import Moment, MomentMedia

pytestmark = pytest.mark.django_db

LOCATION = "+40.4168-003.7038/"


@functools.cache
def video_bytes(
    seconds: float = 1.0, codec: str = "libx264", audio: str = "aac", container: str = "mp4"
) -> bytes:
    """A tiny real video with a location and a creation time in its metadata."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"clip.{container}"
        video_args = ["-c:v", codec] if codec else ["-vn"]
        if codec == "libx264":
            video_args += ["-preset", "ultrafast", "-pix_fmt", "yuv420p"]
        elif codec == "libvpx":
            video_args += ["-deadline", "realtime", "-cpu-used", "8", "-b:v", "100k"]
        audio_args = ["-an"] if not audio else ["-c:a", audio]
        tags = [
            "-metadata",
            f"location={LOCATION}",
            "-metadata",
            "creation_time=2020-05-01T10:00:00Z",
        ]
        if container == "mp4":
            tags += ["-movflags", "+use_metadata_tags"]
        subprocess.run(
            [
                "ffmpeg",
                "-nostdin",
                "-v",
                "error",
                "-f",
                "lavfi",
                "-i",
                f"testsrc=size=64x48:rate=10:duration={seconds}",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency=440:duration={seconds}",
                *video_args,
                *audio_args,
                "-shortest",
                *tags,
                str(out),
            ],
            check=True,
            capture_output=True,
        )
        return out.read_bytes()


def wav_bytes() -> bytes:
    buffer = BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x01" * 8000)
    return buffer.getvalue()


def video(name: str = "clip.mp4", **kwargs: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, video_bytes(**kwargs), content_type="video/mp4")


def probe(data: bytes) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile() as handle:
        handle.write(data)
        handle.flush()
        found = subprocess.run(
            ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", handle.name],
            check=True,
            capture_output=True,
        )
    result: dict[str, Any] = json.loads(found.stdout)
    return result


def test_video_is_remuxed_without_metadata_with_a_poster_for_viewers_only(
    student: Any, other_student: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert LOCATION in json.dumps(probe(video_bytes()))  # the upload does carry a location
    answer = client_for(student).post(
        "/api/v1/social/moments/",
        {"text": "Mi primer vídeo", "language": "es", "video": video(), "visibility": "followers"},
        format="multipart",
    )
    assert answer.status_code == 201, answer.json()
    [item] = answer.json()["media"]
    assert item["kind"] == "video" and item["mime"] == "video/mp4"
    assert (item["width"], item["height"]) == (64, 48)
    assert item["duration_seconds"] == pytest.approx(1.0, abs=0.15)

    owner = client_for(student)
    served = owner.get(item["url"])
    assert served.status_code == 200 and served["Content-Type"] == "video/mp4"
    stored = b"".join(served.streaming_content)
    info = probe(stored)
    text = json.dumps(info)
    assert LOCATION not in text and "creation_time" not in text and "2020-05-01" not in text
    assert {s["codec_name"] for s in info["streams"]} == {"h264", "aac"}

    part = owner.get(item["url"], HTTP_RANGE="bytes=0-99")
    assert part.status_code == 206 and part.content == stored[:100]
    assert part["Content-Range"] == f"bytes 0-99/{len(stored)}"

    poster = owner.get(item["thumbnail_url"])
    assert poster["Content-Type"] == "image/webp"
    assert Image.open(BytesIO(b"".join(poster.streaming_content))).size == (64, 48)

    # Followers only: a stranger gets neither the video nor its poster.
    stranger = client_for(other_student)
    assert stranger.get(item["url"]).status_code == 404
    assert stranger.get(item["url"], HTTP_RANGE="bytes=0-99").status_code == 404
    assert stranger.get(item["thumbnail_url"]).status_code == 404
    assert stranger.post(f"/api/v1/social/users/{student.pk}/follow/").status_code in (200, 201)
    assert stranger.get(item["url"]).status_code == 200

    # Deleting the moment deletes the video and its poster from storage.
    media = MomentMedia.objects.get()
    names = [media.file.name, media.thumbnail.name]
    storage = media.file.storage
    assert all(storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        deleted = owner.delete(f"/api/v1/social/moments/{answer.json()['id']}/")
    assert deleted.status_code == 204
    assert not any(storage.exists(name) for name in names)


def test_vp8_in_matroska_is_stored_as_webm_with_opus_audio(student: Any, client_for: Any) -> None:
    upload = SimpleUploadedFile(
        "clip.mkv",
        video_bytes(codec="libvpx", audio="aac", container="mkv"),
        content_type="video/x-matroska",
    )
    answer = client_for(student).post(
        "/api/v1/social/moments/", {"language": "es", "video": upload}, format="multipart"
    )
    assert answer.status_code == 201, answer.json()
    [item] = answer.json()["media"]
    assert item["mime"] == "video/webm"
    stored = b"".join(client_for(student).get(item["url"]).streaming_content)
    info = probe(stored)
    assert "webm" in info["format"]["format_name"]
    assert {s["codec_name"] for s in info["streams"]} == {"vp8", "opus"}
    assert LOCATION not in json.dumps(info)


@pytest.mark.parametrize(
    ("upload", "limits", "expected"),
    [
        (lambda: video(seconds=3.0), {"SOCIAL_MAX_VIDEO_SECONDS": 2}, "at most 2 seconds"),
        (lambda: video(), {"SOCIAL_MAX_VIDEO_BYTES": 1000}, "at most 1 MB"),
        (lambda: video(), {"SOCIAL_MAX_VIDEO_SIDE": 32}, "32 pixels"),
        (lambda: SimpleUploadedFile("clip.wav", wav_bytes(), "audio/wav"), {}, "not a video"),
        (
            lambda: SimpleUploadedFile("clip.mp4", b"just some text, renamed\n" * 20, "video/mp4"),
            {},
            "not a video",
        ),
        (lambda: video(codec="mpeg4"), {}, "cannot be played on the web"),
        (
            lambda: SimpleUploadedFile(
                "voice.webm", video_bytes(codec="", audio="libopus", container="webm")
            ),
            {},
            "not a video",
        ),
    ],
    ids=["too-long", "too-big", "too-large", "audio", "renamed-text", "mpeg4", "audio-only-webm"],
)
def test_refused_videos_are_field_errors_and_nothing_is_stored(
    student: Any, client_for: Any, settings: Any, upload: Any, limits: dict[str, int], expected: str
) -> None:
    for name, value in limits.items():
        setattr(settings, name, value)
    answer = client_for(student).post(
        "/api/v1/social/moments/",
        {"text": "x", "language": "es", "video": upload()},
        format="multipart",
    )
    assert answer.status_code == 400, answer.json()
    body = answer.json()
    assert body["code"] == "validation_error" and expected in body["fields"]["video"][0]
    assert not Moment.objects.exists() and not MomentMedia.objects.exists()


def test_a_video_goes_alone(student: Any, client_for: Any, jpeg_with_gps: Any) -> None:
    both = client_for(student).post(
        "/api/v1/social/moments/",
        {"language": "es", "images": [jpeg_with_gps(size=(20, 20))], "video": video()},
        format="multipart",
    )
    assert both.status_code == 400 and both.json()["code"] == "invalid_moment"
    assert not Moment.objects.exists()


def test_website_composer_posts_a_video_and_the_feed_plays_it(client: Any, student: Any) -> None:
    client.force_login(student)
    page = reverse("social-feed-page")
    refused = client.post(
        page,
        {"language": "es", "visibility": "public", "video": SimpleUploadedFile("a.mp4", b"text")},
    )
    assert refused.status_code == 200
    assert "This file is not a video." in refused.content.decode()
    assert not Moment.objects.exists()

    posted = client.post(
        page, {"text": "Vídeo", "language": "es", "visibility": "public", "video": video()}
    )
    assert posted.status_code == 302
    media = MomentMedia.objects.get(kind="video")
    html = client.get(reverse("social-moment-page", args=[media.moment_id])).content.decode()
    url = reverse("social-media", args=[media.pk])
    assert f'controls preload="metadata" playsinline poster="{url}?size=thumbnail"' in html
    assert f'src="{url}"' in html
