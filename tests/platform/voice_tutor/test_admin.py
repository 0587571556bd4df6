"""Admin: the snippets are listed, edited and previewed; scripts and prompts are checked when
saved (the editor shows the errors on the fields)."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from voice_tutor.defaults import default_prompt
from voice_tutor.models import TutorPromptTemplate

pytestmark = pytest.mark.django_db


def test_admin_lists_edits_and_previews(
    client: Any, admin: Any, student: Any, avatar: Any, practice: Any
) -> None:
    client.force_login(student)
    assert client.get("/admin/snippets/voice_tutor/practicecontext/").status_code == 302
    admin.is_superuser = admin.is_staff = True
    admin.save()
    client.force_login(admin)
    for model in ("voiceavatar", "practicecontext", "tutorprompttemplate"):
        assert client.get(f"/admin/snippets/voice_tutor/{model}/").status_code == 200
    listing = client.get("/admin/snippets/voice_tutor/practicecontext/").content.decode()
    assert "At the airport" in listing
    edit = client.get(f"/admin/snippets/voice_tutor/practicecontext/edit/{practice.pk}/")
    assert edit.status_code == 200 and "Guided conversation (offline)" in edit.content.decode()
    request = RequestFactory().get("/")
    request.user = admin
    preview = practice.serve_preview(request, "").render().content.decode()
    assert "Can I see your passport, please?" in preview and "Which city" in preview
    avatar_preview = avatar.serve_preview(request, "").render().content.decode()
    assert "espeak:en-us+f3" in avatar_preview


def test_content_creators_author_contexts_but_not_the_prompt(
    client: Any, content_creator: Any, practice: Any
) -> None:
    client.force_login(content_creator)
    assert client.get("/admin/snippets/voice_tutor/practicecontext/").status_code == 200
    assert client.get("/admin/snippets/voice_tutor/practicecontext/add/").status_code == 200
    assert client.get("/admin/snippets/voice_tutor/voiceavatar/").status_code == 200
    refused = client.get("/admin/snippets/voice_tutor/tutorprompttemplate/")
    assert refused.status_code in {302, 403}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"expected_keywords": [], "expected_patterns": [], "accept_any": False}, "expected"),
        ({"expected_patterns": ["(unclosed"]}, "expected_patterns"),
        ({"reask": ""}, "reask"),
        ({"tutor_lines": []}, "tutor_lines"),
    ],
)
def test_bad_script_steps_are_refused_with_field_errors(
    make_context: Any, airport_steps: list[dict[str, Any]], change: dict[str, Any], field: str
) -> None:
    step = {**airport_steps[0], **change}
    with pytest.raises(ValidationError) as error:
        make_context(script=[("step", step)])
    assert "script" in error.value.message_dict
    stream_error = error.value.error_dict["script"][0]
    step_errors = stream_error.block_errors[0].block_errors  # type: ignore[attr-defined]
    assert any(name.startswith(field) for name in step_errors), step_errors


def test_greeting_placeholders_and_closing_are_checked(make_context: Any) -> None:
    with pytest.raises(ValidationError) as error:
        make_context(greeting="Hi {learner}!")
    assert "greeting" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_context(closing="")
    assert "closing" in error.value.message_dict


def test_tutor_prompt_is_checked_and_versioned(db: None) -> None:
    template = default_prompt()
    template.full_clean()
    template.save()
    revision = template.save_revision()
    revision.publish()
    template.system_prompt += "\nBe brief."
    template.save_revision()
    assert template.revisions.count() == 2
    assert TutorPromptTemplate.objects.get().live
    broken = default_prompt()
    broken.name = "other"
    broken.system_prompt = "You are {tutor_name} talking about {secret}."
    with pytest.raises(ValidationError) as error:
        broken.full_clean()
    assert "system_prompt" in error.value.message_dict
