"""Timeline upkeep (see ``timelines``): idempotent, so a retried task does no harm."""

import uuid
from typing import Any

from celery import shared_task
from django.conf import settings

from . import feeds, timelines
from .models import Follow, Moment, SocialProfile, Visibility


@shared_task(name="social.fan_out_moment")
def fan_out_moment(moment_id: int) -> int:
    """Adds a moment to its author's timeline and, when others may see it, to every
    follower's. Returns how many timelines were offered it."""
    moment = Moment.objects.filter(pk=moment_id).select_related("author").first()
    if moment is None:
        return 0
    entry = [(moment.pk, timelines.score_of(moment.created_at))]
    readers: list[Any] = [moment.author_id]
    limited = SocialProfile.objects.filter(user=moment.author_id, limited_at__isnull=False).exists()
    if (
        moment.status == Moment.Status.PUBLISHED
        and moment.visibility != Visibility.ONLY_ME
        and not limited
        and moment.author.is_active
    ):
        readers += list(
            Follow.objects.filter(followee=moment.author_id).values_list("follower_id", flat=True)
        )
    timelines.add(readers, entry)
    return len(readers)


@shared_task(name="social.remove_from_timelines")
def remove_from_timelines(author_id: str, moment_ids: list[int]) -> int:
    readers = [
        author_id,
        *Follow.objects.filter(followee_id=uuid.UUID(author_id)).values_list(
            "follower_id", flat=True
        ),
    ]
    timelines.remove(readers, moment_ids)
    return len(readers)


@shared_task(name="social.merge_author")
def merge_author(follower_id: str, author_id: str) -> int:
    """After a follow: the author's recent moments join the follower's timeline."""
    return feeds.merge_author(follower_id, author_id)


@shared_task(name="social.unmerge_author")
def unmerge_author(follower_id: str, author_id: str) -> int:
    """After an unfollow: the author's moments leave the follower's timeline."""
    ids = list(
        Moment.objects.filter(author_id=uuid.UUID(author_id))
        .order_by("-created_at")
        .values_list("pk", flat=True)[: settings.SOCIAL_TIMELINE_MAX]
    )
    timelines.remove([follower_id], ids)
    return len(ids)


@shared_task(name="social.refan_author")
def refan_author(author_id: str) -> int:
    """After a limit is lifted: the author's recent moments go back to followers."""
    followers = list(
        Follow.objects.filter(followee_id=uuid.UUID(author_id)).values_list(
            "follower_id", flat=True
        )
    )
    for follower_id in followers:
        feeds.merge_author(str(follower_id), author_id)
    return len(followers)
