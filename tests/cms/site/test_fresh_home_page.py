"""A fresh database serves the Toto home page at ``/``, not Wagtail's placeholder root: the
``post_migrate`` step (cms.site.fresh) replaces the lone placeholder, and leaves a tree with
real pages alone. ``migrate`` with nothing to apply still sends ``post_migrate``, which is how
it runs here on the test database (whose settings turn the step off until now)."""

import pytest
from django.core.management import call_command
from wagtail.models import Page, Site

from cms.site.models import HomePage

pytestmark = pytest.mark.django_db


def test_migrate_replaces_the_placeholder_with_the_toto_home_page(client, settings) -> None:
    placeholder = Site.objects.get(is_default_site=True).root_page
    assert placeholder.specific_class is Page
    assert "Welcome to your new Wagtail site" in client.get("/").content.decode()

    settings.SITE_CREATE_HOME_PAGE = True
    call_command("migrate", verbosity=0)

    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert not Page.objects.filter(id=placeholder.id).exists()
    html = client.get("/").content.decode()
    assert "Speak from your first lesson" in html
    assert "Welcome to your new Wagtail site" not in html
    assert "Aprende idiomas" in client.get("/es/").content.decode()

    # Again: nothing changes (one home page per locale).
    call_command("migrate", verbosity=0)
    assert HomePage.objects.count() == 2


def test_a_tree_with_real_pages_is_left_alone(settings) -> None:
    placeholder = Site.objects.get(is_default_site=True).root_page
    placeholder.add_child(instance=Page(title="Our own page", slug="ours"))

    settings.SITE_CREATE_HOME_PAGE = True
    call_command("migrate", verbosity=0)

    assert not HomePage.objects.exists()
    assert Site.objects.get(is_default_site=True).root_page.id == placeholder.id
