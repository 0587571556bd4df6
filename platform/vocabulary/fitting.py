"""Per-learner FSRS parameters, fitted from their review log by fsrs-rs-python (Rust, no torch).

The review log becomes fsrs-rs "items" the way Anki builds them: for every card, each prefix of
its reviews (in time order, ``delta_t`` = whole days since the previous review) that ends in a
review on a later day is one item, whose last review is the outcome to predict. Items are
ordered by the time of that last review; the newest ``holdout`` share is kept aside. New
parameters are fitted on the rest, and both the new and the learner's current parameters
predict the held-out tail (fsrs-rs ``evaluate``: log loss). The new ones are kept only when
they predict it at least as well.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import fsrs_rs_python as fsrs_rs


@dataclass(frozen=True)
class Review:
    card_id: int
    rating: int
    reviewed_at: dt.datetime


@dataclass(frozen=True)
class FitResult:
    parameters: list[float]
    adopted: bool
    new_log_loss: float
    old_log_loss: float
    train_items: int
    test_items: int


def items_from(reviews: Iterable[Review]) -> list[tuple[dt.datetime, fsrs_rs.FSRSItem]]:
    by_card: dict[int, list[Review]] = defaultdict(list)
    for item in reviews:
        by_card[item.card_id].append(item)
    result: list[tuple[dt.datetime, fsrs_rs.FSRSItem]] = []
    for card_reviews in by_card.values():
        card_reviews.sort(key=lambda r: r.reviewed_at)
        history: list[fsrs_rs.FSRSReview] = []
        previous: dt.date | None = None
        for review in card_reviews:
            day = review.reviewed_at.astimezone(dt.UTC).date()
            delta = 0 if previous is None else (day - previous).days
            history.append(fsrs_rs.FSRSReview(review.rating, delta))
            previous = day
            if len(history) > 1 and delta > 0:
                result.append((review.reviewed_at, fsrs_rs.FSRSItem(list(history))))
    result.sort(key=lambda pair: pair[0])
    return result


def log_loss(parameters: Sequence[float], items: Sequence[fsrs_rs.FSRSItem]) -> float:
    return float(fsrs_rs.FSRS(list(parameters)).evaluate(list(items)).log_loss)


def fit(reviews: Iterable[Review], current: Sequence[float], *, holdout: float = 0.2) -> FitResult:
    items = [item for _, item in items_from(reviews)]
    split = max(1, int(len(items) * (1 - holdout)))
    train, test = items[:split], items[split:]
    if not train or not test:
        raise ValueError("Not enough review history to fit and check parameters.")
    fitted = [float(value) for value in fsrs_rs.FSRS(list(current)).compute_parameters(train)]
    return choose(current, fitted, test, train_items=len(train))


def choose(
    current: Sequence[float],
    fitted: Sequence[float],
    test: Sequence[fsrs_rs.FSRSItem],
    *,
    train_items: int = 0,
) -> FitResult:
    new_loss = log_loss(fitted, test)
    old_loss = log_loss(current, test)
    adopted = new_loss <= old_loss
    return FitResult(
        parameters=list(fitted if adopted else current),
        adopted=adopted,
        new_log_loss=new_loss,
        old_log_loss=old_loss,
        train_items=train_items,
        test_items=len(test),
    )
