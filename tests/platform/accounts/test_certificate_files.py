"""Teachers' certificates sit in the private storage: the teacher and moderators open them
through permission-checked views, nobody reaches them as media (issue 14, item 2)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import TeacherCertificate
from accounts.roles import Role
from core.uploads import private_storage

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_certificate_is_private_and_opened_by_its_teacher_and_moderators(
    api_client: APIClient, client, teacher, role_user, moderator, student
) -> None:
    api_client.force_login(teacher)
    created = api_client.post(
        "/api/v1/users/me/certificates/",
        {"title": "CELTA", "file": SimpleUploadedFile("celta.html", PDF, "text/html")},
        format="multipart",
    )
    assert created.status_code == 201, created.content
    certificate = TeacherCertificate.objects.get()
    assert certificate.file.name.endswith(".pdf")
    assert private_storage().exists(certificate.file.name)
    assert not (Path(settings.MEDIA_ROOT) / certificate.file.name).exists()
    assert api_client.get(f"{settings.MEDIA_URL}{certificate.file.name}").status_code == 404

    url = created.json()["url"]
    assert url == f"http://testserver/api/v1/users/me/certificates/{certificate.pk}/file/"
    answer = api_client.get(url)
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == PDF
    assert answer["Content-Type"] == "application/pdf"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Content-Disposition"] == "inline; filename*=UTF-8''certificate.pdf"
    export = api_client.get("/api/v1/users/me/export/")
    assert str(certificate.pk) in export.content.decode()

    api_client.force_login(moderator)
    assert api_client.get(url).status_code == 200
    client.force_login(moderator)
    review = client.get(f"/admin/teacher-certificates/edit/{certificate.pk}/")
    admin_file = f"/admin/teacher-certificates/file/{certificate.pk}/"
    assert admin_file in review.content.decode()
    assert client.get(admin_file).status_code == 200

    other_teacher = role_user(Role.TEACHER, email="other-teacher@example.com")
    for outsider in (other_teacher, student):
        api_client.force_login(outsider)
        assert api_client.get(url).status_code == 404
        client.force_login(outsider)
        assert client.get(admin_file).status_code in {302, 403}
