"""A simulated learner's review history, for the demo and for tests of fitting.

The learner "remembers" with a true memory model (py-fsrs with ``true_parameters``) while being
scheduled by the default parameters, so a fit has something real to find. Seeded: the same
arguments give the same history.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

import fsrs

#: A learner who forgets faster than FSRS's default assumes (smaller initial stabilities).
FORGETFUL_PARAMETERS: tuple[float, ...] = (
    0.1,
    0.5,
    1.2,
    4.0,
    *fsrs.scheduler.DEFAULT_PARAMETERS[4:],
)


@dataclass(frozen=True)
class SimulatedReview:
    card_index: int
    rating: int
    reviewed_at: dt.datetime
    duration_ms: int


def simulate(
    cards: int,
    days: int,
    *,
    end: dt.datetime,
    true_parameters: Sequence[float] = FORGETFUL_PARAMETERS,
    new_per_day: int = 5,
    seed: int = 7,
) -> list[SimulatedReview]:
    rng = random.Random(seed)  # noqa: S311  # a reproducible simulation, not a secret
    truth = fsrs.Scheduler(parameters=true_parameters, enable_fuzzing=False)
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    # From midnight UTC: the same arguments give the same days (and the same fit) at any hour.
    start = (end - dt.timedelta(days=days)).astimezone(dt.UTC)
    start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    states: list[fsrs.Card] = []
    memories: list[fsrs.Card] = []
    reviews: list[SimulatedReview] = []
    for day in range(days):
        moment = start + dt.timedelta(days=day, hours=rng.randint(7, 20))
        while len(states) < cards and len(states) < (day + 1) * new_per_day:
            states.append(fsrs.Card(card_id=len(states) + 1, due=moment))
            memories.append(fsrs.Card(card_id=len(memories) + 1, due=moment))
        for index, state in enumerate(states):
            if state.due > moment + dt.timedelta(hours=12):
                continue
            moment += dt.timedelta(seconds=rng.randint(4, 20))
            if state.last_review is None:
                recalled = rng.random() < 0.6
            else:
                recalled = rng.random() < truth.get_card_retrievability(memories[index], moment)
            rating = rng.choices([2, 3, 4], weights=[15, 70, 15])[0] if recalled else 1
            states[index], _ = scheduler.review_card(state, fsrs.Rating(rating), moment)
            memories[index], _ = truth.review_card(memories[index], fsrs.Rating(rating), moment)
            reviews.append(SimulatedReview(index, rating, moment, rng.randint(1500, 9000)))
    return reviews
