"""A fresh database gets a proper Toto home page instead of Wagtail's placeholder.

Wagtail's own migrations leave a "Welcome to your new Wagtail site!" page as the site's root;
a production site migrated from nothing would serve it at ``/``. After ``migrate`` (the
``post_migrate`` signal, sent once per migrated app: this runs for cms_site only), when the
tree holds nothing but that placeholder, the home page of the demo step replaces it (English
and its Spanish translation, the site pointed at it). A tree with any real page is left alone,
so this never touches a site someone has built. ``SITE_CREATE_HOME_PAGE`` turns it off (the
test settings do, so tests start from the tree as Wagtail's migrations leave it).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS


def only_the_placeholder(using: str = DEFAULT_DB_ALIAS) -> bool:
    from wagtail.models import Page, Site

    from .models import HomePage

    if HomePage.objects.using(using).exists():
        return False
    site = Site.objects.using(using).filter(is_default_site=True).select_related("root_page")
    default = site.first()
    if default is None:
        return False
    root_page = default.root_page
    return (
        root_page.specific_class is Page
        and root_page.depth == 2
        and not Page.objects.using(using).filter(depth__gt=2).exists()
        and Page.objects.using(using).filter(depth=2).count() == 1
    )


def create_home_page(*, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """``post_migrate`` receiver: replaces a lone placeholder with the Toto home page."""
    if not settings.SITE_CREATE_HOME_PAGE or using != DEFAULT_DB_ALIAS:
        return
    if not only_the_placeholder(using):
        return
    from .demo import ensure_home_page, ensure_locales

    ensure_locales()
    ensure_home_page()
