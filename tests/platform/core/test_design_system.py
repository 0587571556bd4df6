"""The design system's server side: the icon tag, the current-section marker, the role check
the navigation uses, and the style guide page."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from accounts.roles import Role
from accounts.services import grant_role


def render(source: str, **context: object) -> str:
    return Template("{% load design accounts_tags %}" + source).render(Context(context))


def test_a_decorative_icon_is_hidden_from_assistive_technology() -> None:
    html = render('{% icon "calendar" %}')
    assert 'aria-hidden="true"' in html
    assert 'href="/static/dist/icons.svg#calendar"' in html
    assert "role=" not in html


def test_a_labelled_icon_is_announced_and_its_label_escaped() -> None:
    html = render('{% icon "search" label=label size="sm" %}', label='Find <"teachers">')
    assert 'role="img"' in html
    assert 'aria-label="Find &lt;&quot;teachers&quot;&gt;"' in html
    assert 'class="icon icon-sm"' in html
    assert "aria-hidden" not in html


@pytest.mark.parametrize(
    ("path", "prefix", "current"),
    [
        ("/learn/", "/learn/", True),
        ("/learn/getting-started/greetings/", "/learn/", True),
        ("/translate/", "/learn/", False),
        ("/", "/", True),
        ("/wallet/", "/", False),
    ],
)
def test_the_current_section_is_marked_for_everyone(path: str, prefix: str, current: bool) -> None:
    html = render("{% nav_current prefix %}", request=RequestFactory().get(path), prefix=prefix)
    assert (html == ' aria-current="page"') is current


@pytest.mark.django_db
def test_the_teach_entry_follows_the_teacher_role(django_user_model) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    source = '{% if user|has_role:"teacher" %}teach{% endif %}'
    learner = django_user_model.objects.create_user(email="l@example.com", password="x-12345678")
    teacher = django_user_model.objects.create_user(email="t@example.com", password="x-12345678")
    grant_role(teacher, Role.TEACHER)
    assert render(source, user=AnonymousUser()) == ""
    assert render(source, user=learner) == ""
    assert render(source, user=teacher) == "teach"


@pytest.mark.django_db
def test_the_style_guide_page_shows_the_components(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/style-guide/")
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ["Colours", "Buttons", "Cards", "Forms", "Tabs", "Dialogs", "Toasts", "Tables"]:
        assert f">{heading}</h2>" in html
    assert "/static/dist/toto.css" in html
    assert "/static/dist/alpine.min.js" in html
