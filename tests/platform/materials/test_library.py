"""A teacher's library: uploads checked by content, sharing with booked learners only, and
downloads through a permission-checked view."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from materials.samples import mp4_bytes, pdf_bytes, wav_bytes

pytestmark = pytest.mark.django_db


def test_teacher_uploads_pdf_audio_and_video_recognised_by_content(
    api_client: Any, teacher: Any
) -> None:
    api_client.force_login(teacher)
    # Names and declared types lie on purpose: the bytes decide.
    files = [
        ("notes.bin", pdf_bytes(), "pdf", "application/pdf"),
        ("dialogue", wav_bytes(), "audio", "audio/x-wav"),
        ("clip.dat", mp4_bytes(), "video", "video/mp4"),
    ]
    for name, content, kind, mime in files:
        answer = api_client.post(
            "/api/v1/materials/",
            {
                "file": SimpleUploadedFile(name, content, content_type="text/plain"),
                "title": f"A {kind}",
                "tags": ["Verbs", "a2"],
            },
            format="multipart",
        )
        assert answer.status_code == 201, answer.json()
        body = answer.json()
        assert (body["kind"], body["content_type"], body["original_name"]) == (kind, mime, name)
        assert body["tags"] == ["a2", "verbs"]
        assert body["size"] == len(content)


def test_fake_files_are_refused_with_a_clear_400(api_client: Any, teacher: Any) -> None:
    api_client.force_login(teacher)
    fakes = [
        SimpleUploadedFile("cv.pdf", b"#!/bin/sh\necho not a pdf\n", "application/pdf"),
        SimpleUploadedFile("song.mp3", b"MZ\x90\x00" + b"\x00" * 200, "audio/mpeg"),
        SimpleUploadedFile("photo.mp4", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "video/mp4"),
    ]
    for fake in fakes:
        answer = api_client.post(
            "/api/v1/materials/", {"file": fake, "title": "Fake"}, format="multipart"
        )
        assert answer.status_code == 400, fake.name
        assert answer.json()["code"] == "invalid_material_file"
    from materials.models import Material

    assert not Material.objects.exists()


def test_oversized_files_are_refused_per_kind(api_client: Any, teacher: Any, settings: Any) -> None:
    settings.MATERIALS_MAX_BYTES = {**settings.MATERIALS_MAX_BYTES, "audio": 1000}
    api_client.force_login(teacher)
    answer = api_client.post(
        "/api/v1/materials/",
        {"file": SimpleUploadedFile("long.wav", wav_bytes(1)), "title": "Long"},
        format="multipart",
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "material_too_large"
    # A PDF of the same size is within the PDF limit.
    answer = api_client.post(
        "/api/v1/materials/",
        {"file": SimpleUploadedFile("doc.pdf", pdf_bytes()), "title": "Doc"},
        format="multipart",
    )
    assert answer.status_code == 201


def test_missing_fields_are_field_errors(api_client: Any, teacher: Any) -> None:
    api_client.force_login(teacher)
    answer = api_client.post("/api/v1/materials/", {"title": ""}, format="multipart")
    assert answer.status_code == 400
    assert set(answer.json()["fields"]) == {"file", "title"}


def test_only_teachers_keep_a_library(api_client: Any, student: Any, pdf_file: Any) -> None:
    api_client.force_login(student)
    answer = api_client.post(
        "/api/v1/materials/", {"file": pdf_file(), "title": "Mine"}, format="multipart"
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "not_a_teacher"


def test_library_lists_own_materials_with_a_pinned_query_count(
    api_client: Any, teacher: Any, role_user: Any, upload: Any, assert_num_queries: Any
) -> None:
    colleague = role_user(Role.TEACHER)
    upload(colleague, title="Not mine")
    for number in range(3):
        upload(teacher, title=f"Mine {number}", tags=["verbs"])
    api_client.force_login(teacher)
    # session, user, count, page, tags prefetch
    with assert_num_queries(5):
        answer = api_client.get("/api/v1/materials/")
    assert answer.status_code == 200
    assert answer.json()["count"] == 3
    assert {item["title"] for item in answer.json()["results"]} == {"Mine 0", "Mine 1", "Mine 2"}
    for number in range(3, 8):
        upload(teacher, title=f"Mine {number}")
    api_client.force_login(teacher)
    with assert_num_queries(5):
        answer = api_client.get("/api/v1/materials/?tag=verbs")
    assert answer.json()["count"] == 3


def test_teacher_edits_and_deletes_own_material_only(
    api_client: Any, teacher: Any, role_user: Any, upload: Any
) -> None:
    material = upload(teacher)
    colleague = role_user(Role.TEACHER)
    api_client.force_login(colleague)
    assert (
        api_client.patch(f"/api/v1/materials/{material['id']}/", {"title": "X"}).status_code == 404
    )
    assert api_client.delete(f"/api/v1/materials/{material['id']}/").status_code == 404
    api_client.force_login(teacher)
    answer = api_client.patch(
        f"/api/v1/materials/{material['id']}/", {"title": "Irregular verbs", "tags": ["b1"]}
    )
    assert answer.status_code == 200, answer.json()
    assert (answer.json()["title"], answer.json()["tags"]) == ("Irregular verbs", ["b1"])
    assert api_client.delete(f"/api/v1/materials/{material['id']}/").status_code == 204


def test_sharing_only_with_learners_who_booked(
    api_client: Any,
    teacher: Any,
    student: Any,
    other_student: Any,
    upload: Any,
    book_lesson: Any,
) -> None:
    from tutoring.models import BookingStatus

    material = upload(teacher)
    book_lesson(teacher, student)
    book_lesson(teacher, other_student, status=BookingStatus.EXPIRED)  # a lapsed hold
    api_client.force_login(teacher)
    learners = api_client.get("/api/v1/materials/learners/").json()
    assert [row["id"] for row in learners["results"]] == [str(student.pk)]

    refused = api_client.post(
        f"/api/v1/materials/{material['id']}/shares/", {"learner": str(other_student.pk)}
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "not_your_learner"

    shared = api_client.post(
        f"/api/v1/materials/{material['id']}/shares/", {"learner": str(student.pk)}
    )
    assert shared.status_code == 201, shared.json()
    again = api_client.post(
        f"/api/v1/materials/{material['id']}/shares/", {"learner": str(student.pk)}
    )
    assert again.status_code == 201  # sharing twice is harmless
    shares = api_client.get(f"/api/v1/materials/{material['id']}/shares/").json()
    assert [row["learner"] for row in shares["results"]] == [str(student.pk)]


def test_learner_lists_and_downloads_what_was_shared_others_get_404(
    api_client: Any,
    teacher: Any,
    student: Any,
    other_student: Any,
    role_user: Any,
    upload: Any,
    book_lesson: Any,
    assert_num_queries: Any,
) -> None:
    book_lesson(teacher, student)
    book_lesson(teacher, other_student)
    shared = [upload(teacher, title=f"Shared {n}") for n in range(3)]
    private = upload(teacher, title="Private")
    api_client.force_login(teacher)
    for material in shared:
        api_client.post(f"/api/v1/materials/{material['id']}/shares/", {"learner": str(student.pk)})

    api_client.force_login(student)
    # session, user, count, page, tags prefetch
    with assert_num_queries(5):
        listing = api_client.get("/api/v1/materials/shared/")
    assert listing.status_code == 200
    assert listing.json()["count"] == 3
    first = listing.json()["results"][0]
    assert first["teacher"]["name"] == "Tomás Teacher"

    download = api_client.get(first["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert api_client.get(f"/api/v1/materials/{private['id']}/download/").status_code == 404

    # Another learner of the same teacher, another teacher, and nobody: 404.
    for outsider in (other_student, role_user(Role.TEACHER)):
        api_client.force_login(outsider)
        assert api_client.get(first["download_url"]).status_code == 404
        assert api_client.get("/api/v1/materials/shared/").json()["count"] == 0
    api_client.logout()
    assert api_client.get(first["download_url"]).status_code in (401, 403)

    # The teacher always may; after unsharing, the learner may not.
    api_client.force_login(teacher)
    assert api_client.get(first["download_url"]).status_code == 200
    unshared = api_client.delete(f"/api/v1/materials/{first['id']}/shares/{student.pk}/")
    assert unshared.status_code == 204
    assert (
        api_client.delete(f"/api/v1/materials/{first['id']}/shares/{student.pk}/").status_code
        == 404
    )
    api_client.force_login(student)
    assert api_client.get(first["download_url"]).status_code == 404
    assert api_client.get("/api/v1/materials/shared/").json()["count"] == 2


def test_files_are_not_exposed_by_url(api_client: Any, teacher: Any, upload: Any) -> None:
    material = upload(teacher)
    assert "/media/" not in str(material)
    from materials.models import Material

    stored = Material.objects.get(pk=material["id"]).file.name
    assert stored.startswith(f"materials/{teacher.pk}/")
    assert "verbs" not in stored  # the stored name says nothing about the file


def test_material_tags_are_capped_and_deduplicated(
    api_client: Any, teacher: Any, pdf_file: Any
) -> None:
    api_client.force_login(teacher)
    refused = api_client.post(
        "/api/v1/materials/",
        {"file": pdf_file(), "title": "Many", "tags": ["t"] * 200},
        format="multipart",
    )
    assert refused.status_code == 400 and "tags" in refused.json()["fields"]
    answer = api_client.post(
        "/api/v1/materials/",
        {"file": pdf_file(), "title": "Few", "tags": ["Verbs", "verbs", "VERBS", "a2"]},
        format="multipart",
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["tags"] == ["a2", "verbs"]
    material_id = answer.json()["id"]
    patched = api_client.patch(f"/api/v1/materials/{material_id}/", {"tags": ["x"] * 500})
    assert patched.status_code == 400 and "tags" in patched.json()["fields"]
