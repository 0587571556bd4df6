"""FSRS through the ``fsrs`` package, plus the one choice it leaves to us: which day inside its
fuzz range a review card lands on.

py-fsrs's fuzz picks a random day between ``min_ivl`` and ``max_ivl`` around the computed
interval. We switch its randomness off (``enable_fuzzing=False``) and pick, inside **the same
range** (computed from fsrs's own ``FUZZ_RANGES`` table, the way its ``_get_fuzz_range`` does),
the day with the least load: the learner's cards already due that day, with easy days counting
as full so they are chosen only when every day in the range is one. Ties go to the day closest
to FSRS's interval. No interval, stability or difficulty is computed here: that is fsrs's.

Deterministic scheduling also makes a rebuild from the review log (late offline reviews)
reproduce the same card.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import fsrs
from fsrs.scheduler import FUZZ_RANGES

from .models import Card, LearnerSchedule

DEFAULT_PARAMETERS: tuple[float, ...] = tuple(fsrs.scheduler.DEFAULT_PARAMETERS)
#: Added to an easy day's load: such a day wins only if the whole range is easy days.
EASY_DAY_PENALTY = 1_000_000
MAXIMUM_INTERVAL = 36500

#: (first local day, last local day) -> {local day: cards due}; the service reads the database.
LoadFunction = Callable[[dt.date, dt.date], dict[dt.date, int]]


def scheduler_for(schedule: LearnerSchedule | None) -> fsrs.Scheduler:
    parameters = (schedule.parameters if schedule else None) or DEFAULT_PARAMETERS
    retention = schedule.desired_retention if schedule else 0.9
    return scheduler_with(tuple(parameters), retention)


@lru_cache(maxsize=256)
def scheduler_with(parameters: tuple[float, ...], retention: float) -> fsrs.Scheduler:
    """One scheduler per (parameters, retention), shared: a ``Scheduler`` holds only its
    settings (``review_card`` returns new cards and never changes it), and most learners share
    the default parameters, so a review need not validate and build one each time."""
    return fsrs.Scheduler(
        parameters=parameters,
        desired_retention=retention,
        maximum_interval=MAXIMUM_INTERVAL,
        enable_fuzzing=False,
    )


def to_fsrs(card: Card) -> fsrs.Card:
    return fsrs.Card(
        card_id=card.pk,
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def new_fsrs_card(card: Card) -> fsrs.Card:
    return fsrs.Card(card_id=card.pk, due=card.due)


def copy_into(card: Card, state: fsrs.Card) -> None:
    card.state = int(state.state)
    card.step = state.step
    card.stability = state.stability
    card.difficulty = state.difficulty
    card.due = state.due
    card.last_review = state.last_review


def fuzz_range(interval_days: int) -> tuple[int, int]:
    """The days py-fsrs's fuzz may choose from for this interval (its own table and rule)."""
    if interval_days < 2.5:
        return interval_days, interval_days
    delta = 1.0
    for part in FUZZ_RANGES:
        delta += part["factor"] * max(min(float(interval_days), part["end"]) - part["start"], 0.0)
    low = max(2, round(interval_days - delta))
    high = min(round(interval_days + delta), MAXIMUM_INTERVAL)
    low = min(low, high)
    # fsrs draws ``random() * (high - low + 1) + low`` and rounds it, so ``high + 1`` is also
    # drawn (for half of the last unit): the days it really chooses among, checked by a test.
    return low, min(high + 1, MAXIMUM_INTERVAL)


@dataclass(frozen=True)
class Balance:
    zone: zoneinfo.ZoneInfo
    easy_days: frozenset[int]
    load: LoadFunction


def choose_day(interval_days: int, reviewed_at: dt.datetime, balance: Balance) -> int:
    """Among the days fsrs's fuzz allows, the one with the least load (see the module doc)."""
    low, high = fuzz_range(interval_days)
    if low == high:
        return interval_days
    today = reviewed_at.astimezone(balance.zone).date()
    loads = balance.load(today + dt.timedelta(days=low), today + dt.timedelta(days=high))

    def cost(days: int) -> tuple[int, int]:
        day = today + dt.timedelta(days=days)
        penalty = EASY_DAY_PENALTY if day.weekday() in balance.easy_days else 0
        return loads.get(day, 0) + penalty, abs(days - interval_days)

    return min(range(low, high + 1), key=cost)


def review(
    scheduler: fsrs.Scheduler,
    state: fsrs.Card,
    rating: int,
    reviewed_at: dt.datetime,
    duration_ms: int | None = None,
    balance: Balance | None = None,
) -> fsrs.Card:
    """fsrs's review, then the load-balanced day for a review-state card."""
    updated, _log = scheduler.review_card(
        state, fsrs.Rating(rating), reviewed_at.astimezone(dt.UTC), duration_ms
    )
    if balance is not None and updated.state == fsrs.State.Review:
        interval_days = (updated.due - updated.last_review).days if updated.last_review else 0
        chosen = choose_day(interval_days, reviewed_at, balance)
        if chosen != interval_days and updated.last_review is not None:
            updated.due = updated.last_review + dt.timedelta(days=chosen)
    return updated


def replay(
    scheduler: fsrs.Scheduler,
    start: fsrs.Card,
    reviews: Iterable[tuple[int, dt.datetime, int]],
    balance: Balance | None = None,
) -> fsrs.Card:
    """The card's state after its reviews (rating, reviewed_at, duration), applied in time
    order. Only the last one is load balanced: an earlier one's due is overwritten anyway."""
    ordered = sorted(reviews, key=lambda item: item[1])
    state = start
    for index, (rating, reviewed_at, duration) in enumerate(ordered):
        last = index == len(ordered) - 1
        state = review(scheduler, state, rating, reviewed_at, duration, balance if last else None)
    return state


def is_valid_parameters(parameters: Sequence[float]) -> bool:
    try:
        fsrs.Scheduler(parameters=parameters)
    except ValueError:
        return False
    return True


def retrievability(scheduler: fsrs.Scheduler, card: Card, at: dt.datetime) -> float:
    """fsrs's predicted chance that the learner recalls ``card`` at ``at``."""
    return float(scheduler.get_card_retrievability(to_fsrs(card), at.astimezone(dt.UTC)))


def latest_day_above(
    scheduler: fsrs.Scheduler,
    card: Card,
    days: Sequence[dt.datetime],
    floor: float,
) -> int:
    """How many of ``days`` (ascending instants) the card can wait through and still have
    fsrs's retrievability at or above ``floor``: 0 when it should be reviewed now. fsrs's
    forgetting curve only falls, so the first day below the floor ends the search."""
    count = 0
    for moment in days:
        if retrievability(scheduler, card, moment) < floor:
            break
        count += 1
    return count
