"""Public media is served by Django without DEBUG, from MEDIA_ROOT only, never as something
a browser would run; private files are never reachable there; existing files move to the
private storage (issue 14, item 2)."""

from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from core.uploads import move_stored_files, private_storage

pytestmark = pytest.mark.django_db


def put_public(name: str, content: bytes) -> str:
    return default_storage.save(name, ContentFile(content))


def test_a_public_avatar_is_served_without_debug_with_nosniff(
    api_client: APIClient, student
) -> None:
    assert settings.DEBUG is False
    buffer = BytesIO()
    Image.new("RGB", (64, 64), "teal").save(buffer, "PNG")
    api_client.force_login(student)
    upload = SimpleUploadedFile("me.png", buffer.getvalue(), "image/png")
    assert (
        api_client.post("/api/v1/users/me/avatar/", {"avatar": upload}, format="multipart")
    ).status_code == 201
    student.profile.refresh_from_db()
    api_client.logout()  # public: anyone may load it

    answer = api_client.get(student.profile.avatar_small.url)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/webp"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Content-Disposition"].startswith("inline;")
    with Image.open(BytesIO(b"".join(answer.streaming_content))) as image:
        assert image.size == (64, 64)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("uploads/page.html", b"<html><script>alert(1)</script></html>"),
        ("uploads/logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
        ("uploads/feed.xml", b"<?xml version='1.0'?><x/>"),
        ("uploads/noextension", b"<html></html>"),
    ],
)
def test_active_content_in_public_media_is_only_ever_a_download(
    api_client: APIClient, name: str, content: bytes
) -> None:
    stored = put_public(name, content)
    answer = api_client.get(f"{settings.MEDIA_URL}{stored}")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/octet-stream"
    assert answer["Content-Disposition"].startswith("attachment;")
    assert answer["X-Content-Type-Options"] == "nosniff"


def test_paths_outside_public_media_are_404(api_client: APIClient) -> None:
    secret = private_storage().save("messaging/c/secret.txt", ContentFile(b"private"))
    assert api_client.get(f"{settings.MEDIA_URL}{secret}").status_code == 404
    # A stray copy left in a private folder of MEDIA_ROOT is refused too.
    stray = put_public("certificates/stray.pdf", b"%PDF-1.4 stray")
    assert api_client.get(f"{settings.MEDIA_URL}{stray}").status_code == 404
    # Wagtail documents go through /documents/<id>/, which checks collection privacy.
    document = put_public("documents/handout.pdf", b"%PDF-1.4 handout")
    assert api_client.get(f"{settings.MEDIA_URL}{document}").status_code == 404
    for path in ("../", "..%2f..%2fetc/passwd", "%2e%2e/%2e%2e/etc/passwd", ""):
        assert api_client.get(f"{settings.MEDIA_URL}{path}").status_code == 404


def test_stored_files_move_to_the_private_storage_under_the_same_names() -> None:
    """What the *_private_storage data migrations do, and undo."""
    names = [
        put_public(f"materials/t/{index}.pdf", f"%PDF-1.4 {index}".encode()) for index in (1, 2)
    ]
    public_root = Path(settings.MEDIA_ROOT)

    assert move_stored_files([*names, "", "materials/t/missing.pdf"]) == 2
    for name in names:
        assert not (public_root / name).exists()
        assert private_storage().exists(name)
    assert move_stored_files(names) == 0  # already moved: running again is harmless

    assert move_stored_files(names, to_private=False) == 2
    for name in names:
        assert (public_root / name).exists()
        assert not private_storage().exists(name)
