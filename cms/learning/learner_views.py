"""The learner's views of the learning index page, served by the learning app.

The content tree knows nothing of the platform app that reads it (``learning``: progress,
attempts, search imports these pages, never the reverse). The index page's catalogue and
progress routes need that app's views, so ``LearningConfig.ready`` registers them here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class LearnerViews:
    catalog_context: Callable[[HttpRequest, Any], dict[str, Any]]
    progress_page: Callable[[HttpRequest, Any], HttpResponse]


_registered: LearnerViews | None = None


def register(views: LearnerViews) -> None:
    global _registered
    _registered = views


def learner_views() -> LearnerViews:
    if _registered is None:
        raise ImproperlyConfigured("The learning app is not installed: it serves /learn/.")
    return _registered
