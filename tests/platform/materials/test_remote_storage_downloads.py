"""With S3 as the private storage (production), a permitted download is a redirect to a
presigned URL that expires within a minute; nobody else gets one. django-storages' real
S3Storage signs the URL locally (no request reaches S3: the row points at a stored name)."""

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3(settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"location": "private", "default_acl": "private", "querystring_auth": True},
        },
    }
    settings.AWS_STORAGE_BUCKET_NAME = "toto-media"
    settings.AWS_S3_REGION_NAME = "eu-west-1"
    settings.AWS_S3_ENDPOINT_URL = "https://s3.eu-west-1.amazonaws.com"
    settings.AWS_ACCESS_KEY_ID = "AKIAEXAMPLEEXAMPLE00"
    settings.AWS_SECRET_ACCESS_KEY = "secret-example"  # a placeholder: nothing is sent
    settings.AWS_QUERYSTRING_AUTH = True
    settings.AWS_S3_SIGNATURE_VERSION = "s3v4"


def test_download_redirects_to_a_short_lived_signed_url(
    s3: None, api_client: Any, teacher: Any, student: Any, other_student: Any, book_lesson: Any
) -> None:
    from materials.models import Material, MaterialShare

    material = Material.objects.create(
        teacher=teacher,
        title="Verbs",
        kind="pdf",
        content_type="application/pdf",
        file=f"materials/{teacher.pk}/abc.pdf",
        original_name="verbos présent.pdf",
        size=1000,
    )
    book_lesson(teacher, student)
    MaterialShare.objects.create(material=material, learner=student)

    api_client.force_login(student)
    answer = api_client.get(f"/api/v1/materials/{material.pk}/download/")
    assert answer.status_code == 302
    url = urlparse(answer["Location"])
    query = parse_qs(url.query)
    assert url.path.endswith(f"/private/materials/{teacher.pk}/abc.pdf")
    assert query["X-Amz-Expires"] == ["60"]
    assert "X-Amz-Signature" in query
    assert query["response-content-type"] == ["application/pdf"]
    assert "filename*=UTF-8''verbos%20pr%C3%A9sent.pdf" in query["response-content-disposition"][0]
    assert answer["Cache-Control"] == "private, no-store"
    assert answer["X-Content-Type-Options"] == "nosniff"

    api_client.force_login(other_student)
    assert api_client.get(f"/api/v1/materials/{material.pk}/download/").status_code == 404
