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
    assert '<html lang="en">' in html
    assert "Speak from your first lesson" in html
    assert 'href="#main"' in html, "a skip link leads past the navigation"
    assert 'name="language"' in html, "the language switcher is on every page"

    response = client.get("/es/")
    assert response.status_code == 200
    assert '<html lang="es">' in response.content.decode()
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
