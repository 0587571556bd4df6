"""Editor integration: the creators' dashboard panel and "new lesson from a template"."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets.button import ListingButton
from wagtail.models import Page

from accounts.roles import GROUP_NAMES, Role

from . import views
from .models import LessonPage, SubcategoryPage


class CreatorLessonsPanel(Component):
    """The creator's own lessons: where each stands in review, and how learners do."""

    name = "creator_lessons"
    template_name = "cms_learning/creator_lessons_panel.html"
    order = 105

    def __init__(self, user: Any) -> None:
        self.user = user

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        from learning.selectors import lesson_statistics

        lessons = list(
            LessonPage.objects.filter(owner=self.user)
            .select_related("latest_revision", "locale")
            .order_by("-latest_revision_created_at")[:20]
        )
        statistics = lesson_statistics(lessons)
        in_review = set(
            Page.objects.filter(
                id__in=[lesson.id for lesson in lessons], _workflow_states__status="in_progress"
            ).values_list("id", flat=True)
        )
        rows = []
        for lesson in lessons:
            if lesson.id in in_review:
                status = "In review"
            elif lesson.go_live_at and not lesson.live:
                status = "Scheduled"
            elif lesson.live and lesson.has_unpublished_changes:
                status = "Live + draft"
            elif lesson.live:
                status = "Live"
            else:
                status = "Draft"
            rows.append({"lesson": lesson, "status": status, "stats": statistics.get(lesson.id)})
        return {"rows": rows}


@hooks.register("construct_homepage_panels")
def add_creator_panel(request: Any, panels: list[Any]) -> None:
    user = request.user
    is_creator = user.groups.filter(name=GROUP_NAMES[Role.CONTENT_CREATOR]).exists()
    if is_creator or LessonPage.objects.filter(owner=user).exists():
        panels.append(CreatorLessonsPanel(user))


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
