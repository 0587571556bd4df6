"""A new lesson can start from a lesson template, through the Wagtail admin."""

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from accounts.roles import GROUP_NAMES, Role
from cms.learning.models import LessonPage, LessonTemplate

pytestmark = pytest.mark.django_db

TEMPLATE_BODY = [
    ("paragraph", "<p>Introduce the topic in one or two sentences.</p>"),
    (
        "fill_blank",
        {
            "instructions": "Complete the sentence.",
            "text": "It [[is]] sunny today.",
            "ignore_accents": False,
            "points": 2,
            "hints": [],
            "feedback_correct": "",
            "feedback_incorrect": "",
        },
    ),
]


@pytest.fixture
def templates(learning_tree) -> dict[str, LessonTemplate]:
    open_to_all = LessonTemplate.objects.create(
        name="Weather lesson", description="Talk about the weather.", body=TEMPLATE_BODY
    )
    staff_only = LessonTemplate.objects.create(name="Exam paper", body=TEMPLATE_BODY[:1])
    staff_only.groups.add(Group.objects.get(name=GROUP_NAMES[Role.MODERATOR]))
    return {"open": open_to_all, "restricted": staff_only}


def new_lesson_url(subcategory: Any) -> str:
    return reverse("cms_learning_new_lesson_from_template", args=[subcategory.id])


def test_a_creator_starts_a_lesson_from_a_template(
    client, learning_tree, templates, content_creator
) -> None:
    subcategory = learning_tree["subcategory"]
    client.force_login(content_creator)
    explorer = client.get(reverse("wagtailadmin_explore", args=[learning_tree["category"].id]))
    assert new_lesson_url(subcategory) in explorer.content.decode(), "the listing button"

    form = client.get(new_lesson_url(subcategory))
    assert form.status_code == 200
    html = form.content.decode()
    assert "Weather lesson" in html
    assert "Exam paper" not in html, "a template of another group is not offered"

    response = client.post(
        new_lesson_url(subcategory),
        {"template": templates["open"].id, "title": "Sunny days"},
    )
    lesson = LessonPage.objects.get(title="Sunny days")
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_pages:edit", args=[lesson.id])
    assert lesson.get_parent().id == subcategory.id
    assert (lesson.live, lesson.owner, lesson.slug) == (False, content_creator, "sunny-days")
    assert lesson.description == "Talk about the weather."
    assert [(block["type"], block["value"]) for block in lesson.body.raw_data] == [
        (block["type"], block["value"]) for block in templates["open"].body.raw_data
    ], "the template's blocks, as a draft"
    assert {block.id for block in lesson.body}.isdisjoint(
        block.id for block in templates["open"].body
    ), "exercises get their own ids"
    assert lesson.latest_revision is not None and lesson.has_unpublished_changes
    assert client.get(response.url).status_code == 200, "the editor opens on the draft"


def test_the_creator_cannot_publish_the_new_lesson(
    client, learning_tree, templates, content_creator
) -> None:
    client.force_login(content_creator)
    client.post(
        new_lesson_url(learning_tree["subcategory"]),
        {"template": templates["open"].id, "title": "Sunny days"},
    )
    lesson = LessonPage.objects.get(title="Sunny days")
    assert not lesson.permissions_for_user(content_creator).can_publish()
    edit_url = reverse("wagtailadmin_pages:edit", args=[lesson.id])
    edit = client.get(edit_url).content.decode()
    assert 'name="action-publish"' not in edit
    assert 'name="action-submit"' in edit
    data = nested_form_data(
        {
            "title": "Sunny days",
            "slug": "sunny-days",
            "description": "Talk about the weather.",
            "target_language": "en",
            "level": "A1",
            "difficulty": "beginner",
            "estimated_minutes": 10,
            "cover_image": "",
            "body": streamfield([("paragraph", rich_text("<p>It is sunny.</p>"))]),
            "comments": inline_formset([]),
        }
    )
    client.post(edit_url, {**data, "action-publish": "1"})
    lesson.refresh_from_db()
    assert not lesson.live, "publishing is ignored: the change is saved as a draft"
    assert not WorkflowState.objects.filter(object_id=str(lesson.id)).exists()


def test_a_template_restricted_to_another_group_cannot_be_used(
    client, learning_tree, templates, content_creator, moderator
) -> None:
    url = new_lesson_url(learning_tree["subcategory"])
    client.force_login(content_creator)
    response = client.post(url, {"template": templates["restricted"].id, "title": "Exam"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not LessonPage.objects.filter(title="Exam").exists()

    client.force_login(moderator)
    response = client.post(url, {"template": templates["restricted"].id, "title": "Exam"})
    assert response.status_code == 302, "members of the group may"
    assert LessonPage.objects.filter(title="Exam").exists()


def test_someone_who_cannot_add_pages_there_is_refused(
    client, learning_tree, templates, teacher
) -> None:
    teacher.is_staff = True
    teacher.save()
    client.force_login(teacher)
    url = new_lesson_url(learning_tree["subcategory"])
    response = client.post(url, {"template": templates["open"].id, "title": "Mine"})
    assert response.status_code in (302, 403)
    assert not LessonPage.objects.filter(title="Mine").exists()
