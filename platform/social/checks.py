"""Automatic checks before a moment or a comment is published. A failed check holds the
moment for a moderator (status "held" plus an automatic report) or hides the comment (with
an automatic report; the author still sees it), it never drops either silently; only the
hourly rate limit refuses outright (429), because a flood is not content to review.

Profanity: better-profanity 0.7.0 (an offline word list with leetspeak variants). Its
false positives on learner text were measured (tests/platform/social/test_checks.py and
docs/decisions.md): it matches whole words only, so misspellings like "grammer" or "hapy"
pass; words containing a listed word inside them also pass.
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

from accounts.models import User

from .models import Comment, Moment

LINK = re.compile(r"(https?://|www\.)\S+|\b[\w-]+\.(com|net|org|io|ru|xyz|info|biz)\b", re.I)
REPEAT_WINDOW = timedelta(hours=24)
REPEAT_LIMIT = 2  # the same text posted this many times before in the window is held


@lru_cache(maxsize=1)
def _profanity() -> object:
    from better_profanity import profanity

    profanity.load_censor_words()
    return profanity


def is_profane(text: str) -> bool:
    if not text.strip():
        return False
    return bool(_profanity().contains_profanity(text))  # type: ignore[attr-defined]


def normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", "", text.lower()).split())


def hold_reason(
    author: User, text: str, mention_count: int, *, earlier: type[Moment | Comment] = Moment
) -> str:
    """Why the moment (or comment: ``earlier=Comment``, whose repeats are counted among the
    author's comments) must wait for a moderator, or "" when it may be published."""
    from .selectors import is_new_account

    if is_new_account(author):
        if len(LINK.findall(text)) > settings.SOCIAL_NEW_ACCOUNT_MAX_LINKS:
            return "links from a new account"
        if mention_count > settings.SOCIAL_NEW_ACCOUNT_MAX_MENTIONS:
            return "mentions from a new account"
    key = normalised(text)
    if key:
        since = timezone.now() - REPEAT_WINDOW
        recent = earlier.objects.filter(author=author, created_at__gte=since).values_list(
            "text", flat=True
        )[:200]
        if sum(1 for earlier in recent if normalised(earlier) == key) >= REPEAT_LIMIT:
            return "repeated content"
    if is_profane(text):
        return "profanity"
    return ""


def over_rate_limit(author: User) -> bool:
    since = timezone.now() - timedelta(hours=1)
    posted = Moment.objects.filter(author=author, created_at__gte=since).count()
    return posted >= settings.SOCIAL_MOMENTS_PER_HOUR
