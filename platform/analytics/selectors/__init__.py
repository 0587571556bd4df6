"""Reads for the dashboards: every chart is one function of a date range that reads the
rollups (never the event table), in a fixed number of queries.

One module per concern: ``base`` (the chart's shape, ``Scope``, the active definition),
``usage``, ``lessons``, ``marketplace``, ``finance`` and ``goals`` (the charts),
``registry`` (charts by key, dashboards, who sees which), ``reports`` (custom reports'
permissions) and ``subscriptions`` (MRR and churn). Callers import from
``analytics.selectors``: every public name is here.
"""

from ..dimensions import AI_KINDS
from .base import (
    ACTIVE_DEFINITION,
    Chart,
    Scope,
    today,
)
from .finance import (
    CLEARING,
    PRODUCTS,
    currencies,
    finance_totals,
    ledger_check,
    payouts_pending,
    revenue,
)
from .goals import (
    goals,
)
from .lessons import (
    ai_usage,
    exercise_accuracy,
    learning_filter_choices,
    lesson_completion,
    lesson_steps,
    lessons_in,
    levels,
    most_failed,
    question_accuracy,
    tutor_sessions,
    vocabulary,
)
from .marketplace import (
    availability_fill_rate,
    bookings,
    earnings,
    marketplace_activity,
    ratings,
    time_to_verification,
)
from .registry import (
    CHARTS,
    CREATOR_CHARTS,
    DASHBOARDS,
    Dashboard,
    chart,
    is_creator,
    scope_for,
    sees_everything,
    summary,
)
from .reports import (
    may_build_reports,
    may_change_report,
    reports_for,
)
from .subscriptions import (
    subscription_metrics,
)
from .usage import (
    activation,
    active_by_country,
    active_by_language,
    active_by_platform,
    active_users,
    cohort_table,
    lifecycle,
    retention,
    signups_by_role,
    stickiness,
)

__all__ = [
    "ACTIVE_DEFINITION",
    "AI_KINDS",
    "CHARTS",
    "CLEARING",
    "CREATOR_CHARTS",
    "DASHBOARDS",
    "PRODUCTS",
    "Chart",
    "Dashboard",
    "Scope",
    "activation",
    "active_by_country",
    "active_by_language",
    "active_by_platform",
    "active_users",
    "ai_usage",
    "availability_fill_rate",
    "bookings",
    "chart",
    "cohort_table",
    "currencies",
    "earnings",
    "exercise_accuracy",
    "finance_totals",
    "goals",
    "is_creator",
    "learning_filter_choices",
    "ledger_check",
    "lesson_completion",
    "lesson_steps",
    "lessons_in",
    "levels",
    "lifecycle",
    "marketplace_activity",
    "may_build_reports",
    "may_change_report",
    "most_failed",
    "payouts_pending",
    "question_accuracy",
    "ratings",
    "reports_for",
    "retention",
    "revenue",
    "scope_for",
    "sees_everything",
    "signups_by_role",
    "stickiness",
    "subscription_metrics",
    "summary",
    "time_to_verification",
    "today",
    "tutor_sessions",
    "vocabulary",
]
