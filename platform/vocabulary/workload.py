"""How many reviews a day a desired retention costs: fsrs-rs-python's own simulator (the one
Anki's "compute optimal retention" uses), run for the learner's parameters, bank size and daily
limits. Nothing here models memory: the simulator does.

The simulation starts from a bank of ``cards`` new words introduced at the learner's new-word
limit, so it answers "for a bank of your size", not "for your cards as they stand today"; the
learner sees it as an estimate.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import fsrs_rs_python as fsrs_rs
from django.core.cache import cache

#: The retentions a learner is shown beside their own.
PREVIEW_RETENTIONS = (0.80, 0.85, 0.90, 0.95)
SIMULATED_DAYS = 365
#: A small bank still gets a useful answer; a huge one costs no more than this to simulate.
MIN_CARDS, MAX_CARDS = 50, 5000
SEED = 42  # the same inputs give the same estimate
#: A big bank takes about half a second to simulate at five retentions: the same inputs are
#: answered from the cache, and the bank size is rounded up to this step for the simulation.
CARDS_STEP = 50
CACHE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Estimate:
    retention: float
    reviews_per_day: float
    current: bool = False


def reviews_per_day(
    parameters: Sequence[float],
    retention: float,
    *,
    cards: int,
    new_per_day: int,
    review_limit: int,
    days: int = SIMULATED_DAYS,
) -> float:
    """The simulated mean number of reviews a day over ``days``."""
    config = fsrs_rs.default_simulator_config()
    config.deck_size = simulated_cards(cards)
    config.learn_span = days
    config.learn_limit = max(1, new_per_day)
    config.review_limit = max(1, review_limit)
    config.max_cost_perday = 86400.0  # limits are counted in cards, not in seconds
    result = fsrs_rs.simulate(list(parameters), retention, config, SEED)
    counts = list(result.review_cnt_per_day)
    return sum(counts) / len(counts) if counts else 0.0


def preview(
    parameters: Sequence[float],
    current: float,
    *,
    cards: int,
    new_per_day: int,
    review_limit: int,
    extra: float | None = None,
) -> list[Estimate]:
    """Estimates at :data:`PREVIEW_RETENTIONS`, the learner's ``current`` retention and an
    ``extra`` one asked about, in increasing retention."""
    wanted = {round(value, 2) for value in (*PREVIEW_RETENTIONS, current)}
    if extra is not None:
        wanted.add(round(extra, 2))
    cards = simulated_cards(cards)
    inputs = json.dumps(
        [list(parameters), sorted(wanted), current, cards, new_per_day, review_limit]
    )
    key = "vocabulary:workload:" + hashlib.sha256(inputs.encode()).hexdigest()[:32]
    kept = cache.get(key)
    if kept is not None:
        return [Estimate(**row) for row in kept]
    estimates = [
        Estimate(
            retention=value,
            reviews_per_day=round(
                reviews_per_day(
                    parameters,
                    value,
                    cards=cards,
                    new_per_day=new_per_day,
                    review_limit=review_limit,
                ),
                1,
            ),
            current=value == round(current, 2),
        )
        for value in sorted(wanted)
    ]
    cache.set(key, [asdict(estimate) for estimate in estimates], CACHE_SECONDS)
    return estimates


def simulated_cards(cards: int) -> int:
    """The bank size simulated: within the bounds, rounded up to :data:`CARDS_STEP`."""
    bounded = max(MIN_CARDS, min(MAX_CARDS, cards))
    return -(-bounded // CARDS_STEP) * CARDS_STEP
