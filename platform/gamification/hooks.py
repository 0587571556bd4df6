"""Extension points other apps plug into, so gamification never imports them.

- :data:`badge_awarded` (``sender=Badge``, ``user``, ``award``): sent after the commit that
  awarded a badge. The social feed will connect here to offer "share this as a moment"; nothing
  listens yet.
- :data:`FRIEND_SOURCES`: functions ``user -> iterable of user ids`` naming a learner's friends
  for the friends' leaderboard (social follows, people chatted or booked with). Register with
  :func:`register_friend_source` in the providing app's ``AppConfig.ready``; with none
  registered the friends' board holds just the learner.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

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
