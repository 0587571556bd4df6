"""Interest suggestions (PeerLearn's "skill suggestions at registration"): while a person
types or picks the topics they like to talk about, suggest related ones.

No offline text-embedding model fits here: the registry packages that ship one (e.g.
sentence-transformers with a downloaded model) need weights fetched at install time and a
few hundred MB, and topic tags are one or two words, where embeddings of short tags in
several languages add little over what the community itself shows. So the model is
co-occurrence over data Toto already has, explainable to the person and to us:

1. **chosen together**: other people who chose one of your interests also chose this one
   (a self-join on ``Interest``), weight 3 per person;
2. **used together**: moments tagged with one of your interests are also tagged with this
   one (a self-join on ``MomentTopic``), weight 2 per moment;
3. **your language and level**: the topic is used in recent public moments in a language
   you learn, written by learners at your level there, weight 1 per moment;
4. **popular**: how many people chose it and how many recent moments use it (a tie-break,
   weight 0.1).

Each suggestion carries the reason of its largest part. Five to seven queries whatever the
number of people and moments (grouped counts, capped). What was measured is in
docs/decisions.md ("Interest suggestions").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf.locale import LANG_INFO
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import LearningLanguage

from .models import Interest, Moment, MomentTopic, Visibility

TAG = re.compile(r"[^\w-]+")
RECENT_DAYS = 90
CANDIDATES = 200  # rows read per signal, the most frequent first
WEIGHTS = {"chosen": 3.0, "used": 2.0, "level": 1.0, "popular": 0.1}


@dataclass
class Suggestion:
    tag: str
    score: float
    reason: str


def clean_tag(raw: Any) -> str:
    """One topic or interest tag as stored: lower case, no '#', letters, digits and '-'."""
    return TAG.sub("", str(raw).strip().lstrip("#").lower())[:40]


def interests_of(user: Any) -> list[str]:
    return list(
        Interest.objects.filter(user=user)
        .order_by("created_at", "id")
        .values_list("tag", flat=True)
    )


def _language_name(code: str) -> str:
    return str(LANG_INFO.get(code, {}).get("name", code))


def _recent_public_topics() -> Any:
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    return MomentTopic.objects.filter(
        created_at__gte=since,
        moment__status=Moment.Status.PUBLISHED,
        moment__visibility=Visibility.PUBLIC,
        moment__author__is_active=True,
        moment__author__deleted_at__isnull=True,
        moment__author__social_profile__limited_at__isnull=True,
    )


def suggest_interests(
    user: Any, *, typed: str = "", chosen: Sequence[str] = (), limit: int = 8
) -> list[Suggestion]:
    """Up to ``limit`` topics to suggest to ``user``, best first, never one already chosen.
    ``chosen`` defaults to the person's saved interests; ``typed`` (what is being typed)
    keeps the topics that start with it."""
    chosen = [tag for tag in (clean_tag(c) for c in chosen) if tag] or interests_of(user)
    prefix = clean_tag(typed)
    parts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    reasons: dict[tuple[str, str], str] = {}

    def narrowed(rows: Any) -> Any:
        rows = rows.exclude(tag__in=chosen)
        return rows.filter(tag__startswith=prefix) if prefix else rows

    if chosen:
        people = Interest.objects.filter(tag__in=chosen).exclude(user=user).values("user")
        together = (
            narrowed(Interest.objects.filter(user__in=people))
            .values("tag")
            .annotate(n=Count("user", distinct=True))
            .order_by("-n", "tag")[:CANDIDATES]
        )
        for row in together:
            parts[row["tag"]]["chosen"] = WEIGHTS["chosen"] * row["n"]
            reasons[(row["tag"], "chosen")] = ngettext(
                "chosen with your interests by %(n)d person",
                "chosen with your interests by %(n)d people",
                row["n"],
            ) % {"n": row["n"]}
        tagged = _recent_public_topics().filter(tag__in=chosen).values("moment")
        used = (
            narrowed(_recent_public_topics().filter(moment__in=tagged))
            .values("tag")
            .annotate(n=Count("moment", distinct=True))
            .order_by("-n", "tag")[:CANDIDATES]
        )
        for row in used:
            parts[row["tag"]]["used"] = WEIGHTS["used"] * row["n"]
            reasons[(row["tag"], "used")] = ngettext(
                "used with your interests in %(n)d moment",
                "used with your interests in %(n)d moments",
                row["n"],
            ) % {"n": row["n"]}

    learning = list(
        LearningLanguage.objects.filter(profile__user=user).values_list("language", "level")
    )
    if learning:
        at_my_level = Q()
        for language, level in learning:
            at_my_level |= Q(moment__language=language, moment__level=level)
        by_level = (
            narrowed(_recent_public_topics().filter(at_my_level))
            .values("tag", "moment__language", "moment__level")
            .annotate(n=Count("moment", distinct=True))
            .order_by("-n", "tag")[:CANDIDATES]
        )
        for row in by_level:
            tag = row["tag"]
            parts[tag]["level"] += WEIGHTS["level"] * row["n"]
            reasons[(tag, "level")] = _("popular with %(level)s learners of %(language)s") % {
                "level": row["moment__level"],
                "language": _language_name(row["moment__language"]),
            }

    chosen_by = (
        narrowed(Interest.objects.exclude(user=user))
        .values("tag")
        .annotate(n=Count("user", distinct=True))
        .order_by("-n", "tag")[:CANDIDATES]
    )
    used_in = (
        narrowed(_recent_public_topics())
        .values("tag")
        .annotate(n=Count("moment", distinct=True))
        .order_by("-n", "tag")[:CANDIDATES]
    )
    for rows in (chosen_by, used_in):
        for row in rows:
            parts[row["tag"]]["popular"] += WEIGHTS["popular"] * row["n"]
            reasons[(row["tag"], "popular")] = _("popular on Toto")

    mine = set(chosen)
    ranked = sorted(
        (
            Suggestion(
                tag=tag,
                score=round(sum(scores.values()), 2),
                reason=reasons[(tag, max(scores, key=lambda part: scores[part]))],
            )
            for tag, scores in parts.items()
            if tag not in mine
        ),
        key=lambda s: (-s.score, s.tag),
    )
    return ranked[:limit]
