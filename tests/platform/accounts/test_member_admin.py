"""The member screens in the Wagtail admin: listing with search and filters, suspending and
reactivating with a reason, role assignment."""

import pytest
from wagtail.models import ModelLogEntry

from accounts.roles import Role
from accounts.selectors import roles_of

pytestmark = pytest.mark.django_db

INDEX = "/admin/members/"


@pytest.fixture
def admin_client(client, admin):  # type: ignore[no-untyped-def]
    client.force_login(admin)
    return client


def emails(response) -> set[str]:  # type: ignore[no-untyped-def]
    page = response.content.decode()
    candidates = [
        "sam@example.com",
        "lena@example.com",
        "tomas@example.com",
        "ada@example.com",
        "late@example.com",
    ]
    return {email for email in candidates if email in page}


def test_listing_searches_and_filters(
    admin_client, student, other_student, teacher, user_factory, assert_num_queries
) -> None:
    user_factory(email="late@example.com", verified=False)
    assert emails(admin_client.get(INDEX)) >= {
        "sam@example.com",
        "lena@example.com",
        "late@example.com",
    }
    assert emails(admin_client.get(INDEX, {"q": "lena"})) == {"lena@example.com"}
    assert emails(admin_client.get(INDEX, {"role": "teacher"})) == {"tomas@example.com"}
    assert "late@example.com" not in emails(admin_client.get(INDEX, {"verified": "true"}))
    assert emails(admin_client.get(INDEX, {"verified": "false"})) == {"late@example.com"}


def test_listing_query_count_does_not_grow_with_members(admin_client, user_factory) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        user_factory()
    with CaptureQueriesContext(connection) as few:
        admin_client.get(INDEX)
    for _ in range(10):
        user_factory()
    with CaptureQueriesContext(connection) as many:
        admin_client.get(INDEX)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_suspend_and_reactivate_with_a_reason(admin_client, admin, student) -> None:
    url = f"/admin/members/edit/{student.pk}/"
    assert admin_client.get(url).status_code == 200
    refused = admin_client.post(url, {"action": "suspend", "suspend-reason": ""})
    assert refused.status_code == 200
    student.refresh_from_db()
    assert student.is_active

    response = admin_client.post(url, {"action": "suspend", "suspend-reason": "Spam in chat"})
    assert response.status_code == 302
    student.refresh_from_db()
    assert not student.is_active and student.suspension_reason == "Spam in chat"
    assert emails(admin_client.get(INDEX, {"suspended": "true"})) == {"sam@example.com"}

    admin_client.post(url, {"action": "reactivate", "reactivate-reason": "Appeal"})
    student.refresh_from_db()
    assert student.is_active
    history = admin_client.get(f"/admin/members/history/{student.pk}/")
    assert history.status_code == 200
    assert "Suspended" in history.content.decode()
    assert ModelLogEntry.objects.filter(action="accounts.suspend", user_id=admin.pk).exists()


def test_roles_are_assigned_and_logged(admin_client, student) -> None:
    url = f"/admin/members/edit/{student.pk}/"
    admin_client.post(url, {"action": "roles", "roles-roles": ["student", "teacher"]})
    assert roles_of(student) == {Role.STUDENT, Role.TEACHER}
    assert hasattr(student, "teacher_profile")
    entry = ModelLogEntry.objects.get(action="accounts.set_roles")
    assert entry.data == {"roles": ["student", "teacher"], "previous": ["student"]}


def test_only_people_allowed_to_change_users_see_the_screens(
    client, moderator, content_creator, student
) -> None:
    for person in (content_creator,):
        client.force_login(person)
        assert client.get(INDEX).status_code in {302, 403}
        assert client.post(
            f"/admin/members/edit/{student.pk}/", {"action": "suspend", "suspend-reason": "x"}
        ).status_code in {302, 403}
    student.refresh_from_db()
    assert student.is_active


def test_moderators_verify_teacher_certificates(client, moderator, teacher, student) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.services import add_certificate

    certificate = add_certificate(
        teacher,
        title="DELE examiner",
        upload=SimpleUploadedFile("c.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    client.force_login(moderator)
    listing = client.get("/admin/teacher-certificates/", {"status": "pending"})
    assert listing.status_code == 200
    assert "DELE examiner" in listing.content.decode()
    response = client.post(
        f"/admin/teacher-certificates/edit/{certificate.pk}/", {"decision": "verify"}
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == "verified"
    assert certificate.reviewed_by == moderator

    client.force_login(student)
    assert client.get("/admin/teacher-certificates/").status_code in {302, 403}


def test_the_listing_is_titled_members(admin_client) -> None:
    import re

    page = admin_client.get(INDEX).content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title is not None
    assert title.group(1).strip().startswith("Members")
    assert not re.search(r"<h1[^>]*>\s*Users\s*</h1>", page)
