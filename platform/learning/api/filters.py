from typing import Any

import django_filters
from wagtail.models import Page

from cms.learning.blocks import TARGET_LANGUAGES
from cms.learning.models import CategoryPage, LessonPage, Level, SubcategoryPage


def course_tree_pages(request: Any) -> Any:
    return Page.objects.type(CategoryPage, SubcategoryPage).live()


class LessonFilter(django_filters.FilterSet):
    """Validates the lesson list's query parameters (400 with field errors when invalid);
    selectors.search_lessons applies them, so that the same rules serve the website."""

    search = django_filters.CharFilter(max_length=200)
    level = django_filters.ChoiceFilter(choices=Level.choices)
    language = django_filters.ChoiceFilter(choices=TARGET_LANGUAGES)
    category = django_filters.ModelChoiceFilter(queryset=course_tree_pages)

    class Meta:
        model = LessonPage
        fields: list[str] = []
