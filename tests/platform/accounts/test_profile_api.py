"""GET/PATCH /api/v1/users/me/ and the public profile."""

import pytest
from rest_framework.test import APIClient

from accounts.models import LearningLanguage
from accounts.services import suspend_user
from accounts.testing import bearer
from notifications.selectors import preferences_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(student, api_client: APIClient) -> APIClient:
    api_client.force_login(student)
    return api_client


def test_me_shows_the_account_and_profile(sam: APIClient, assert_num_queries) -> None:
    # Session, user, profile, groups, languages, email addresses, notification preferences.
    with assert_num_queries(7):
        response = sam.get("/api/v1/users/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "sam@example.com"
    assert body["full_name"] == "Sam Student"
    assert body["roles"] == ["student"]
    assert body["email_verified"] is True
    assert body["time_zone"] == "UTC"
    # The notifications app's preferences (their one source of truth), defaults filled in.
    assert body["notification_preferences"]["message.new"] == {
        "in_app": True,
        "email": False,
        "push": True,
    }
    assert body["avatar"] == {"original": None, "medium": None, "small": None}
    assert body["teacher"] is None


def test_me_works_with_the_bearer_token(student, login_tokens) -> None:
    tokens = login_tokens("sam@example.com")
    response = bearer(APIClient(), tokens["access_token"]).get("/api/v1/users/me/")
    assert response.status_code == 200
    assert response.json()["id"] == str(student.pk)


def test_patch_updates_the_profile_and_languages(sam: APIClient, student) -> None:
    response = sam.patch(
        "/api/v1/users/me/",
        {
            "first_name": "Samuel",
            "bio": "Learning Spanish for a year in Seville.",
            "time_zone": "Europe/Madrid",
            "interface_language": "es",
            "native_language": "en",
            "country": "GB",
            "phone": "+447700900123",
            "date_of_birth": "1999-04-01",
            "learning": [{"language": "es", "level": "B1"}, {"language": "fr", "level": "A1"}],
            "notification_preferences": {"system": {"email": False}},
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["full_name"] == "Samuel Student"
    assert body["learning"] == [
        {"language": "es", "level": "B1"},
        {"language": "fr", "level": "A1"},
    ]
    assert body["notification_preferences"]["system"]["email"] is False
    assert body["notification_preferences"]["system"]["push"] is True
    # Stored where the notifications app reads it, and shown by its own API alike.
    assert student.notification_preferences.get().enabled is False
    own_api = sam.get("/api/v1/notifications/preferences/").json()["preferences"]
    assert own_api == body["notification_preferences"]
    student.profile.refresh_from_db()
    assert student.profile.time_zone == "Europe/Madrid"

    # Replacing the list of languages.
    response = sam.patch(
        "/api/v1/users/me/", {"learning": [{"language": "es", "level": "B2"}]}, format="json"
    )
    assert response.json()["learning"] == [{"language": "es", "level": "B2"}]
    assert LearningLanguage.objects.filter(profile__user=student).count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"interface_language": "xx"}, "interface_language"),
        ({"phone": "12345"}, "phone"),
        ({"country": "Spain"}, "country"),
        ({"date_of_birth": "2030-01-01"}, "date_of_birth"),
        ({"learning": [{"language": "es", "level": "Z9"}]}, "learning"),
        (
            {"learning": [{"language": "es", "level": "A1"}, {"language": "es", "level": "B1"}]},
            "learning",
        ),
        (
            {"notification_preferences": {"carrier.pigeon": {"email": True}}},
            "notification_preferences",
        ),
        ({"notification_preferences": {"system": {"fax": True}}}, "notification_preferences"),
        ({"notification_preferences": {"system": {"email": "yes"}}}, "notification_preferences"),
        ({"notification_preferences": {"system": True}}, "notification_preferences"),
        ({"first_name": "   "}, "first_name"),
        ({"teacher": {"qualification": "PhD"}}, "teacher"),
    ],
)
def test_invalid_changes_are_400_and_change_nothing(
    sam: APIClient, student, payload: dict, field: str
) -> None:
    before = sam.get("/api/v1/users/me/").json()
    response = sam.patch("/api/v1/users/me/", payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "validation_error"
    assert field in response.json()["fields"]
    assert sam.get("/api/v1/users/me/").json() == before


def test_email_cannot_be_changed_here(sam: APIClient, student) -> None:
    response = sam.patch("/api/v1/users/me/", {"email": "other@example.com"}, format="json")
    assert response.status_code == 200
    student.refresh_from_db()
    assert student.email == "sam@example.com"


def test_html_in_names_is_stored_as_typed_and_escaped_on_the_website(
    sam: APIClient, student, client
) -> None:
    name = '<img src=x onerror="alert(1)">'
    response = sam.patch("/api/v1/users/me/", {"last_name": name}, format="json")
    assert response.status_code == 200
    assert response.json()["last_name"] == name
    client.force_login(student)
    page = client.get("/accounts/profile/").content.decode()
    assert name not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


def test_teachers_edit_their_teacher_fields(teacher, api_client: APIClient) -> None:
    api_client.force_login(teacher)
    response = api_client.patch(
        "/api/v1/users/me/",
        {"teacher": {"qualification": "CELTA", "years_of_experience": 7}},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["teacher"]["qualification"] == "CELTA"
    assert response.json()["teacher"]["years_of_experience"] == 7


def test_someone_elses_profile_shows_public_fields_only(
    sam: APIClient, other_student, assert_num_queries
) -> None:
    other_student.profile.bio = "Hola"
    other_student.profile.phone = "+34600123456"
    other_student.profile.save()
    with assert_num_queries(5):
        response = sam.get(f"/api/v1/users/{other_student.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["full_name"] == "Lena Learner"
    assert body["bio"] == "Hola"
    assert set(body) == {
        "id",
        "full_name",
        "is_teacher",
        "avatar",
        "bio",
        "city",
        "country",
        "status",
        "native_language",
        "learning",
    }


def test_another_users_profile_cannot_be_changed(sam: APIClient, other_student) -> None:
    response = sam.patch(f"/api/v1/users/{other_student.pk}/", {"bio": "hacked"}, format="json")
    assert response.status_code == 405
    response = sam.delete(f"/api/v1/users/{other_student.pk}/")
    assert response.status_code == 405
    other_student.profile.refresh_from_db()
    assert other_student.profile.bio == ""
    other_student.refresh_from_db()
    assert other_student.is_active


def test_unknown_and_suspended_people_are_404(sam: APIClient, other_student, admin) -> None:
    assert sam.get("/api/v1/users/00000000-0000-0000-0000-000000000000/").status_code == 404
    suspend_user(other_student, by=admin, reason="Spam")
    assert sam.get(f"/api/v1/users/{other_student.pk}/").status_code == 404


def test_anonymous_requests_are_401() -> None:
    assert APIClient().get("/api/v1/users/me/").status_code == 401


def test_a_learner_starts_teaching_but_cannot_grant_staff_roles(sam: APIClient, student) -> None:
    response = sam.post("/api/v1/users/me/roles/", {"role": "teacher"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["roles"] == ["student", "teacher"]
    assert response.json()["teacher"]["qualification"] == ""
    for role in ("admin", "moderator", "institution"):
        refused = sam.post("/api/v1/users/me/roles/", {"role": role}, format="json")
        assert refused.status_code == 400
        assert "role" in refused.json()["fields"]
    assert sam.get("/api/v1/users/me/").json()["roles"] == ["student", "teacher"]


def test_the_website_profile_edits_languages_and_notifications(client, student) -> None:
    client.force_login(student)
    page = client.get("/accounts/profile/")
    assert page.status_code == 200
    form = {
        "first_name": "Sam",
        "last_name": "Student",
        "time_zone": "Asia/Tokyo",
        "interface_language": "en",
        "notify_message__new__email": "on",
        "learning-TOTAL_FORMS": "1",
        "learning-INITIAL_FORMS": "0",
        "learning-MIN_NUM_FORMS": "0",
        "learning-MAX_NUM_FORMS": "20",
        "learning-0-language": "ja",
        "learning-0-level": "A2",
    }
    response = client.post("/accounts/profile/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    student.profile.refresh_from_db()
    assert student.profile.time_zone == "Asia/Tokyo"
    preferences = preferences_of(student)
    assert preferences["message.new"]["email"] is True  # ticked (off by default)
    assert preferences["message.new"]["push"] is False  # unticked
    assert preferences["message.new"]["in_app"] is True  # not on the page: in-app always
    assert list(student.profile.learning.values_list("language", "level")) == [("ja", "A2")]

    refused = client.post("/accounts/profile/", {**form, "first_name": "  ", "phone": "12"})
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    student.refresh_from_db()
    assert student.first_name == "Sam"


def test_the_profiles_notification_switches_are_grouped_and_only_the_persons_roles(
    client, student, teacher
) -> None:
    import re

    client.force_login(student)
    html = client.get("/accounts/profile/").content.decode()
    legends = re.findall(r'data-testid="notification-group">\s*<legend>([^<]+)</legend>', html)
    assert legends[:2] == ["Lessons", "Messages and calls"]
    assert "Community" in legends and legends == list(dict.fromkeys(legends))  # each once
    assert 'name="notify_tutoring__booking_confirmed__email"' in html  # learners book
    assert 'name="notify_tutoring__time_request__email"' not in html  # teachers are asked
    assert 'name="notify_tutoring__listing_verified__email"' not in html
    assert 'name="notify_abroad__request__email"' not in html  # vendors'
    assert 'name="notify_payments__refund_attention__email"' not in html  # finance admins'

    client.force_login(teacher)  # a teacher who also learns
    html = client.get("/accounts/profile/").content.decode()
    assert 'name="notify_tutoring__time_request__email"' in html
    assert 'name="notify_tutoring__booking_confirmed__email"' in html
    assert 'name="notify_abroad__request__email"' not in html


def test_a_learning_item_without_its_language_is_a_field_error(sam: APIClient) -> None:
    # A PATCH is partial down to the items, so {} passed validation and was a 500 (KeyError).
    response = sam.patch("/api/v1/users/me/", {"learning": [{}]}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["learning"]
    # The level keeps its model default when an item leaves it out.
    response = sam.patch("/api/v1/users/me/", {"learning": [{"language": "es"}]}, format="json")
    assert response.status_code == 200
    assert response.json()["learning"] == [{"language": "es", "level": "A1"}]
