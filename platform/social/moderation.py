"""Moderator roles, graded. Two Wagtail groups (made by migration 0006):

- "Moderators" (shared with the other review queues): dismiss, hide, mark sensitive, warn;
  they see the appeals and the limited authors but do not decide them.
- "Senior moderators": also limit (the silent shadow-ban) and suspend, lift a limit, and
  decide appeals. The permission is ``social.senior_moderation``; admins (superusers) have it.

The services check it (``require``): the admin only hides the buttons a person cannot use.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .errors import NotAllowed
from .models import ModerationAction

SENIOR_PERMISSION = "social.senior_moderation"
SENIOR_GROUP = "Senior moderators"
Kind = ModerationAction.Kind
#: Decisions on a report that only a senior moderator may take.
SENIOR_KINDS = frozenset({Kind.LIMIT, Kind.SUSPEND})


def is_senior(user: Any) -> bool:
    return bool(user is not None and user.is_active and user.has_perm(SENIOR_PERMISSION))


def may_decide(user: Any, kind: str) -> bool:
    return kind not in SENIOR_KINDS or is_senior(user)


def require(user: Any, kind: str) -> None:
    """Refuses (403 on the API, a message in the admin) a senior decision by a moderator
    who is not senior."""
    if not may_decide(user, kind):
        raise NotAllowed(_("Only senior moderators can limit or suspend an author."))


LIFT_LIMIT = _("Only senior moderators can lift a limit.")
DECIDE_APPEALS = _("Only senior moderators can decide appeals.")


def require_senior(user: Any, refusal: Any) -> None:
    if not is_senior(user):
        raise NotAllowed(refusal)


#: The senior group's permissions, (app label, codename): what migration 0006 grants.
SENIOR_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("social", "view_report"),
    ("social", "change_report"),
    ("social", "view_appeal"),
    ("social", "change_appeal"),
    ("social", "view_moderationaction"),
    ("social", "senior_moderation"),
]


def make_senior(user: Any) -> None:
    """Puts ``user`` in "Senior moderators" (the demo's senior moderator, tests). The group
    and its permissions are made again if missing (transactional tests flush them)."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group, _created = Group.objects.get_or_create(name=SENIOR_GROUP)
    wanted = Q()
    for app_label, codename in SENIOR_PERMISSIONS:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.add(*Permission.objects.filter(wanted))
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    # has_perm caches the user's permissions on the instance.
    for cache in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(cache, None)
