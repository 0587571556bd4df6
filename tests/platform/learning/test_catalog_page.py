"""The website catalogue at /learn/: what an anonymous visitor sees (live, unrestricted lessons
only) and what the page costs in SQL queries, whatever the number of lessons."""

from typing import Any

import pytest
from django.test import Client
from wagtail.models import PageViewRestriction

pytestmark = pytest.mark.django_db


def _catalogue(client: Client) -> str:
    response = client.get("/learn/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_catalogue_hides_restricted_lessons_in_a_pinned_number_of_queries(
    client: Client, learning_tree: dict[str, Any], make_lesson: Any, assert_num_queries: Any
) -> None:
    make_lesson("Open lesson")
    hidden = make_lesson("Members-only lesson")
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    _catalogue(client)  # warm the site root and renditions caches

    # The default locale and the view restrictions are read once per request, not once per
    # queryset (learning.selectors.default_locale / _view_restricted).
    with assert_num_queries(18):
        page = _catalogue(client)
    assert "Open lesson" in page
    assert "Members-only lesson" not in page

    for number in range(6):
        make_lesson(f"Lesson {number}")
    _catalogue(client)
    with assert_num_queries(18):
        page = _catalogue(client)
    assert "Lesson 5" in page


def test_a_restricted_category_hides_its_lessons(
    client: Client, learning_tree: dict[str, Any], make_lesson: Any
) -> None:
    make_lesson("Inside the category")
    PageViewRestriction.objects.create(
        page=learning_tree["category"], restriction_type=PageViewRestriction.LOGIN
    )
    page = _catalogue(client)
    assert "Inside the category" not in page
    assert "Basics" not in page
