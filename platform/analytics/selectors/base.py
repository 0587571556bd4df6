"""What every chart shares: the shape of a chart (a dict: ``key``, ``title``, ``type`` — a
Chart.js type, or ``heatmap`` —, ``labels`` and ``datasets`` for the drawing, and
``columns`` and ``rows`` for the table view and the CSV download, the same numbers), the
``Scope`` a chart is asked for, and the definition of an active person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, timedelta
from typing import Any

from django.utils import timezone

from core.activity import ACTIVE_KINDS

from ..services import monday

#: "Active" (DAU/WAU/MAU, lifecycle, retention): a person who did at least one of
#: core.activity.ACTIVE_KINDS that day — a learning, vocabulary, voice-tutor, tutoring,
#: translation/AI, payment, study-abroad or social action. Sign-ins, sign-ups, refunds and
#: page views do not count. The rollup (services.roll_up_day) applies it when it writes
#: UserDay; every count below reads UserDay, UserWeek, DailyActive or what the rollup
#: derives from them (FirstActive, CohortWeek) only.
ACTIVE_DEFINITION = ACTIVE_KINDS


Chart = dict[str, Any]


@dataclass(frozen=True)
class Scope:
    """Who is asking and for which days. ``lesson_ids`` is None for those who see
    everything; for a content creator it is the set of lessons they own. ``course`` (the
    course page's id) and ``level`` (CEFR, "A1"…) narrow the learning charts; ``lesson``
    picks the lesson of the drop-off-per-step chart."""

    first: date
    last: date
    lesson_ids: frozenset[int] | None = None
    currency: str = ""
    course: int | None = None
    level: str = ""
    lesson: int | None = None

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @property
    def weeks(self) -> list[date]:
        start = monday(self.first)
        return [start + timedelta(weeks=n) for n in range((self.last - start).days // 7 + 1)]


def today() -> date:
    return timezone.now().astimezone(UTC).date()


def _chart(
    key: str,
    title: str,
    kind: str,
    labels: list[str],
    datasets: list[dict[str, Any]],
    *,
    first_column: str,
    notes: str = "",
    **extra: Any,
) -> Chart:
    columns = [first_column, *[d["label"] for d in datasets]]
    rows = [[label, *[d["data"][i] for d in datasets]] for i, label in enumerate(labels)]
    return {
        "key": key,
        "title": title,
        "type": kind,
        "labels": labels,
        "datasets": datasets,
        "columns": columns,
        "rows": rows,
        "notes": notes,
        **extra,
    }


def _num(value: Any) -> float:
    return float(value) if value is not None else 0.0


def _pct(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None
