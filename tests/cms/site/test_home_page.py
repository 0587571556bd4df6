import pytest
from django.core.management import call_command
from wagtail.models import Locale

from cms.site.models import HomePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_site() -> None:
    call_command("load_demo_data", verbosity=0)


def test_demo_data_is_idempotent(demo_site) -> None:
    call_command("load_demo_data", verbosity=0)
    assert HomePage.objects.count() == 2
    assert set(HomePage.objects.values_list("locale__language_code", flat=True)) == {"en", "es"}


def test_home_page_is_served_in_english_and_spanish(client, demo_site) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Speak from your first lesson" in html
    assert 'href="#main"' in html, "a skip link leads past the navigation"
    assert 'name="language"' in html, "the language switcher is on every page"

    response = client.get("/es/")
    assert response.status_code == 200
    assert '<html lang="es" dir="ltr">' in response.content.decode()
    assert "Aprende idiomas" in response.content.decode()
    assert Locale.objects.filter(language_code="es").exists()


def test_unknown_page_gets_the_site_404(client, demo_site) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_admin_login_is_served(client, demo_site) -> None:
    # The admin signs in through allauth (two-factor authentication applies there).
    response = client.get("/admin/login/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/admin/"
    assert b"Sign In" in response.content


def test_the_hero_button_links_to_a_path_on_this_site(client, demo_site) -> None:
    html = client.get("/").content.decode()
    assert '<a class="button" href="/learn/">Start learning</a>' in html
    assert client.get("/learn/").status_code == 200


@pytest.mark.parametrize(
    "link",
    ["/learn/", "/tutoring/?language=es#results", "https://example.com/", "http://example.com"],
)
def test_hero_links_accept_site_paths_and_web_addresses(link: str) -> None:
    from cms.site.blocks import HeroBlock

    block = HeroBlock()
    value = block.to_python({"heading": "Hi", "button_label": "Go", "button_link": link})
    block.clean(value)


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "//evil.example/", "learn", "/a path/", "ftp://x.org/"]
)
def test_hero_links_refuse_other_schemes_and_bare_words(link: str) -> None:
    from django.core.exceptions import ValidationError

    from cms.site.blocks import HeroBlock

    block = HeroBlock()
    value = block.to_python({"heading": "Hi", "button_label": "Go", "button_link": link})
    with pytest.raises(ValidationError):
        block.clean(value)


def test_every_feature_card_leads_somewhere_real(client, demo_site) -> None:
    import re

    html = client.get("/").content.decode()
    links = re.findall(r'<a class="feature-link" href="([^"]+)"', html)
    assert links == [
        "/learn/",
        "/tutoring/",
        "/tutor/",
        "/vocabulary/",
        "/achievements/",
        "/social/",
        "/translate/",
        "/writing/",
        "/abroad/",
    ]
    for link in links:
        response = client.get(link)
        # Public pages answer; signed-in ones send a visitor to sign in first.
        assert response.status_code == 200 or "/accounts/login/" in response["Location"], link
    assert "A1 to C2" not in html, "only beginner lessons exist in the demo"


def test_feature_card_links_are_checked_like_the_hero_button() -> None:
    from django.core.exceptions import ValidationError

    from cms.site.blocks import FeatureBlock

    block = FeatureBlock()
    block.clean(block.to_python({"title": "Tutors", "text": "Live", "link": "/tutoring/"}))
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"title": "X", "text": "Y", "link": "javascript:alert(1)"}))


def test_an_unprefixed_page_keeps_its_content_and_takes_the_visitors_interface_language(
    client, demo_site
) -> None:
    """/ is the English home page whatever the interface language; the interface around it
    follows the browser (Arabic: right to left); /es/ is the Spanish page."""
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "Speak from your first lesson" in html  # the English page's own text
    assert "تسجيل الدخول" in html  # "Sign in", from the Arabic catalogue
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="es" dir="ltr">' in response.content.decode()
    assert "Speak from your first lesson" in response.content.decode()
