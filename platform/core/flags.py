"""The one place that says whether a feature is on for someone: ``flags.enabled(name, user)``.

Services call it, templates use ``{% flag_enabled "name" as on %}`` (core.templatetags.flags).
The flags are admin-edited ``core.FeatureFlag`` rows, read as one cached dictionary that a save
or delete drops (the signal receivers below), so a check costs no query once warm.

Policy, in the order checked (every condition that is set must hold):
- an unknown flag answers ``default`` (False unless the caller says otherwise);
- ``enabled`` off: off for everyone;
- roles (groups) set: only members of one of them; nobody signed out;
- countries set: only people whose profile country is one of them;
- rollout below 100 %: a person is in when sha256(flag name + user id) falls in the share, so
  the same people stay in as the share grows and the answer never flickers between requests.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

CACHE_KEY = "core:feature-flags:v1"
CACHE_SECONDS = 300


@dataclass(frozen=True)
class Rule:
    enabled: bool
    group_ids: frozenset[int]
    countries: frozenset[str]
    rollout_percent: int


def _rules() -> dict[str, Rule]:
    rules: dict[str, Rule] | None = cache.get(CACHE_KEY)
    if rules is None:
        from .models import FeatureFlag

        # One query: a flag's row repeats once per group (a left join), None when it has none.
        rows = FeatureFlag.objects.values_list(
            "name", "enabled", "countries", "rollout_percent", "groups__id"
        )
        groups: dict[str, set[int]] = {}
        fields: dict[str, tuple[bool, str, int]] = {}
        for name, on, countries, percent, group_id in rows:
            fields[name] = (on, countries, percent)
            groups.setdefault(name, set())
            if group_id is not None:
                groups[name].add(group_id)
        rules = {
            name: Rule(
                enabled=on,
                group_ids=frozenset(groups[name]),
                countries=frozenset(
                    code.strip().upper() for code in countries.split(",") if code.strip()
                ),
                rollout_percent=percent,
            )
            for name, (on, countries, percent) in fields.items()
        }
        cache.set(CACHE_KEY, rules, CACHE_SECONDS)
    return rules


def forget() -> None:
    cache.delete(CACHE_KEY)


def bucket(name: str, user_id: Any) -> int:
    """0 to 99, fixed for a flag and a person."""
    digest = hashlib.sha256(f"{name}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 100


def _group_ids(user: Any) -> frozenset[int]:
    # Remembered on the user object: several checks in one request cost one query.
    ids: frozenset[int] | None = getattr(user, "_flag_group_ids", None)
    if ids is None:
        ids = frozenset(user.groups.values_list("pk", flat=True))
        user._flag_group_ids = ids
    return ids


def _country(user: Any) -> str:
    profile = getattr(user, "profile", None)
    return (getattr(profile, "country", "") or "").upper()


def enabled(name: str, user: Any = None, *, default: bool = False) -> bool:
    rule = _rules().get(name)
    if rule is None:
        return default
    if not rule.enabled:
        return False
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if rule.group_ids and not (signed_in and rule.group_ids & _group_ids(user)):
        return False
    if rule.countries and not (signed_in and _country(user) in rule.countries):
        return False
    if rule.rollout_percent < 100:
        return signed_in and bucket(name, user.pk) < rule.rollout_percent
    return True


def _connect() -> None:
    from .models import FeatureFlag

    @receiver(post_save, sender=FeatureFlag, weak=False, dispatch_uid="core.flags.saved")
    @receiver(post_delete, sender=FeatureFlag, weak=False, dispatch_uid="core.flags.deleted")
    def _changed(**kwargs: Any) -> None:
        forget()

    @receiver(
        m2m_changed,
        sender=FeatureFlag.groups.through,
        weak=False,
        dispatch_uid="core.flags.groups_changed",
    )
    def _groups_changed(**kwargs: Any) -> None:
        forget()
