"""A signed-in user's interface language chooses the website's language, over the language
cookie and the browser's Accept-Language; the switcher stores the choice."""

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Profile

pytestmark = pytest.mark.django_db


def page_language(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert f'<html lang="{response["Content-Language"]}">' in response.content.decode()
    return response["Content-Language"]


def test_the_stored_language_wins_over_cookie_and_browser(client: Client, student) -> None:
    Profile.objects.filter(user=student).update(interface_language="es")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(student)
    assert page_language(client.get("/accounts/profile/", HTTP_ACCEPT_LANGUAGE="en")) == "es"


def test_a_language_prefix_in_the_url_still_wins(client: Client, student) -> None:
    Profile.objects.filter(user=student).update(interface_language="en")
    client.force_login(student)
    assert client.get("/es/")["Content-Language"] == "es"


def test_the_api_is_left_to_accept_language(api_client, student) -> None:
    Profile.objects.filter(user=student).update(interface_language="es")
    api_client.force_login(student)
    response = api_client.get("/api/v1/users/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"


def test_the_switcher_stores_a_signed_in_users_choice(client: Client, student) -> None:
    client.force_login(student)
    response = client.post("/accounts/language/", {"language": "es", "next": "/accounts/profile/"})
    assert response.status_code == 302
    assert Profile.objects.get(user=student).interface_language == "es"
    assert page_language(client.get("/accounts/profile/")) == "es"
    # An unknown language changes nothing.
    client.post("/accounts/language/", {"language": "xx", "next": "/"})
    assert Profile.objects.get(user=student).interface_language == "es"


def test_the_switcher_still_works_for_visitors(client: Client) -> None:
    response = client.post("/accounts/language/", {"language": "es", "next": "/translate/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
