"""Editor integration: "new lesson from a template". (The creators' dashboard panel, with
learners' statistics, is the learning app's: learning.wagtail_hooks.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.widgets.button import ListingButton
from wagtail.models import Page

from . import views
from .models import SubcategoryPage


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    return [
        path(
            "learning/new-lesson/<int:parent_id>/",
            views.new_lesson_from_template,
            name="cms_learning_new_lesson_from_template",
        )
    ]


@hooks.register("register_page_listing_buttons")
def lesson_from_template_button(
    page: Page, user: Any, next_url: str | None = None
) -> Iterator[Any]:
    if (
        isinstance(page.specific_deferred, SubcategoryPage)
        and page.permissions_for_user(user).can_add_subpage()
    ):
        yield ListingButton(
            "Lesson from template",
            reverse("cms_learning_new_lesson_from_template", args=[page.id]),
            priority=15,
        )
