"""The lesson review workflow through the Wagtail admin's real forms and workflow actions."""

from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import Page, TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.learning.models import LessonPage
from core.tasks import publish_scheduled_pages

pytestmark = pytest.mark.django_db


def lesson_form(title: str, text: str, **overrides: Any) -> dict[str, Any]:
    data = {
        "title": title,
        "slug": overrides.pop("slug", title.lower().replace(" ", "-")),
        "description": f"{title}: a lesson",
        "target_language": "en",
        "level": "A1",
        "difficulty": "beginner",
        "estimated_minutes": 10,
        "cover_image": "",
        "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>"))]),
        "comments": inline_formset([]),
        **overrides,
    }
    return nested_form_data(data)


def add_lesson(client: Any, parent: Page, title: str, text: str, action: str) -> LessonPage:
    url = reverse("wagtailadmin_pages:add", args=["cms_learning", "lessonpage", parent.id])
    response = client.post(url, {**lesson_form(title, text), action: "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    return LessonPage.objects.get(title=title)


def approve(client: Any, lesson: LessonPage, action: str = "approve", comment: str = "") -> Any:
    task_state = TaskState.objects.get(
        workflow_state__base_content_type__isnull=False,
        workflow_state__object_id=str(lesson.id),
        status="in_progress",
    )
    url = reverse("wagtailadmin_pages:workflow_action", args=[lesson.id, action, task_state.id])
    return client.post(url, {"comment": comment})


def test_creator_submits_moderator_approves_and_the_lesson_is_live(
    client, learning_tree, content_creator, moderator
) -> None:
    client.force_login(content_creator)
    lesson = add_lesson(
        client, learning_tree["subcategory"], "Greetings", "Say hello.", "action-submit"
    )
    assert not lesson.live
    state = WorkflowState.objects.get(object_id=str(lesson.id))
    assert state.status == "in_progress"
    assert state.workflow.name == "Lesson review"
    assert client.get(lesson.url).status_code == 404

    client.force_login(moderator)
    dashboard = client.get(reverse("wagtailadmin_home"))
    assert "Greetings" in dashboard.content.decode(), "the moderator sees it awaiting review"
    response = approve(client, lesson)
    assert response.status_code in (200, 302)

    lesson.refresh_from_db()
    assert lesson.live
    assert WorkflowState.objects.get(object_id=str(lesson.id)).status == "approved"
    client.logout()
    assert "Say hello." in client.get(lesson.url).content.decode()


def test_a_creator_cannot_publish(client, learning_tree, content_creator) -> None:
    client.force_login(content_creator)
    lesson = add_lesson(
        client, learning_tree["subcategory"], "Numbers", "One, two.", "action-publish"
    )
    assert not lesson.live, "the publish action is ignored for creators: a draft is saved"
    assert not lesson.permissions_for_user(content_creator).can_publish()
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[lesson.id])).content.decode()
    assert 'name="action-publish"' not in edit
    assert 'name="action-submit"' in edit


def test_a_rejection_returns_to_the_creator_with_the_comment(
    client, learning_tree, content_creator, moderator
) -> None:
    client.force_login(content_creator)
    lesson = add_lesson(client, learning_tree["subcategory"], "Colours", "Red.", "action-submit")
    mail.outbox.clear()

    client.force_login(moderator)
    approve(client, lesson, action="reject", comment="Add an exercise about blue, please.")
    lesson.refresh_from_db()
    assert not lesson.live
    state = WorkflowState.objects.get(object_id=str(lesson.id))
    assert state.status == "needs_changes"
    assert state.current_task_state.comment == "Add an exercise about blue, please."
    notified = [message for message in mail.outbox if content_creator.email in message.to]
    assert notified, "the creator is emailed about the rejection"
    assert "Colours" in notified[0].subject + notified[0].body

    client.force_login(content_creator)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[lesson.id])).content.decode()
    assert "Add an exercise about blue, please." in edit, "the comment shows in the editor"
    # The creator revises and resubmits.
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[lesson.id]),
        {**lesson_form("Colours", "Red and blue."), "action-submit": "1"},
    )
    assert response.status_code == 302
    assert WorkflowState.objects.filter(object_id=str(lesson.id), status="in_progress").exists()


def test_rollback_restores_the_earlier_content(client, learning_tree, moderator) -> None:
    client.force_login(moderator)
    lesson = add_lesson(
        client, learning_tree["subcategory"], "Food", "Version one.", "action-publish"
    )
    first_revision = lesson.latest_revision
    edit_url = reverse("wagtailadmin_pages:edit", args=[lesson.id])
    client.post(edit_url, {**lesson_form("Food", "Version two."), "action-publish": "1"})
    lesson.refresh_from_db()
    assert "Version two." in str(lesson.body)

    compare = client.get(
        reverse(
            "wagtailadmin_pages:revisions_compare", args=[lesson.id, first_revision.id, "latest"]
        )
    )
    assert compare.status_code == 200
    revert = client.get(
        reverse("wagtailadmin_pages:revisions_revert", args=[lesson.id, first_revision.id])
    )
    assert revert.status_code == 200
    assert "Version one." in revert.content.decode(), "the editor opens with the earlier content"
    # Saving the form the revert view rendered (its values are the earlier revision's).
    earlier = first_revision.as_object()
    response = client.post(
        edit_url,
        {
            **lesson_form(earlier.title, "Version one.", description=earlier.description),
            "action-publish": "1",
        },
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert "Version one." in str(lesson.body)
    assert lesson.revisions.count() == 3


def test_a_locked_lesson_cannot_be_edited_by_a_creator(
    client, learning_tree, content_creator, moderator
) -> None:
    client.force_login(content_creator)
    lesson = add_lesson(client, learning_tree["subcategory"], "Travel", "Trains.", "action-save")
    client.force_login(moderator)
    client.post(reverse("wagtailadmin_pages:lock", args=[lesson.id]))
    lesson.refresh_from_db()
    assert lesson.locked
    client.force_login(content_creator)
    client.post(
        reverse("wagtailadmin_pages:edit", args=[lesson.id]), lesson_form("Travel", "Planes.")
    )
    lesson.refresh_from_db()
    assert "Trains." in str(lesson.get_latest_revision_as_object().body)


def test_scheduled_publishing_waits_for_the_go_live_date(client, learning_tree, moderator) -> None:
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    client.force_login(moderator)
    go_live = timezone.now() + timedelta(minutes=5)
    url = reverse(
        "wagtailadmin_pages:add",
        args=["cms_learning", "lessonpage", learning_tree["subcategory"].id],
    )
    client.post(
        url,
        {
            **lesson_form("Later", "Soon."),
            "go_live_at": go_live.strftime("%Y-%m-%d %H:%M"),
            "action-publish": "1",
        },
    )
    lesson = LessonPage.objects.get(title="Later")
    assert not lesson.live
    from wagtail.models import Revision

    scheduled = Revision.objects.filter(object_id=str(lesson.id), approved_go_live_at__isnull=False)
    assert scheduled.count() == 1, "publishing with a go-live date schedules the revision"
    call_command("publish_scheduled", verbosity=0)
    lesson.refresh_from_db()
    assert not lesson.live, "not before its time"
    later = timezone.now() + timedelta(minutes=6)
    with mock.patch("django.utils.timezone.now", return_value=later):
        publish_scheduled_pages()  # what the beat row runs every minute
    lesson.refresh_from_db()
    assert lesson.live


def test_preview_shows_the_learner_view_and_the_answer_key(client, make_lesson, moderator) -> None:
    lesson = make_lesson(
        "Quiz",
        body=[
            (
                "multiple_choice",
                {
                    "question": "Hi?",
                    "choices": [
                        {"text": "Yes", "is_correct": True},
                        {"text": "No", "is_correct": False},
                    ],
                    "points": 1,
                    "hints": [],
                },
            )
        ],
    )
    client.force_login(moderator)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[lesson.id])
    choice = {"text": "Yes", "is_correct": "on"}
    exercise = {
        "question": "Hi?",
        "choices": {
            "count": "2",
            "0": {"value": choice, "deleted": "", "order": "0", "id": ""},
            "1": {"value": {"text": "No"}, "deleted": "", "order": "1", "id": ""},
        },
        "points": "1",
        "hints": {"count": "0"},
        "feedback_correct": "",
        "feedback_incorrect": "",
        "explanation": "",
    }
    form = lesson_form("Quiz", "x", body=streamfield([("multiple_choice", exercise)]))
    assert client.post(url, form).json()["is_valid"]
    learner = client.get(url).content.decode()
    assert "Preview" in learner
    answers = client.get(url + "?mode=answers").content.decode()
    assert "Answer key" in answers


def test_creator_dashboard_lists_their_lessons(client, learning_tree, content_creator) -> None:
    client.force_login(content_creator)
    add_lesson(client, learning_tree["subcategory"], "Weather", "Rain.", "action-submit")
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Your lessons" in html
    assert "Weather" in html
    assert "In review" in html
