"""Fixtures for tests of the learning tree (imported by the conftests of tests/cms/learning and
tests/platform/learning)."""

from typing import Any

import pytest
from wagtail.models import Locale

from cms.learning.models import CategoryPage, LearningIndexPage, LessonPage, SubcategoryPage
from cms.site.demo import ensure_home_page, ensure_locales
from cms.site.models import HomePage


@pytest.fixture
def learning_tree(db: None) -> dict[str, Any]:
    ensure_locales()
    ensure_home_page()
    home = HomePage.objects.get(locale=Locale.get_default())
    index = LearningIndexPage(title="Learn", slug="learn")
    home.add_child(instance=index)
    index.save_revision().publish()
    category = CategoryPage(title="Basics", slug="basics")
    index.add_child(instance=category)
    category.save_revision().publish()
    subcategory = SubcategoryPage(title="Greetings", slug="greetings")
    category.add_child(instance=subcategory)
    subcategory.save_revision().publish()
    return {"index": index, "category": category, "subcategory": subcategory}


@pytest.fixture
def make_lesson(learning_tree: dict[str, Any]) -> Any:
    def make(
        title: str = "Hello", body: list[Any] | None = None, publish: bool = True, **fields: Any
    ) -> LessonPage:
        lesson = LessonPage(
            title=title,
            description=fields.pop("description", f"About {title}"),
            body=body or [],
            live=publish,
            **fields,
        )
        learning_tree["subcategory"].add_child(instance=lesson)
        revision = lesson.save_revision()
        if publish:
            revision.publish()
        lesson.refresh_from_db()
        return lesson

    return make


@pytest.fixture
def translate_lesson(django_capture_on_commit_callbacks: Any) -> Any:
    """Translates a lesson and its ancestors with wagtail-localize (strings found in the demo's
    SPANISH table are translated, the others kept) and returns the live translation."""
    from .demo import _translate

    def translate(lesson: LessonPage, language_code: str = "es") -> LessonPage:
        locale = Locale.objects.get(language_code=language_code)
        chain = [page.specific for page in lesson.get_ancestors().filter(depth__gte=3)]
        for page in [*chain, lesson]:
            if not page.has_translation(locale):
                # wagtail-localize publishes translations after commit.
                with django_capture_on_commit_callbacks(execute=True):
                    _translate(page, locale)
        return lesson.get_translation(locale)

    return translate
