"""Automatic checks before a moment or a comment is published. A failed check holds the
moment for a moderator (status "held" plus an automatic report) or hides the comment (with
an automatic report; the author still sees it), it never drops either silently; only the
hourly rate limit refuses outright (429), because a flood is not content to review.

Profanity: better-profanity 0.7.0 (an offline word list with leetspeak variants). Its
false positives on learner text were measured (tests/platform/social/test_checks.py and
docs/decisions.md): it matches whole words only, so misspellings like "grammer" or "hapy"
pass; words containing a listed word inside them also pass.

Beyond English: curated word lists per language in checks_words/ (from safetext 0.3.3, MIT;
README.md there says what was left out and why). A text is checked against the list of its
language tag (the moment's; a comment or a correction takes its moment's) and English; an
untagged text, or one in a language without a list, against every list. False positives on
learner text with spelling mistakes are measured by benchmarks/social/profanity.py on
tests/data/social_learner_text.json (numbers in benchmarks/social/results.md).
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

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


WORDS_DIR = Path(__file__).with_name("checks_words")
#: Accents folded away (so a learner's "cabron" is "cabrón"), but not the tilde of ñ.
_FOLD = str.maketrans("áàâäãéèêëíìîïóòôöõúùûüç", "aaaaaeeeeiiiiooooouuuuc")
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640]")
# Alef with hamza or madda -> alef, ta marbuta -> ha, alef maqsura -> ya.
_ARABIC_FORMS = str.maketrans(
    {
        "\u0623": "\u0627",
        "\u0625": "\u0627",
        "\u0622": "\u0627",
        "\u0629": "\u0647",
        "\u0649": "\u064a",
    }
)
_AL = "\u0627\u0644"  # the article
_WAW, _BA, _FA, _LAM = "\u0648", "\u0628", "\u0641", "\u0644"
_ARABIC_PREFIXES = (_WAW + _AL, _BA + _AL, _FA + _AL, _LAM + _LAM, _AL, _WAW, _BA, _FA, _LAM)
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


def _tokens(text: str) -> list[str]:
    text = _ARABIC_MARKS.sub("", text.lower()).translate(_FOLD).translate(_ARABIC_FORMS)
    return re.findall(r"\w+", text)


def _unprefixed(token: str) -> str:
    if _ARABIC_LETTER.match(token):
        for prefix in _ARABIC_PREFIXES:
            if token.startswith(prefix) and len(token) - len(prefix) >= 2:
                return token[len(prefix) :]
    return token


@lru_cache(maxsize=1)
def word_lists() -> dict[str, frozenset[str]]:
    """Each language's entries, normalised as texts are (words joined by one space)."""
    lists = {}
    for path in sorted(WORDS_DIR.glob("*.txt")):
        entries = set()
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                entries.add(" ".join(_tokens(line)))
        lists[path.stem] = frozenset(entries)
    return lists


def _matches(entries: frozenset[str], tokens: list[str]) -> str:
    longest = max((entry.count(" ") + 1 for entry in entries), default=0)
    for variant in (tokens, [_unprefixed(token) for token in tokens]):
        for size in range(1, longest + 1):
            for start in range(len(variant) - size + 1):
                phrase = " ".join(variant[start : start + size])
                if phrase in entries:
                    return phrase
        if variant == tokens and not any(_ARABIC_LETTER.search(t) for t in tokens):
            break
    return ""


def lists_for(language: str) -> list[str]:
    """The languages whose lists a text tagged ``language`` is checked against: its own
    and English, or every list (and English) when untagged or without a list."""
    code = (language or "").split("-")[0].lower()
    lists = word_lists()
    if code == "en":
        return ["en"]
    if code in lists:
        return ["en", code]
    return ["en", *lists]


def profanity_in(text: str, language: str = "") -> str:
    """The language whose list matched the text ("" when none did)."""
    if not text.strip():
        return ""
    tokens: list[str] | None = None
    for code in lists_for(language):
        if code == "en":
            if _profanity().contains_profanity(text):  # type: ignore[attr-defined]
                return "en"
            continue
        if tokens is None:
            tokens = _tokens(text)
        if _matches(word_lists()[code], tokens):
            return code
    return ""


def is_profane(text: str, language: str = "") -> bool:
    return bool(profanity_in(text, language))


def normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", "", text.lower()).split())


def hold_reason(
    author: User,
    text: str,
    mention_count: int,
    *,
    earlier: type[Moment | Comment] = Moment,
    language: str = "",
) -> str:
    """Why the moment (or comment: ``earlier=Comment``, whose repeats are counted among the
    author's comments) must wait for a moderator, or "" when it may be published.
    ``language`` is the moment's language tag (the profanity lists checked)."""
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
    if is_profane(text, language):
        return "profanity"
    return ""


def over_rate_limit(author: User) -> bool:
    since = timezone.now() - timedelta(hours=1)
    posted = Moment.objects.filter(author=author, created_at__gte=since).count()
    return posted >= settings.SOCIAL_MOMENTS_PER_HOUR
