"""Lesson covers in lists: the card rendition, prefetched for a whole page of lessons."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from wagtail.images import get_image_model

# Lesson cards show covers at this size (16:9), never the uploaded original.
COVER_RENDITION = "fill-480x270"


def prefetch_cover_renditions(lessons: Iterable[Any]) -> None:
    """One query for the covers' card renditions of a whole page of lessons (the images come
    with the lessons through select_related). A rendition generated for the first time costs
    its own queries once; from then on the list costs the same whatever its length."""
    images = [lesson.cover_image for lesson in lessons if lesson.cover_image is not None]
    rendition_model = get_image_model().get_rendition_model()
    prefetch_related_objects(
        images,
        Prefetch(
            "renditions", queryset=rendition_model.objects.filter(filter_spec=COVER_RENDITION)
        ),
    )
