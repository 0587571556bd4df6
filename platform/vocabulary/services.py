"""Every write to the word bank: words, reviews, the learner's schedule, reminders, fitting."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import activity
from core.lazy import lazy_module
from core.tags import clean_tag_names, set_tags, tags_for

from . import fitting, scheduling, selectors
from .errors import CardNotFound, ReviewKeyReused
from .importing import ImportRow, Rejected
from .models import (
    MASTERED_STABILITY_DAYS,
    MAX_TAGS,
    Card,
    DueShift,
    LearnerSchedule,
    Level,
    ReviewLog,
    Source,
    TaggedWord,
    Word,
)
from .selectors import lemma_of

logger = logging.getLogger(__name__)

REMINDER_TYPE = "vocabulary.due"
#: Zipf frequency lower bounds for a rough CEFR guess when the source gives no level.
ZIPF_LEVELS: tuple[tuple[float, str], ...] = (
    (6.0, Level.A1),
    (5.0, Level.A2),
    (4.5, Level.B1),
    (4.0, Level.B2),
    (3.0, Level.C1),
)

if TYPE_CHECKING:
    import wordfreq
else:
    wordfreq = lazy_module("wordfreq")


def zipf_of(text: str, language: str) -> float:
    try:
        return float(wordfreq.zipf_frequency(text, language.split("-")[0].lower()))
    except LookupError:  # a language wordfreq has no list for
        return 0.0


def frequency_band(zipf: float) -> int:
    return max(0, min(7, round(zipf)))


def level_guess(zipf: float) -> str:
    if zipf <= 0:
        return ""
    for floor, level in ZIPF_LEVELS:
        if zipf >= floor:
            return level
    return Level.C2


@dataclass(frozen=True)
class AddResult:
    word: Word
    created: bool


def add_word(
    owner: Any,
    *,
    text: str,
    language: str,
    translation: str = "",
    part_of_speech: str = "",
    example: str = "",
    tags: Iterable[str] = (),
    source: str = Source.MANUAL,
    source_ref: str = "",
    level: str = "",
) -> AddResult:
    """Adds a word with its card, or answers the word already in the bank (same language and
    lemma) untouched: a second click on "Add to my words" is harmless."""
    text = " ".join(text.split())
    language = language.strip().lower()
    lemma = lemma_of(text)
    existing = selectors.word_by_lemma(owner, language, lemma)
    if existing is not None:
        return AddResult(existing, created=False)
    zipf = zipf_of(text, language)
    try:
        with transaction.atomic():
            word = Word.objects.create(
                owner=owner,
                language=language,
                text=text,
                lemma=lemma,
                translation=translation.strip(),
                part_of_speech=part_of_speech.strip(),
                example=example.strip(),
                source=source,
                source_ref=source_ref[:200],
                level=level or level_guess(zipf),
                frequency_band=frequency_band(zipf),
            )
            Card.objects.create(word=word, owner=owner, due=word.created_at)
            set_tags(word.tags, tags, limit=MAX_TAGS)
            activity.record(
                owner,
                "vocabulary.word_added",
                obj=word,
                language=language,
                level=word.level,
                data={"word_id": word.pk, "source": source},
            )
    except IntegrityError:  # the same word added twice at once: the other request won
        found = selectors.word_by_lemma(owner, language, lemma)
        if found is None:
            raise
        return AddResult(found, created=False)
    return AddResult(word, created=True)


EDITABLE_FIELDS = ("text", "translation", "part_of_speech", "example", "level", "language")


def update_word(word: Word, *, tags: Iterable[str] | None = None, **fields: Any) -> Word:
    for name, value in fields.items():
        if name in EDITABLE_FIELDS:
            setattr(word, name, value)
    if "text" in fields or "language" in fields:
        word.lemma = lemma_of(word.text)
        if "text" in fields:
            word.audio = ""  # the cached pronunciation was of the old text
    with transaction.atomic():
        word.save()
        if tags is not None:
            set_tags(word.tags, tags, limit=MAX_TAGS)
    return word


def delete_word(word: Word) -> None:
    if word.audio:
        word.audio.delete(save=False)
    if word.image:
        word.image.delete(save=False)
    word.delete()  # and its card and review log


def set_word_image(word: Word, upload: Any | None) -> Word:
    """The word's picture (optional): checked by its content, re-encoded without metadata and
    made card-sized by the social app's moment-photo helper (a virus scan included); None
    removes it. The previous file is deleted. Raises ValidationError({"image": …})."""
    from rest_framework.exceptions import ValidationError

    from social.errors import InvalidMedia
    from social.media import process_image

    stored = None
    if upload is not None:
        try:
            processed = process_image(upload)
        except InvalidMedia as exc:
            raise ValidationError({"image": [str(exc.detail)]}) from exc
        stored = processed.thumbnail  # 480 px on the long side: a flashcard's picture
    old = word.image.name if word.image else ""
    if stored is not None:
        word.image.save(f"word-{word.pk}-{stored.name}", stored, save=False)
    else:
        word.image = ""
    Word.objects.filter(pk=word.pk).update(image=word.image.name or "")
    if old and old != (word.image.name or ""):
        word.image.storage.delete(old)
    return word


BULK_ACTIONS = ("delete", "add_tags", "remove_tags", "set_level")


def bulk_edit(
    owner: Any,
    word_ids: Sequence[int],
    action: str,
    *,
    tags: Sequence[str] = (),
    level: str = "",
) -> int:
    """Applies one action to the owner's words among ``word_ids``; returns how many."""
    words = Word.objects.filter(owner=owner, pk__in=word_ids)
    if action == "delete":
        count = 0
        with transaction.atomic():
            for word in words:
                delete_word(word)
                count += 1
        return count
    if action == "set_level":
        return words.update(level=level, updated_at=timezone.now())
    with transaction.atomic():
        chosen = list(words.prefetch_related("tags"))  # type: ignore[misc]  # taggit untyped
        for word in chosen:
            current = [tag.name for tag in word.tags.all()]
            if action == "add_tags":
                names = [*current, *tags]
            else:
                dropped = {name.casefold() for name in tags}
                names = [name for name in current if name.casefold() not in dropped]
            set_tags(word.tags, names, limit=MAX_TAGS)
    return len(chosen)


# --- Import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportSummary:
    added: int
    duplicates: int
    rejected: list[Rejected]


def import_words(
    owner: Any, rows: Sequence[ImportRow], rejected: Sequence[Rejected] = ()
) -> ImportSummary:
    """Adds the rows as new words with new cards, all or nothing (one transaction). A row whose
    lemma and language are already in the bank, or earlier in the file, is skipped and counted
    as a duplicate (the rule of :func:`add_word`). The writes are in bulk: a few queries for
    the whole file, not a few per word."""
    now = timezone.now()
    existing = set(Word.objects.filter(owner=owner).values_list("language", "lemma"))
    words: list[Word] = []
    word_tags: list[tuple[str, ...]] = []
    refused = list(rejected)
    duplicates = 0
    for row in rows:
        lemma = lemma_of(row.text)
        if not lemma:
            refused.append(Rejected(row.line, _("The word has no letters or digits.")))
            continue
        key = (row.language, lemma)
        if key in existing:
            duplicates += 1
            continue
        existing.add(key)
        zipf = zipf_of(row.text, row.language)
        words.append(
            Word(
                owner=owner,
                language=row.language,
                text=row.text,
                lemma=lemma,
                translation=row.translation.strip(),
                part_of_speech=row.part_of_speech.strip(),
                example=row.example.strip(),
                source=Source.IMPORT,
                level=row.level or level_guess(zipf),
                frequency_band=frequency_band(zipf),
                created_at=now,
            )
        )
        word_tags.append(tuple(clean_tag_names(row.tags, limit=MAX_TAGS)))
    with transaction.atomic():
        Word.objects.bulk_create(words)
        Card.objects.bulk_create([Card(word=word, owner=owner, due=now) for word in words])
        tags = {
            tag.name.casefold(): tag
            for tag in tags_for(
                clean_tag_names(
                    [name for names in word_tags for name in names], limit=len(words) * MAX_TAGS + 1
                )
            )
        }
        TaggedWord.objects.bulk_create(
            [
                TaggedWord(content_object=word, tag=tags[name.casefold()])
                for word, names in zip(words, word_tags, strict=True)
                for name in names
                if name.casefold() in tags
            ]
        )
        for word in words:
            activity.record(
                owner,
                "vocabulary.word_added",
                obj=word,
                language=word.language,
                level=word.level,
                data={"word_id": word.pk, "source": Source.IMPORT},
            )
    refused.sort(key=lambda item: item.line)
    return ImportSummary(added=len(words), duplicates=duplicates, rejected=refused)


# --- Postpone and advance --------------------------------------------------------------------

#: The most cards one postpone or advance moves (the oldest due first).
MAX_SHIFT_CARDS = 5000
#: How far below the learner's desired retention a postponed card may fall, and never below
#: the lowest desired retention a learner may choose.
POSTPONE_RETENTION_MARGIN = 0.10
POSTPONE_RETENTION_FLOOR = 0.70


@dataclass(frozen=True)
class ShiftResult:
    moved: int
    kept: int = 0  # postpone: overdue cards too close to forgotten to wait


def postpone_floor(desired_retention: float) -> float:
    return max(POSTPONE_RETENTION_FLOOR, round(desired_retention - POSTPONE_RETENTION_MARGIN, 2))


def postpone_due(owner: Any, *, days: int, now: dt.datetime | None = None) -> ShiftResult:
    """After a break: spreads the overdue review cards over the next ``days`` days.

    Each card may wait only as long as fsrs predicts the learner still recalls it with at
    least :func:`postpone_floor` of the desired retention; a card already below it stays due
    today. Within what it may wait, a card goes to the least loaded day (the earliest on a
    tie), the most urgent cards placed first, so no day of the coming week spikes."""
    now = now or timezone.now()
    settings_ = selectors.review_settings_of(owner)
    scheduler = scheduling.scheduler_with(settings_.parameters, settings_.desired_retention)
    floor = postpone_floor(settings_.desired_retention)
    today = now.astimezone(settings_.zone).date()
    targets = [
        dt.datetime.combine(today + dt.timedelta(days=offset), dt.time(), tzinfo=settings_.zone)
        for offset in range(1, days + 1)
    ]
    with transaction.atomic():
        cards = selectors.overdue_cards(owner, now, limit=MAX_SHIFT_CARDS)
        load = selectors.daily_load(owner, targets[0].date(), targets[-1].date(), settings_.zone)
        reach = [
            (scheduling.latest_day_above(scheduler, card, targets, floor), card) for card in cards
        ]
        shifts: list[DueShift] = []
        kept = 0
        for allowed, card in sorted(reach, key=lambda item: (item[0], item[1].due, item[1].pk)):
            if allowed == 0:
                kept += 1
                continue
            choice = min(
                range(allowed), key=lambda index: (load.get(targets[index].date(), 0), index)
            )
            new_due = targets[choice]
            load[new_due.date()] = load.get(new_due.date(), 0) + 1
            shifts.append(
                DueShift(
                    owner=owner,
                    card=card,
                    kind=DueShift.Kind.POSTPONE,
                    old_due=card.due,
                    new_due=new_due,
                    retrievability_before=scheduling.retrievability(scheduler, card, now),
                    retrievability_after=scheduling.retrievability(scheduler, card, new_due),
                    created_at=now,
                )
            )
            card.due = new_due
        _save_shifts(shifts)
    return ShiftResult(moved=len(shifts), kept=kept)


def advance_due(owner: Any, *, days: int, now: dt.datetime | None = None) -> ShiftResult:
    """Before a trip: the review cards due in the next ``days`` days become due now, to be
    reviewed early. fsrs schedules an early review itself (a shorter elapsed time earns a
    smaller stability gain); nothing but the due moves."""
    now = now or timezone.now()
    settings_ = selectors.review_settings_of(owner)
    scheduler = scheduling.scheduler_with(settings_.parameters, settings_.desired_retention)
    with transaction.atomic():
        cards = selectors.cards_due_between(
            owner, now, now + dt.timedelta(days=days), limit=MAX_SHIFT_CARDS
        )
        shifts = [
            DueShift(
                owner=owner,
                card=card,
                kind=DueShift.Kind.ADVANCE,
                old_due=card.due,
                new_due=now,
                retrievability_before=scheduling.retrievability(scheduler, card, card.due),
                retrievability_after=scheduling.retrievability(scheduler, card, now),
                created_at=now,
            )
            for card in cards
        ]
        for card in cards:
            card.due = now
        _save_shifts(shifts)
    return ShiftResult(moved=len(shifts))


def _save_shifts(shifts: list[DueShift]) -> None:
    if not shifts:
        return
    Card.objects.bulk_update([shift.card for shift in shifts], ["due"], batch_size=1000)
    DueShift.objects.bulk_create(shifts, batch_size=1000)


# --- Schedule --------------------------------------------------------------------------------


def ensure_schedule(user: Any) -> LearnerSchedule:
    schedule, _ = LearnerSchedule.objects.get_or_create(user=user)
    return schedule


SCHEDULE_FIELDS = (
    "desired_retention",
    "daily_new_limit",
    "daily_review_limit",
    "easy_days",
    "reminder_time",
)


def update_schedule(user: Any, **fields: Any) -> LearnerSchedule:
    schedule = ensure_schedule(user)
    for name, value in fields.items():
        if name in SCHEDULE_FIELDS:
            setattr(schedule, name, value)
    if "easy_days" in fields:
        schedule.easy_days = sorted({int(day) for day in fields["easy_days"]})
    schedule.full_clean()
    schedule.save()
    return schedule


# --- Reviews ---------------------------------------------------------------------------------


CARD_STATE_FIELDS = [
    "due",
    "state",
    "step",
    "stability",
    "difficulty",
    "last_review",
    "reps",
    "lapses",
]


@dataclass(frozen=True)
class ReviewOutcome:
    log: ReviewLog
    card: Card
    replayed: bool


def _balance_for(
    owner: Any, card: Card, review_settings: selectors.ReviewSettings
) -> scheduling.Balance:
    zone = review_settings.zone

    def load(first: dt.date, last: dt.date) -> dict[dt.date, int]:
        return selectors.daily_load(owner, first, last, zone, exclude_card=card.pk)

    easy = frozenset(review_settings.easy_days)
    return scheduling.Balance(zone=zone, easy_days=easy, load=load)


def _replayed(owner: Any, idempotency_key: str, card_id: int, rating: int) -> ReviewOutcome | None:
    """The first outcome of this key, or None when the key is new. The same key for another
    card or rating is a client bug, refused rather than guessed at."""
    existing = selectors.review_by_key(owner, idempotency_key)
    if existing is None:
        return None
    if existing.card_id != card_id or existing.rating != rating:
        raise ReviewKeyReused()
    return ReviewOutcome(existing, existing.card, replayed=True)


def submit_review(
    owner: Any,
    *,
    card_id: int,
    rating: int,
    reviewed_at: dt.datetime,
    duration_ms: int,
    idempotency_key: str,
) -> ReviewOutcome:
    """Applies one review. Offline clients send reviews late and may send one twice:

    - the same ``idempotency_key`` again answers the first outcome and changes nothing;
    - a review newer than the card's last review is applied to the card's state;
    - a review older than it (another device synced later) is stored, and the card's state is
      rebuilt from its whole log in ``reviewed_at`` order, as if it had arrived in time.

    A replay is answered from the log without a lock. Two requests with one new key at once
    both get past that check; the key's unique constraint fails the second one's transaction
    as a whole, which then answers the first one's outcome like any replay.
    """
    replayed = _replayed(owner, idempotency_key, card_id, rating)
    if replayed is not None:
        return replayed
    try:
        return _apply_review(owner, card_id, rating, reviewed_at, duration_ms, idempotency_key)
    except IntegrityError:
        replayed = _replayed(owner, idempotency_key, card_id, rating)
        if replayed is None:
            raise
        return replayed


def _apply_review(
    owner: Any,
    card_id: int,
    rating: int,
    reviewed_at: dt.datetime,
    duration_ms: int,
    idempotency_key: str,
) -> ReviewOutcome:
    with transaction.atomic():
        found = selectors.card_to_review(owner, card_id)
        if found is None:
            raise CardNotFound()
        card, review_settings = found
        scheduler = scheduling.scheduler_with(
            review_settings.parameters, review_settings.desired_retention
        )
        balance = _balance_for(owner, card, review_settings)
        if card.last_review is None or reviewed_at >= card.last_review:
            was_new = card.last_review is None
            was_due = was_new or reviewed_at >= card.due
            state = scheduling.review(
                scheduler, scheduling.to_fsrs(card), rating, reviewed_at, duration_ms, balance
            )
            card.reps += 1
            card.lapses += int(rating == 1 and not was_new)
        else:
            history = list(card.logs.values_list("rating", "reviewed_at", "duration_ms"))
            earlier = [item for item in history if item[1] <= reviewed_at]
            was_new = not earlier
            before = scheduling.replay(scheduler, scheduling.new_fsrs_card(card), earlier)
            was_due = was_new or reviewed_at >= before.due
            everything = [*history, (rating, reviewed_at, duration_ms)]
            state = scheduling.replay(
                scheduler, scheduling.new_fsrs_card(card), everything, balance
            )
            ordered = sorted(everything, key=lambda item: item[1])
            card.reps = len(ordered)
            card.lapses = sum(1 for item in ordered[1:] if item[0] == 1)
        scheduling.copy_into(card, state)
        card.save(update_fields=CARD_STATE_FIELDS)
        # No savepoint: a clash on the key fails this whole transaction (see submit_review).
        log = ReviewLog.objects.create(
            card=card,
            owner=owner,
            rating=rating,
            reviewed_at=reviewed_at,
            duration_ms=duration_ms,
            idempotency_key=idempotency_key,
            was_due=was_due,
            was_new=was_new,
            due_after=card.due,
        )
        word = card.word
        activity.record(
            owner,
            "vocabulary.card_reviewed",
            occurred_at=reviewed_at,
            obj=card,
            language=word.language,
            level=word.level,
            data={
                "card_id": card.pk,
                "rating": rating,
                "was_due": was_due,
                "duration_ms": duration_ms,
            },
        )
        if word.mastered_at is None and (card.stability or 0) >= MASTERED_STABILITY_DAYS:
            word.mastered_at = reviewed_at
            word.save(update_fields=["mastered_at"])
            activity.record(
                owner,
                "vocabulary.word_mastered",
                occurred_at=reviewed_at,
                obj=word,
                language=word.language,
                level=word.level,
                data={"word_id": word.pk},
            )
    return ReviewOutcome(log, card, replayed=False)


# --- Audio -----------------------------------------------------------------------------------


def word_audio(word: Word) -> Word:
    """The word spoken by the ML service's TTS, made once and kept with the word."""
    if word.audio:
        return word
    from ai import client

    speech = client.synthesize(word.text, word.language, "mp3")
    word.audio.save(f"word-{word.pk}.mp3", ContentFile(speech), save=False)
    Word.objects.filter(pk=word.pk).update(audio=word.audio.name)
    return word


@dataclass(frozen=True)
class SayResult:
    score: float  # 0..100
    rating: int
    expected: str
    recognized_text: str


MAX_SAY_BYTES = 5 * 1024 * 1024


def assess_saying(user: Any, card_id: int, audio: Any) -> SayResult:
    """Say-it: the learner's recording of a card's word, scored by the ML service's
    pronunciation assessment (as lessons' voice exercises are, and free like them), and the
    score turned into the rating the review will carry. Nothing is stored here: the review
    itself goes through :func:`submit_review` with this rating and its duration.

    Raises CardNotFound, ValidationError (not audio, empty, too large), AIInputRejected (no
    speech heard: the learner may try again) and AIUnavailable."""
    from rest_framework.exceptions import ValidationError

    from ai import client
    from core.uploads import AUDIO_TYPES, RejectedUpload, checked_type

    from .challenges import rating_for_score

    card = selectors.card_for(user, card_id)
    if card is None:
        raise CardNotFound()
    if not audio.size:
        raise ValidationError({"audio": [_("The recording is empty.")]})
    if audio.size > MAX_SAY_BYTES:
        raise ValidationError({"audio": [_("The recording is larger than 5 MB.")]})
    try:
        # The content decides; the client's name and declared type are never used.
        mime = checked_type(audio, AUDIO_TYPES)
    except RejectedUpload as exc:
        raise ValidationError({"audio": [_("Send an audio recording.")]}) from exc
    audio.seek(0)
    word = card.word
    assessment = client.assess_pronunciation(
        audio.read(),
        filename="say-it",
        content_type=mime,
        expected_text=word.text,
        language=word.language,
    )
    score = max(0.0, min(100.0, float(assessment["scores"]["pronunciation"])))
    return SayResult(
        score=round(score, 1),
        rating=rating_for_score(score),
        expected=word.text,
        recognized_text=str(assessment.get("recognized_text") or ""),
    )


# --- Reminders -------------------------------------------------------------------------------


def register_notification_types() -> None:
    from notifications.types import CHANNELS, NotificationType, register

    register(NotificationType(REMINDER_TYPE, "Words due for review", frozenset(CHANNELS)))


def send_due_reminders(now: dt.datetime | None = None) -> int:
    """ "N words due" to each learner whose reminder time has come today in their zone (once a
    day). The notifications app applies their channel preferences and quiet hours."""
    from notifications.services import notify

    now = now or timezone.now()
    sent = 0
    for schedule in selectors.schedules_with_reminders():
        zone = selectors.zone_from_name(getattr(schedule.user.profile, "time_zone", "UTC"))
        local = now.astimezone(zone)
        if schedule.reminder_time is None or local.time() < schedule.reminder_time:
            continue
        if schedule.last_reminded_on == local.date():
            continue
        schedule.last_reminded_on = local.date()
        schedule.save(update_fields=["last_reminded_on"])
        due = selectors.due_count(schedule.user, now)
        if not due:
            continue
        notify(
            schedule.user,
            REMINDER_TYPE,
            ngettext("%(count)d word due", "%(count)d words due", due) % {"count": due},
            _("A few minutes of review keeps them fresh."),
            {"due": due},
            url="/vocabulary/review/",
        )
        sent += 1
    return sent


# --- Parameter fitting -----------------------------------------------------------------------


@dataclass(frozen=True)
class FitOutcome:
    status: str  # "too_few_reviews", "adopted", "kept_previous", "failed"
    review_count: int
    result: fitting.FitResult | None = None


def fit_parameters(user: Any, now: dt.datetime | None = None) -> FitOutcome:
    now = now or timezone.now()
    reviews = selectors.reviews_for_fitting(user)
    if len(reviews) < settings.VOCABULARY_FIT_MIN_REVIEWS:
        return FitOutcome("too_few_reviews", len(reviews))
    schedule = ensure_schedule(user)
    current = schedule.parameters or list(scheduling.DEFAULT_PARAMETERS)
    try:
        result = fitting.fit(reviews, current, holdout=settings.VOCABULARY_FIT_HOLDOUT)
    except (ValueError, RuntimeError):
        logger.exception("FSRS parameter fitting failed for user %s", user.pk)
        return FitOutcome("failed", len(reviews))
    adopted = result.adopted and scheduling.is_valid_parameters(result.parameters)
    schedule.last_fit_attempted_at = now
    schedule.last_fit_log_loss = result.new_log_loss if adopted else result.old_log_loss
    fields = ["last_fit_attempted_at", "last_fit_log_loss"]
    if adopted:
        schedule.parameters = result.parameters
        schedule.parameters_fitted_at = now
        schedule.parameters_review_count = len(reviews)
        fields += ["parameters", "parameters_fitted_at", "parameters_review_count"]
    schedule.save(update_fields=fields)
    return FitOutcome("adopted" if adopted else "kept_previous", len(reviews), result)


def fit_all_parameters() -> dict[str, int]:
    counts: dict[str, int] = {}
    for user in selectors.learners_to_fit(settings.VOCABULARY_FIT_MIN_REVIEWS):
        outcome = fit_parameters(user)
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    return counts
