"""The website entry to random 1-on-1 practice calls and its link from the voice rooms."""

import pytest

from accounts.models import LearningLanguage, Profile

pytestmark = pytest.mark.django_db


def test_practice_page_starts_from_the_language_the_learner_learns(client, student):
    profile, _ = Profile.objects.get_or_create(user=student)
    LearningLanguage.objects.create(profile=profile, language="es", level="B1")
    client.force_login(student)
    page = client.get("/practice/").content.decode()
    assert "Find a practice partner" in page
    assert '<option value="es" selected>' in page
    assert '<option value="B1" selected>' in page
    assert "js/rooms/practice.js" in page


def test_practice_page_needs_sign_in_and_is_linked_from_voice_rooms(client, student):
    assert client.get("/practice/").status_code == 302
    client.force_login(student)
    assert 'href="/practice/"' in client.get("/rooms/").content.decode()
    assert '<option value="A1" selected>' in client.get("/practice/").content.decode()
