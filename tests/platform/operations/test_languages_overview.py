"""Settings > Languages and translation: what the site is offered in and how complete each
language is, for content (Wagtail pages, wagtail-localize strings) and for the interface."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from operations import languages
from wagtail.models import Locale, Page

pytestmark = pytest.mark.django_db

URL = "/admin/languages-overview/"


@pytest.fixture
def spanish_copy_of_one_page():  # type: ignore[no-untyped-def]
    """The default locale's pages, and a Spanish locale with a copy of one of them."""
    english = Locale.objects.get(language_code="en")
    spanish, _created = Locale.objects.get_or_create(language_code="es")
    root = Page.get_first_root_node()
    home = root.add_child(instance=Page(title="Home", slug="home-langs", locale=english))
    home.add_child(instance=Page(title="About", slug="about", locale=english))
    home.copy_for_translation(spanish, copy_parents=True)
    return english, spanish


def test_content_progress_counts_pages_and_strings_in_three_queries(
    spanish_copy_of_one_page,
) -> None:  # type: ignore[no-untyped-def]
    english, _spanish = spanish_copy_of_one_page
    with CaptureQueriesContext(connection) as queries:
        found = {language.code: language for language in languages.content_languages()}
    assert len(queries) == 3
    default_pages = Page.objects.filter(depth__gt=1, locale=english).count()
    assert found["en"].is_default and found["en"].pages == default_pages
    assert found["es"].translated_from_default == 1
    assert found["es"].pages_percent == round(100 / default_pages, 1)
    assert found["es"].segments_percent is None  # nothing sent to wagtail-localize


def test_interface_progress_reads_the_catalogues(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    catalogue = tmp_path / "es" / "LC_MESSAGES"
    catalogue.mkdir(parents=True)
    (catalogue / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Learn"\nmsgstr "Aprende"\n\n'
        'msgid "Teachers"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Review"\nmsgstr "Revisar"\n\n'
        '#~ msgid "Gone"\n#~ msgstr "Ido"\n',
        encoding="utf-8",
    )
    settings.LOCALE_PATHS = [tmp_path]
    settings.LANGUAGES = [("en", "English"), ("es", "Español")]
    found = {language.code: language for language in languages.interface_languages()}
    (spanish,) = found["es"].catalogues
    assert (spanish.total, spanish.translated, spanish.fuzzy) == (3, 1, 1)
    assert found["es"].percent == 33.3 and found["es"].missing == 2
    assert found["en"].percent == 100.0


def test_the_screen_shows_both_and_only_to_superusers(  # type: ignore[no-untyped-def]
    client, admin, moderator, spanish_copy_of_one_page
) -> None:
    client.force_login(moderator)
    refused = client.get(URL)  # Wagtail turns PermissionDenied into a redirect with a message
    assert (refused.status_code, refused.url) == (302, "/admin/")
    client.force_login(admin)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-locale="es"' in html and 'data-language="ar"' in html
    assert "/admin/locales/" in html
    assert "Languages and translation" in client.get("/admin/").content.decode()
