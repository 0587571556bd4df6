"""Video and audio blocks: the editor refuses the wrong file types with a clear message, and
the player carries captions and transcripts."""

import html
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cms.learning.models import LessonPage

pytestmark = pytest.mark.django_db


def document(name: str, content: bytes = b"\x00\x00\x00\x18ftypmp42") -> Document:
    doc = Document(title=name)
    doc.file.save(name, ContentFile(content), save=False)
    doc.save()
    return doc


def add_lesson(client: Any, parent: Any, title: str, body: list[Any]) -> Any:
    data = nested_form_data(
        {
            "title": title,
            "slug": title.lower().replace(" ", "-"),
            "description": "Media",
            "target_language": "en",
            "level": "A1",
            "difficulty": "beginner",
            "estimated_minutes": 10,
            "cover_image": "",
            "body": streamfield(body),
            "comments": inline_formset([]),
        }
    )
    url = reverse("wagtailadmin_pages:add", args=["cms_learning", "lessonpage", parent.id])
    return client.post(url, data)


def video(video_doc: Any, captions: Any = "", transcript: str = "") -> tuple[str, Any]:
    return (
        "video",
        {
            "video": video_doc.id,
            "poster": "",
            "captions": captions.id if captions else "",
            "transcript": transcript,
        },
    )


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            lambda: video(document("handout.pdf", b"%PDF-1.4"), transcript="Hi"),
            "Upload one of these file types: mp4, ogv, webm.",
        ),
        (
            lambda: video(document("clip.mp4"), captions=document("captions.srt"), transcript=""),
            "Upload one of these file types: vtt.",
        ),
        (
            lambda: video(document("clip.mp4")),
            "Add captions or a transcript for learners who cannot hear.",
        ),
        (
            lambda: (
                "audio",
                {"audio": document("notes.txt", b"hello").id, "caption": "", "transcript": ""},
            ),
            "Upload one of these file types: m4a, mp3, oga, ogg, opus, wav, webm.",
        ),
    ],
    ids=["pdf-as-video", "srt-as-captions", "no-captions-or-transcript", "text-as-audio"],
)
def test_the_editor_refuses_the_wrong_media_with_a_clear_message(
    client, learning_tree, moderator, block, message
) -> None:
    client.force_login(moderator)
    response = add_lesson(client, learning_tree["subcategory"], "Media lesson", [block()])
    assert response.status_code == 200, "the form comes back with the error"
    page = html.unescape(response.content.decode())
    assert "The page could not be created due to validation errors" in page
    assert message in page
    assert not LessonPage.objects.filter(title="Media lesson").exists()


def test_accepted_media_and_the_player_shows_captions_and_transcripts(
    client, learning_tree, moderator, student
) -> None:
    clip, captions = document("clip.mp4"), document("captions.vtt", b"WEBVTT\n\n")
    recording = document("greeting.mp3", b"ID3")
    client.force_login(moderator)
    response = add_lesson(
        client,
        learning_tree["subcategory"],
        "Media lesson",
        [
            video(clip, captions=captions, transcript="Hello! My name is Anna."),
            ("audio", {"audio": recording.id, "caption": "Listen", "transcript": "Good morning!"}),
        ],
    )
    assert response.status_code == 302, html.unescape(response.content.decode())[-3000:]
    lesson = LessonPage.objects.get(title="Media lesson")
    lesson.save_revision().publish()

    client.force_login(student)
    player = client.get(lesson.url).content.decode()
    assert f'<source src="{clip.url}">' in player
    assert (
        f'<track kind="captions" src="{captions.url}" srclang="en" label="Captions" default>'
        in player
    )
    assert "<summary>Transcript</summary><p>Hello! My name is Anna.</p>" in player
    assert f'<audio controls preload="none" src="{recording.url}"></audio>' in player
    assert "<summary>Transcript</summary><p>Good morning!</p>" in player

    body = client.get(f"/api/v1/lessons/{lesson.id}/").json()["body"]
    assert body[0]["value"]["captions"]["extension"] == "vtt"
    assert body[0]["value"]["transcript"] == "Hello! My name is Anna."
    assert body[1]["value"]["transcript"] == "Good morning!"
