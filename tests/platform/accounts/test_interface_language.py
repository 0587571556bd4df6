"""A signed-in user's interface language chooses the website's language, over the language
cookie and the browser's Accept-Language; the switcher stores the choice."""

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Profile

pytestmark = pytest.mark.django_db


def page_language(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    language = response["Content-Language"]
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in response.content.decode()
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


def test_arabic_pages_are_right_to_left_and_translated(client: Client, student) -> None:
    """Arabic from the browser's Accept-Language for a visitor, from the profile once signed
    in: the page is right to left and its interface strings are the Arabic catalogue's."""
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "تسجيل الدخول" in html  # "Sign in"
    Profile.objects.filter(user=student).update(interface_language="ar")
    client.force_login(student)
    assert page_language(client.get("/accounts/profile/", HTTP_ACCEPT_LANGUAGE="es")) == "ar"


def test_a_visitors_cookie_or_browser_language_chooses_the_interface(client: Client) -> None:
    """Without a profile the switcher's cookie, else Accept-Language, chooses (Django alone
    would show every unprefixed path in the default language)."""
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")
    assert page_language(response) == "es"
    assert "Accept-Language" in response["Vary"]
    assert page_language(client.get("/accounts/login/")) == "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    assert page_language(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ar")) == "es"


def test_the_footer_offers_every_interface_language(client: Client) -> None:
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    footer = html.split('<footer class="site-footer">')[1].split("</footer>")[0]
    assert 'id="footer-language"' in footer
    for code, _name in settings.LANGUAGES:
        assert f'<option value="{code}" lang="{code}"' in footer
    assert [code for code, _name in settings.LANGUAGES] == ["en", "es", "ar"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es", "Escuchando tu grabación…"), ("ar", "جارٍ الاستماع إلى تسجيلك…")],
)
def test_the_javascript_catalogue_is_a_script_file_in_the_page_language(
    client: Client, language: str, expected: str
) -> None:
    """Browser strings come from /jsi18n/ (a script file, no inline script under the CSP),
    loaded by every page before its modules: deferred (not render-blocking), so it runs in
    document order, before the module scripts that follow it."""
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    catalogue = html.index('<script defer src="/jsi18n/"></script>')
    assert catalogue < html.index('<script type="module"')
    response = client.get("/jsi18n/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert expected in response.content.decode("unicode_escape")
