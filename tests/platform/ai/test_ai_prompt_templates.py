"""Prompt templates: variables declared and checked on save and on render; versioned; only the
published version is used."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ai.errors import PromptTemplateError
from ai.models import PromptTemplate
from ai.selectors import live_prompt

pytestmark = pytest.mark.django_db


def make(**fields: Any) -> PromptTemplate:
    values = {
        "feature": "writing_feedback",
        "system_prompt": "Assess {language} at {level}.",
        "user_prompt": "{task}\n{text}",
        "variables": "language, level, task, text",
    }
    return PromptTemplate(**{**values, **fields})


@pytest.mark.parametrize(
    "system_prompt",
    ["Assess {lang}.", "Leak {text.__class__}.", "Index {text[0]}.", "Broken {brace"],
)
def test_undeclared_or_unsafe_placeholders_are_refused(system_prompt: str) -> None:
    with pytest.raises(ValidationError) as error:
        make(system_prompt=system_prompt).full_clean()
    assert "system_prompt" in error.value.message_dict


def test_render_needs_every_declared_variable() -> None:
    template = make()
    template.full_clean()
    with pytest.raises(PromptTemplateError, match="task"):
        template.render(language="en", level="B1", text="Hi")
    system, user = template.render(language="en", level="B1", task="T", text="{not a var}")
    assert system == "Assess en at B1."
    assert user == "T\n{not a var}"  # learner text is data, never formatted again


def test_drafts_are_versioned_and_only_the_live_version_is_used() -> None:
    template = make(live=False)
    template.save()
    template.save_revision().publish()
    template.refresh_from_db()
    template.system_prompt = "DRAFT {language} {level}"
    template.save_revision()  # saved as a draft, not published
    assert template.revisions.count() == 2
    assert live_prompt("writing_feedback").system_prompt == "Assess {language} at {level}."


def test_shipped_default_when_nothing_is_published() -> None:
    assert "CEFR" in live_prompt("writing_feedback").system_prompt


def test_admin_lists_usage_and_templates(client: Any, admin: Any) -> None:
    admin.is_superuser = admin.is_staff = True
    admin.save()
    client.force_login(admin)
    assert client.get("/admin/snippets/ai/prompttemplate/").status_code == 200
    response = client.get("/admin/ai/usage/?outcome=unavailable")
    assert response.status_code == 200
