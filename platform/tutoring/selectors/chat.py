"""What a learner asks from a chat: "when are you free next?".

The glue between a conversation and the teacher's slots: who may ask (a member of a direct
conversation whose other member is a listed teacher), which lesson the slots are for (the
teacher page's default gig and its shortest length, or the gig asked for), and the zone the
answer is written in (the asker's profile). The slots themselves come from
:func:`tutoring.selectors.slots.next_free_slots`, as in ``GET /api/v1/teachers/{id}/next-slots/``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import Profile
from messaging.models import Conversation
from messaging.selectors import ConversationNotFound, conversation_for, participant_ids

from ..errors import NoLessons, NotAMember, NotATeacher, NotDirect
from ..models import Gig, TeacherListing
from .discovery import listed_teachers
from .slots import next_free_slots

MAX_COUNT = 10


def user_zone(user: Any) -> ZoneInfo:
    """The zone of the user's profile (UTC without a profile or with an unknown zone)."""
    name = Profile.objects.filter(user=user).values_list("time_zone", flat=True).first()
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def conversation_teacher(user: Any, conversation_id: Any) -> TeacherListing:
    """The listed teacher on the other side of ``user``'s direct conversation, with its
    active gigs and their durations prefetched."""
    try:
        conversation = conversation_for(user, uuid.UUID(str(conversation_id)))
    except (ConversationNotFound, ValueError):
        raise NotAMember() from None
    if conversation.kind != Conversation.Kind.DIRECT:
        raise NotDirect()
    others = [pk for pk in participant_ids(conversation.pk) if pk != user.pk]
    listing = listed_teachers().filter(pk=others[0]).first() if len(others) == 1 else None
    if listing is None:
        raise NotATeacher()
    return listing


def chosen_lesson(listing: TeacherListing, gig_id: Any = None) -> tuple[Gig, int]:
    """The gig (the one asked for, else the first the teacher page shows) and its shortest
    length, from the prefetched gigs."""
    gigs = [gig for gig in listing.gigs.all() if gig.durations.all()]
    if gig_id not in (None, ""):
        gigs = [gig for gig in gigs if str(gig.pk) == str(gig_id)]
    if not gigs:
        raise NoLessons()
    gig = gigs[0]
    return gig, min(option.minutes for option in gig.durations.all())


def next_slots_in_conversation(
    user: Any,
    conversation_id: Any,
    *,
    count: int = 5,
    gig_id: Any = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The chat's ``slots`` answer: the teacher's next free slots in ``user``'s zone.

    Raises NotAMember, NotDirect, NotATeacher or NoLessons (each with its stable code)."""
    listing = conversation_teacher(user, conversation_id)
    gig, minutes = chosen_lesson(listing, gig_id)
    zone = user_zone(user)
    found = next_free_slots(listing, minutes, max(1, min(MAX_COUNT, count)), now=now)
    book_url = reverse("tutoring-teacher", args=[listing.pk])
    return {
        "conversation": str(conversation_id),
        "teacher": str(listing.pk),
        "tz": str(zone),
        "slots": [
            {
                "start": slot.start.astimezone(zone).isoformat(),
                "end": slot.end.astimezone(zone).isoformat(),
                "gig": gig.pk,
                "minutes": minutes,
            }
            for slot in found
        ],
        "book_url": f"{book_url}?{urlencode({'gig': gig.pk, 'duration': minutes})}",
    }
