"""The creators' dashboard panel: their own lessons, where each stands in review, and how
learners do in them (this app's statistics over the content tree's lessons)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import Page

from accounts.roles import GROUP_NAMES, Role
from cms.learning.models import LessonPage

from .selectors import lesson_statistics


class CreatorLessonsPanel(Component):
    """The creator's own lessons: where each stands in review, and how learners do."""

    name = "creator_lessons"
    template_name = "cms_learning/creator_lessons_panel.html"
    order = 105

    def __init__(self, user: Any) -> None:
        self.user = user

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
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
