"""Learners and teachers who open /admin/ are told it is the team's, with links to their own
pages, instead of bouncing between the admin and the sign-in page."""

from typing import Any

import pytest
from django.test import Client

from accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_a_learner_gets_a_friendly_page(client: Client, role_user: Any) -> None:
    client.force_login(role_user(Role.STUDENT))
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert [url for url, _ in response.redirect_chain] == ["/admin/login/?next=/admin/"]
    html = response.content.decode()
    assert "The admin is for the Toto team" in html
    assert 'href="/tutoring/dashboard/"' in html
    assert 'href="/tutoring/teach/"' not in html
    # Wagtail's own refusal is not repeated as a message on top.
    assert "You do not have permission to access the admin" not in html


def test_a_teacher_gets_a_link_to_their_dashboard(client: Client, role_user: Any) -> None:
    client.force_login(role_user(Role.TEACHER))
    response = client.get("/admin/pages/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1
    assert 'href="/tutoring/teach/"' in response.content.decode()


def test_anonymous_visitors_still_go_to_sign_in(client: Client) -> None:
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/admin/"


def test_staff_still_reach_the_admin(client: Client, role_user: Any) -> None:
    client.force_login(role_user(Role.CONTENT_CREATOR))
    assert client.get("/admin/").status_code == 200
