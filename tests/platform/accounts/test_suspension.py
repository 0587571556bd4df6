"""Suspending a user stops their tokens and sessions at once; reactivating restores sign-in."""

import pytest
from rest_framework.test import APIClient
from wagtail.models import ModelLogEntry

from accounts.services import reactivate_user, suspend_user
from accounts.testing import AUTH, bearer

pytestmark = pytest.mark.django_db


def test_a_suspended_users_token_is_refused_at_once(student, admin, login_tokens) -> None:
    tokens = login_tokens("sam@example.com")
    assert bearer(APIClient(), tokens["access_token"]).get("/api/v1/users/me/").status_code == 200

    suspend_user(student, by=admin, reason="Spam in chat")

    assert bearer(APIClient(), tokens["access_token"]).get("/api/v1/users/me/").status_code == 401
    refresh = APIClient().post(
        f"{AUTH}/tokens/refresh", {"refresh_token": tokens["refresh_token"]}, format="json"
    )
    assert refresh.status_code == 400
    login = APIClient().post(
        f"{AUTH}/auth/login",
        {"email": "sam@example.com", "password": "correct-horse-battery"},
        format="json",
    )
    assert login.status_code in {400, 401}
    assert not login.json().get("meta", {}).get("access_token")


def test_a_suspended_users_website_session_ends(client, student, admin) -> None:
    client.force_login(student)
    assert client.get("/accounts/profile/").status_code == 200
    suspend_user(student, by=admin, reason="Abuse")
    response = client.get("/accounts/profile/")
    assert response.status_code == 302


def test_suspension_and_reactivation_are_audit_logged(student, admin, login_tokens) -> None:
    suspend_user(student, by=admin, reason="Spam in chat")
    reactivate_user(student, by=admin, reason="Appeal accepted")
    entries = list(ModelLogEntry.objects.filter(object_id=str(student.pk)).order_by("timestamp"))
    assert [(entry.action, entry.user_id, entry.data["reason"]) for entry in entries] == [
        ("accounts.suspend", admin.pk, "Spam in chat"),
        ("accounts.reactivate", admin.pk, "Appeal accepted"),
    ]
    student.refresh_from_db()
    assert student.is_active and student.suspended_at is None
    assert login_tokens("sam@example.com")["access_token"]


def test_a_reason_is_required(student, admin) -> None:
    from accounts.errors import SuspensionReasonRequired

    with pytest.raises(SuspensionReasonRequired):
        suspend_user(student, by=admin, reason="  ")
    student.refresh_from_db()
    assert student.is_active
