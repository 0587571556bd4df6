"""The personal-data export and the person's own account deletion."""

from io import BytesIO

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from accounts.models import LearningLanguage, Profile, User
from accounts.testing import AUTH, bearer

pytestmark = pytest.mark.django_db


def test_export_holds_all_personal_data(student, api_client: APIClient) -> None:
    api_client.force_login(student)
    api_client.patch(
        "/api/v1/users/me/",
        {"phone": "+34600123456", "learning": [{"language": "es", "level": "A2"}]},
        format="json",
    )
    response = api_client.get("/api/v1/users/me/export/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = response.json()
    assert data["account"]["email"] == "sam@example.com"
    assert data["account"]["roles"] == ["student"]
    assert data["profile"]["phone"] == "+34600123456"
    assert data["profile"]["learning"] == [{"language": "es", "level": "A2"}]
    assert data["email_addresses"] == [
        {"email": "sam@example.com", "primary": True, "verified": True}
    ]
    assert data["teacher"] is None


def test_export_is_only_ever_ones_own(student, other_student, api_client: APIClient) -> None:
    api_client.force_login(student)
    data = api_client.get("/api/v1/users/me/export/").json()
    assert "lena@example.com" not in str(data)


def test_deletion_deactivates_anonymises_and_stops_tokens(student, login_tokens) -> None:
    tokens = login_tokens("sam@example.com")
    client = bearer(APIClient(), tokens["access_token"])
    client.patch(
        "/api/v1/users/me/",
        {
            "bio": "About me",
            "phone": "+34600123456",
            "learning": [{"language": "es", "level": "A2"}],
        },
        format="json",
    )
    png = BytesIO()
    Image.new("RGB", (300, 300), (0, 90, 200)).save(png, format="PNG")
    client.post(
        "/api/v1/users/me/avatar/",
        {"avatar": SimpleUploadedFile("a.png", png.getvalue())},
        format="multipart",
    )
    response = client.delete("/api/v1/users/me/")
    assert response.status_code == 204

    user = User.objects.get(pk=student.pk)  # the row stays for records the law keeps
    assert not user.is_active
    assert user.deleted_at is not None
    assert user.email == f"deleted-{user.pk}@deleted.invalid"
    assert (user.first_name, user.last_name) == ("", "")
    assert not user.has_usable_password()
    profile = Profile.objects.get(user=user)
    assert (profile.bio, profile.phone, profile.avatar.name) == ("", "", "")
    assert not LearningLanguage.objects.filter(profile=profile).exists()
    assert not EmailAddress.objects.filter(user=user).exists()

    assert client.get("/api/v1/users/me/").status_code == 401
    login = APIClient().post(
        f"{AUTH}/auth/login",
        {"email": "sam@example.com", "password": "correct-horse-battery"},
        format="json",
    )
    assert login.status_code == 400
    # The address is free again for a new account.
    assert not User.objects.filter(email__iexact="sam@example.com").exists()


def test_a_deleted_person_is_not_found_by_others(student, other_student) -> None:
    client = APIClient()
    client.force_login(student)
    client.delete("/api/v1/users/me/")
    other = APIClient()
    other.force_login(other_student)
    assert other.get(f"/api/v1/users/{student.pk}/").status_code == 404
