"""Gamification's badge cards posted as moments (``gamification.hooks.MomentSharer``):
gamification never imports social, so social registers this adapter at start-up."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from . import services
from .models import Moment, Visibility
from .selectors import _shown_person


class BadgeMomentSharer:
    def post(self, user: Any, *, text: str, image: bytes, visibility: str) -> tuple[int, str]:
        moment = services.post_image_card(user, text=text, image=image, visibility=visibility)
        return moment.pk, reverse("social-moment-page", args=[moment.pk])

    def url_of(self, user: Any, moment_id: int) -> str | None:
        if not Moment.objects.filter(pk=moment_id, author_id=user.pk).exists():
            return None
        return reverse("social-moment-page", args=[moment_id])

    def is_public(self, user: Any, moment_id: int) -> bool:
        # The same rule the feed applies to a stranger: published, "Everyone", and an author
        # the feed still shows (not suspended, deleted or limited).
        return Moment.objects.filter(
            _shown_person("author__"),
            pk=moment_id,
            author_id=user.pk,
            visibility=Visibility.PUBLIC,
            status=Moment.Status.PUBLISHED,
        ).exists()

    def visibilities(self) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in Visibility.choices]


SHARER = BadgeMomentSharer()
