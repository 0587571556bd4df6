"""Reads of the word bank, always scoped to the owner: nobody sees another person's words."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from learning.scoring import normalize_text

from . import workload
from .fitting import Review
from .models import (
    MASTERED_STABILITY_DAYS,
    Card,
    CardState,
    DueShift,
    LearnerSchedule,
    ReviewLog,
    Word,
)
from .scheduling import DEFAULT_PARAMETERS

DEFAULT_RETENTION = float(LearnerSchedule._meta.get_field("desired_retention").default)

STATUSES = ("new", "learning", "due", "mastered")


def lemma_of(text: str) -> str:
    # Lessons' tolerant matching: case, spacing and punctuation never make a second word.
    return normalize_text(text)[:200]


def zone_from_name(name: str | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def zone_of(user: Any) -> zoneinfo.ZoneInfo:
    from accounts.models import Profile

    name = Profile.objects.filter(user_id=user.pk).values_list("time_zone", flat=True).first()
    return zone_from_name(name)


def schedule_of(user: Any) -> LearnerSchedule | None:
    return LearnerSchedule.objects.filter(user=user).first()


def schedule_or_default(user: Any) -> LearnerSchedule:
    """The learner's saved schedule, or an unsaved one with the defaults."""
    return schedule_of(user) or LearnerSchedule(user=user)


@dataclass(frozen=True)
class ReviewSettings:
    """What scheduling one review needs from the learner: their FSRS settings and zone."""

    parameters: tuple[float, ...]
    desired_retention: float
    easy_days: tuple[int, ...]
    zone: zoneinfo.ZoneInfo


def card_to_review(owner: Any, card_id: int) -> tuple[Card, ReviewSettings] | None:
    """The owner's card with its word, locked for the review, and the owner's schedule and
    time zone read in the same query (the schedule row may not exist yet: the defaults)."""
    card = (
        Card.objects.select_for_update(of=("self",))
        .select_related("word")
        .filter(owner=owner, pk=card_id)
        .annotate(
            owner_zone=F("owner__profile__time_zone"),
            owner_retention=F("owner__vocabulary_schedule__desired_retention"),
            owner_parameters=F("owner__vocabulary_schedule__parameters"),
            owner_easy_days=F("owner__vocabulary_schedule__easy_days"),
        )
        .first()
    )
    if card is None:
        return None
    retention = getattr(card, "owner_retention", None)
    settings = ReviewSettings(
        parameters=tuple(getattr(card, "owner_parameters", None) or DEFAULT_PARAMETERS),
        desired_retention=DEFAULT_RETENTION if retention is None else float(retention),
        easy_days=tuple(getattr(card, "owner_easy_days", None) or ()),
        zone=zone_from_name(getattr(card, "owner_zone", None)),
    )
    return card, settings


def review_settings_of(owner: Any) -> ReviewSettings:
    """The owner's FSRS settings and zone without a card (postpone, advance)."""
    schedule = schedule_of(owner)
    return ReviewSettings(
        parameters=tuple((schedule.parameters if schedule else None) or DEFAULT_PARAMETERS),
        desired_retention=schedule.desired_retention if schedule else DEFAULT_RETENTION,
        easy_days=tuple((schedule.easy_days if schedule else None) or ()),
        zone=zone_of(owner),
    )


def overdue_cards(owner: Any, now: dt.datetime, *, limit: int) -> list[Card]:
    """Review-state cards due by ``now``, oldest due first, locked for a postpone."""
    return list(
        Card.objects.select_for_update()
        .filter(owner=owner, state=CardState.REVIEW, last_review__isnull=False, due__lte=now)
        .order_by("due", "id")[:limit]
    )


def cards_due_between(
    owner: Any, start: dt.datetime, end: dt.datetime, *, limit: int
) -> list[Card]:
    """Review-state cards due after ``start`` up to ``end``, soonest first, locked."""
    return list(
        Card.objects.select_for_update()
        .filter(owner=owner, state=CardState.REVIEW, due__gt=start, due__lte=end)
        .order_by("due", "id")[:limit]
    )


@dataclass(frozen=True)
class Backlog:
    overdue: int  # review cards due now
    upcoming: int  # review cards due in the next ``days`` days
    days: int


def backlog(owner: Any, now: dt.datetime, days: int) -> Backlog:
    """What postpone and advance would work on, counted in one query."""
    counts = Card.objects.filter(owner=owner, state=CardState.REVIEW).aggregate(
        overdue=Count("id", filter=Q(due__lte=now)),
        upcoming=Count("id", filter=Q(due__gt=now, due__lte=now + dt.timedelta(days=days))),
    )
    return Backlog(overdue=counts["overdue"], upcoming=counts["upcoming"], days=days)


def recent_shifts(owner: Any, limit: int = 10) -> list[dict[str, Any]]:
    """The learner's last postpones and advances, one line per action (not per card)."""
    rows = (
        DueShift.objects.filter(owner=owner)
        .values("kind", "created_at")
        .annotate(cards=Count("id"))
        .order_by("-created_at")[:limit]
    )
    return [dict(row) for row in rows]


def review_by_key(owner: Any, idempotency_key: str) -> ReviewLog | None:
    return (
        ReviewLog.objects.filter(owner=owner, idempotency_key=idempotency_key)
        .select_related("card")
        .first()
    )


def bank_size(user: Any) -> int:
    return Word.objects.filter(owner=user).count()


def workload_preview(
    user: Any,
    *,
    schedule: LearnerSchedule | None = None,
    cards: int | None = None,
    extra: float | None = None,
) -> list[workload.Estimate]:
    """Reviews a day at a few desired retentions for this learner (their parameters, bank
    size and daily limits), through fsrs-rs's simulator. Callers that already hold the
    schedule or the bank size pass them."""
    schedule = schedule or schedule_or_default(user)
    if cards is None:
        cards = bank_size(user)
    return workload.preview(
        schedule.parameters or DEFAULT_PARAMETERS,
        schedule.desired_retention,
        cards=cards,
        new_per_day=schedule.daily_new_limit,
        review_limit=schedule.daily_review_limit,
        extra=extra,
    )


def word_by_lemma(owner: Any, language: str, lemma: str) -> Word | None:
    return (
        Word.objects.filter(owner=owner, language=language, lemma=lemma)
        .select_related("card")
        .first()
    )


def clashing_word(word: Word, text: str, language: str) -> Word | None:
    """Another word of the same owner that ``word`` would duplicate with this text and
    language (same lemma), or None."""
    clash = word_by_lemma(word.owner_id, language.strip().lower(), lemma_of(text))
    return clash if clash is not None and clash.pk != word.pk else None


def words_of(owner: Any) -> QuerySet[Word]:
    return (
        Word.objects.filter(owner=owner).select_related("card").prefetch_related("tags")  # type: ignore[misc]  # taggit's manager is untyped
    )


def filter_status(words: QuerySet[Word], status: str, now: dt.datetime) -> QuerySet[Word]:
    reviewed = Q(card__last_review__isnull=False)
    mastered = Q(card__stability__gte=MASTERED_STABILITY_DAYS)
    if status == "new":
        return words.filter(card__last_review__isnull=True)
    if status == "due":
        return words.filter(reviewed, card__due__lte=now)
    if status == "mastered":
        return words.filter(reviewed, mastered)
    if status == "learning":
        return words.filter(reviewed).exclude(mastered)
    return words


def status_of(card: Card, now: dt.datetime) -> str:
    """One status to show: new, due, mastered or learning (in that order of precedence)."""
    if card.last_review is None:
        return "new"
    if card.due <= now:
        return "due"
    if (card.stability or 0) >= MASTERED_STABILITY_DAYS:
        return "mastered"
    return "learning"


def search_words(words: QuerySet[Word], text: str) -> QuerySet[Word]:
    text = text.strip()
    if not text:
        return words
    return words.filter(
        Q(text__icontains=text) | Q(translation__icontains=text) | Q(example__icontains=text)
    )


def local_day_start(now: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    local = now.astimezone(zone)
    return dt.datetime.combine(local.date(), dt.time(), tzinfo=zone).astimezone(dt.UTC)


@dataclass(frozen=True)
class DueSummary:
    card_ids: list[int]
    review_count: int  # review cards due now, within today's review limit
    new_count: int  # new cards offered, within today's new-word limit
    reviews_left: int
    new_left: int


def due_summary(user: Any, now: dt.datetime | None = None) -> DueSummary:
    """Today's session: due review cards (oldest due first) then new cards (oldest first), each
    within what is left of the learner's daily limits in their time zone."""
    now = now or timezone.now()
    schedule = schedule_or_default(user)
    start = local_day_start(now, zone_of(user))
    done = ReviewLog.objects.filter(owner=user, reviewed_at__gte=start).aggregate(
        new=Count("id", filter=Q(was_new=True)),
        reviews=Count("id", filter=Q(was_new=False, was_due=True)),
    )
    reviews_left = max(0, schedule.daily_review_limit - done["reviews"])
    new_left = max(0, schedule.daily_new_limit - done["new"])
    review_ids = list(
        Card.objects.filter(owner=user, last_review__isnull=False, due__lte=now)
        .order_by("due", "id")
        .values_list("id", flat=True)[:reviews_left]
    )
    new_ids = list(
        Card.objects.filter(owner=user, last_review__isnull=True)
        .order_by("word__created_at", "id")
        .values_list("id", flat=True)[:new_left]
    )
    return DueSummary(
        card_ids=[*review_ids, *new_ids],
        review_count=len(review_ids),
        new_count=len(new_ids),
        reviews_left=reviews_left,
        new_left=new_left,
    )


def cards_in_order(user: Any, card_ids: list[int]) -> QuerySet[Card]:
    order = Case(
        *[When(pk=pk, then=Value(index)) for index, pk in enumerate(card_ids)],
        output_field=IntegerField(),
    )
    return (
        Card.objects.filter(owner=user, pk__in=card_ids)
        .select_related("word")
        .order_by(order if card_ids else F("id"))
    )


def due_count(user: Any, now: dt.datetime | None = None) -> int:
    return len(due_summary(user, now).card_ids)


def daily_load(
    owner: Any,
    first: dt.date,
    last: dt.date,
    zone: zoneinfo.ZoneInfo,
    *,
    exclude_card: int | None = None,
) -> dict[dt.date, int]:
    """The owner's reviewed cards due on each local day from ``first`` to ``last``."""
    start = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    cards = Card.objects.filter(owner=owner, last_review__isnull=False, due__gte=start, due__lt=end)
    if exclude_card is not None:
        cards = cards.exclude(pk=exclude_card)
    rows = cards.annotate(day=TruncDate("due", tzinfo=zone)).values("day").annotate(n=Count("id"))
    return {row["day"]: row["n"] for row in rows}


def word_for(owner: Any, word_id: int) -> Word | None:
    return words_of(owner).filter(pk=word_id).first()


def card_for(owner: Any, card_id: int) -> Card | None:
    return Card.objects.filter(owner=owner, pk=card_id).select_related("word").first()


@dataclass(frozen=True)
class PoolWord:
    word_id: int
    language: str
    translation: str
    part_of_speech: str
    frequency_band: int
    text: str = ""  # the word itself: distractor chips in the word's language


def distractor_pool(owner: Any, languages: set[str], limit: int = 1000) -> list[PoolWord]:
    """The learner's own words in these languages (one query for a whole page of cards)."""
    if not languages:
        return []
    rows = (
        Word.objects.filter(owner=owner, language__in=languages)
        .exclude(translation="")
        .order_by("-created_at")
        .values_list("pk", "language", "translation", "part_of_speech", "frequency_band", "text")[
            :limit
        ]
    )
    return [PoolWord(*row) for row in rows]


def pick_distractors(pool: list[PoolWord], word: Word, count: int = 3) -> list[str]:
    """Wrong answers for a multiple-choice question, from the learner's own bank: the same
    language, the same part of speech first, then the nearest frequency band (similar words
    are the plausible mistakes)."""
    candidates = sorted(
        (
            item
            for item in pool
            if item.language == word.language
            and item.word_id != word.pk
            and item.translation.casefold() != word.translation.casefold()
        ),
        key=lambda item: (
            item.part_of_speech != word.part_of_speech or not word.part_of_speech,
            abs(item.frequency_band - word.frequency_band),
            item.word_id,
        ),
    )
    chosen: list[str] = []
    for item in candidates:
        if item.translation.casefold() not in {text.casefold() for text in chosen}:
            chosen.append(item.translation)
        if len(chosen) == count:
            break
    return chosen


def schedules_with_reminders() -> QuerySet[LearnerSchedule]:
    return LearnerSchedule.objects.filter(reminder_time__isnull=False).select_related(
        "user", "user__profile"
    )


def reviews_for_fitting(user: Any) -> list[Review]:
    return [
        Review(card_id, rating, reviewed_at)
        for card_id, rating, reviewed_at in ReviewLog.objects.filter(owner=user)
        .order_by("reviewed_at", "id")
        .values_list("card_id", "rating", "reviewed_at")
    ]


def learners_to_fit(min_reviews: int) -> Iterator[Any]:
    from django.contrib.auth import get_user_model

    ids = (
        ReviewLog.objects.values("owner_id")
        .annotate(n=Count("id"))
        .filter(n__gte=min_reviews)
        .values_list("owner_id", flat=True)
    )
    yield from get_user_model().objects.filter(pk__in=list(ids)).iterator()


EXPORT_FIELDS = (
    "text",
    "translation",
    "language",
    "part_of_speech",
    "example",
    "level",
    "frequency_band",
    "source",
)


def export_csv(owner: Any) -> str:
    now = timezone.now()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [*EXPORT_FIELDS, "tags", "status", "due", "stability", "created_at", "image_url"]
    )
    for word in words_of(owner).order_by("created_at", "id"):
        card = word.card
        writer.writerow(
            [
                *[_safe_cell(str(getattr(word, field))) for field in EXPORT_FIELDS],
                _safe_cell(", ".join(sorted(tag.name for tag in word.tags.all()))),
                status_of(card, now),
                card.due.isoformat(),
                "" if card.stability is None else f"{card.stability:.2f}",
                word.created_at.isoformat(),
                word.image.url if word.image else "",
            ]
        )
    return out.getvalue()


def _safe_cell(value: str) -> str:
    # A cell a spreadsheet would run as a formula is prefixed so it stays text.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
