"""Avatar upload (checked by content, re-encoded, stripped, thumbnails) and teacher
certificates."""

from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from accounts.models import TeacherCertificate

pytestmark = pytest.mark.django_db


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (640, 480), exif: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 60))
    buffer = BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam Inc."  # Make
        data[0x8825] = {2: (48.0, 51.0, 24.0), 1: "N"}  # GPS IFD
        kwargs["exif"] = data.tobytes()
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


@pytest.fixture
def sam(student, api_client: APIClient) -> APIClient:
    api_client.force_login(student)
    return api_client


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_an_avatar_is_reencoded_stripped_and_cut_into_thumbnails(
    sam: APIClient, student, fmt: str
) -> None:
    upload = SimpleUploadedFile("me.bin", image_bytes(fmt, exif=fmt == "JPEG"), "application/x")
    response = sam.post("/api/v1/users/me/avatar/", {"avatar": upload}, format="multipart")
    assert response.status_code == 201, response.content
    urls = response.json()
    assert set(urls) == {"original", "medium", "small"}
    student.profile.refresh_from_db()
    for field, size in (("avatar", 512), ("avatar_medium", 192), ("avatar_small", 64)):
        stored = getattr(student.profile, field)
        with default_storage.open(stored.name) as handle, Image.open(handle) as image:
            assert image.format == "WEBP"
            assert image.size == (size, size)
            assert not image.getexif()
            assert "exif" not in image.info
    assert sam.get("/api/v1/users/me/").json()["avatar"]["small"].endswith(".webp")


def test_a_new_avatar_replaces_the_old_files(
    sam: APIClient, student, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sam.post(
            "/api/v1/users/me/avatar/",
            {"avatar": SimpleUploadedFile("a.png", image_bytes("PNG"))},
            format="multipart",
        )
    student.profile.refresh_from_db()
    first = student.profile.avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        sam.post(
            "/api/v1/users/me/avatar/",
            {"avatar": SimpleUploadedFile("b.png", image_bytes("PNG"))},
            format="multipart",
        )
    assert not default_storage.exists(first)


@pytest.mark.parametrize(
    "content",
    [
        b"<?php system($_GET['c']); ?>",
        b"GIF89a" + b"\x00" * 100,
        b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 10,
    ],
    ids=["script-named-jpg", "gif", "truncated-jpeg-header"],
)
def test_a_fake_image_is_refused(sam: APIClient, student, content: bytes) -> None:
    upload = SimpleUploadedFile("photo.jpg", content, "image/jpeg")
    response = sam.post("/api/v1/users/me/avatar/", {"avatar": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_image"
    student.profile.refresh_from_db()
    assert not student.profile.avatar


def test_a_gif_is_refused_even_when_valid(sam: APIClient) -> None:
    upload = SimpleUploadedFile("photo.gif", image_bytes("GIF"), "image/gif")
    response = sam.post("/api/v1/users/me/avatar/", {"avatar": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_image"


def test_an_oversized_image_is_refused(sam: APIClient, student) -> None:
    big = image_bytes("PNG") + b"\x00" * (5 * 1024 * 1024)
    upload = SimpleUploadedFile("big.png", big, "image/png")
    response = sam.post("/api/v1/users/me/avatar/", {"avatar": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_image"
    assert "5 MB" in response.json()["message"]
    student.profile.refresh_from_db()
    assert not student.profile.avatar


def test_a_missing_file_is_a_field_error(sam: APIClient) -> None:
    response = sam.post("/api/v1/users/me/avatar/", {}, format="multipart")
    assert response.status_code == 400
    assert "avatar" in response.json()["fields"]


def test_the_avatar_can_be_removed(sam: APIClient, student) -> None:
    sam.post(
        "/api/v1/users/me/avatar/",
        {"avatar": SimpleUploadedFile("a.png", image_bytes("PNG"))},
        format="multipart",
    )
    assert sam.delete("/api/v1/users/me/avatar/").status_code == 204
    student.profile.refresh_from_db()
    assert not student.profile.avatar


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_teachers_upload_certificates_pending_verification(
    teacher, api_client: APIClient, assert_num_queries
) -> None:
    api_client.force_login(teacher)
    for number in range(3):
        response = api_client.post(
            "/api/v1/users/me/certificates/",
            {"title": f"CELTA {number}", "file": SimpleUploadedFile("c.pdf", PDF)},
            format="multipart",
        )
        assert response.status_code == 201, response.content
        assert response.json()["status"] == "pending"
        assert response.json()["content_type"] == "application/pdf"
    with assert_num_queries(4):
        response = api_client.get("/api/v1/users/me/certificates/")
    assert response.status_code == 200
    assert response.json()["count"] == 3
    me = api_client.get("/api/v1/users/me/").json()
    assert me["teacher"]["certificates_pending"] == 3


def test_certificates_are_checked_by_content(teacher, api_client: APIClient) -> None:
    api_client.force_login(teacher)
    response = api_client.post(
        "/api/v1/users/me/certificates/",
        {
            "title": "Fake",
            "file": SimpleUploadedFile("c.pdf", b"MZ\x90\x00 an exe", "application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_document"
    assert not TeacherCertificate.objects.exists()


def test_students_have_no_certificates(sam: APIClient) -> None:
    response = sam.post(
        "/api/v1/users/me/certificates/",
        {"title": "x", "file": SimpleUploadedFile("c.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_a_teacher"
