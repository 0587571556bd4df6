"""Extension points other apps plug into, so gamification never imports them.

- :data:`badge_awarded` (``sender=Badge``, ``user``, ``award``): sent after the commit that
  awarded a badge (the badge page offers "share this as a moment" through :data:`MOMENT_SHARERS`).
- :data:`FRIEND_SOURCES`: functions ``user -> iterable of user ids`` naming a learner's friends
  for the friends' leaderboard (social follows, people chatted or booked with). Register with
  :func:`register_friend_source` in the providing app's ``AppConfig.ready``; with none
  registered the friends' board holds just the learner.
- :data:`MOMENT_SHARERS`: the social feed's :class:`MomentSharer` (posts a badge's image card
  as a moment, says whether that moment is still public). Register with
  :func:`register_moment_sharer`; with none registered the badge page offers no sharing and
  no badge page is public.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

import django.dispatch

badge_awarded = django.dispatch.Signal()

FriendSource = Callable[[Any], Iterable[Any]]
FRIEND_SOURCES: list[FriendSource] = []


def register_friend_source(source: FriendSource) -> FriendSource:
    if source not in FRIEND_SOURCES:
        FRIEND_SOURCES.append(source)
    return source


def friend_ids(user: Any) -> set[Any]:
    ids: set[Any] = set()
    for source in FRIEND_SOURCES:
        ids.update(source(user))
    ids.discard(user.pk)
    return ids


class MomentSharer(Protocol):
    def post(self, user: Any, *, text: str, image: bytes, visibility: str) -> tuple[int, str]:
        """Posts a moment with ``image`` (a PNG) as ``user``; returns its id and page URL."""
        ...

    def url_of(self, user: Any, moment_id: int) -> str | None:
        """The page of the user's moment, or None when it was deleted."""
        ...

    def is_public(self, user: Any, moment_id: int) -> bool:
        """Whether anyone, signed in or not, may see that the user shared this moment: a
        public, published moment of a person the social feed shows."""
        ...

    def visibilities(self) -> list[tuple[str, str]]:
        """The audience choices of a moment (value, label), the public one first."""
        ...


MOMENT_SHARERS: list[MomentSharer] = []


def register_moment_sharer(sharer: MomentSharer) -> MomentSharer:
    if sharer not in MOMENT_SHARERS:
        MOMENT_SHARERS.append(sharer)
    return sharer


def moment_sharer() -> MomentSharer | None:
    return MOMENT_SHARERS[0] if MOMENT_SHARERS else None
