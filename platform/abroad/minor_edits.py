"""What counts as a minor edit of a live listing, the kind an admin may let go live without
review (Settings → Study abroad → "minor edits skip review").

Minor, on a course: the price per week and the fees moved by at most the set percentage,
seats of an existing intake changed, new intakes added. On a homestay: a room's price per
night within the same limit, the minimum and maximum stay and the check-in days. Anything
else (a text, a title, a photo, a new or removed room or intake, a moved start date, the
terms, the schedule) makes the whole change a normal one that waits for a moderator.

The comparison is between the page's row (the live content: saving a revision of a live
page leaves its row alone) and the latest revision, so changes saved earlier as drafts and
not yet reviewed count too.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from modelcluster.models import get_all_child_relations

from cms.abroad.models import CoursePage, HomestayPage

# Page bookkeeping that changes with every save or publish, not content.
BOOKKEEPING = frozenset(
    {
        "id",
        "page_ptr",
        "path",
        "depth",
        "numchild",
        "url_path",
        "draft_title",
        "live",
        "has_unpublished_changes",
        "first_published_at",
        "last_published_at",
        "live_revision",
        "latest_revision",
        "latest_revision_created_at",
        "locked",
        "locked_at",
        "locked_by",
        "owner",
        "content_type",
        "translation_key",
        "locale",
        "alias_of",
        "expired",
    }
)
PRICE_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    CoursePage: ("price_per_week", "registration_fee", "material_fee"),
    HomestayPage: (),
}
AVAILABILITY_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    CoursePage: (),
    HomestayPage: ("min_nights", "max_nights", "check_in_days"),
}
# Child rows compared field by field: (relation, fields that may change, price fields,
# whether new rows are minor). Other relations must stay as they are.
CHILD_RULES: dict[type[models.Model], dict[str, tuple[set[str], set[str], bool]]] = {
    CoursePage: {"intakes": ({"seats"}, set(), True)},
    HomestayPage: {"rooms": (set(), {"price_per_night"}, False)},
}
IGNORED_RELATIONS = {"wagtail_admin_comments", "workflow_states"}
ROW_IGNORED = {"id", "page", "sort_order"}


def within(old: Any, new: Any, limit_percent: int) -> bool:
    old, new = Decimal(old or 0), Decimal(new or 0)
    if old == 0:
        return new == 0
    return abs(new - old) * 100 <= old * limit_percent


def _row(obj: models.Model) -> dict[str, Any]:
    return {
        field.name: field.value_from_object(obj)
        for field in obj._meta.concrete_fields
        if field.name not in ROW_IGNORED
    }


def minor_changes(live: models.Model, draft: models.Model, limit_percent: int) -> list[str] | None:
    """The names of what changed when every change is minor (empty when nothing did), or
    ``None`` when something needs a moderator."""
    model = type(live)
    if model not in PRICE_FIELDS or type(draft) is not model:
        return None
    changed: list[str] = []
    for field in model._meta.concrete_fields:
        if field.name in BOOKKEEPING:
            continue
        old, new = field.value_from_object(live), field.value_from_object(draft)
        if old == new:
            continue
        price = field.name in PRICE_FIELDS[model] and within(old, new, limit_percent)
        if not (price or field.name in AVAILABILITY_FIELDS[model]):
            return None
        changed.append(field.name)
    rules = CHILD_RULES[model]
    for relation in get_all_child_relations(model):
        name = relation.get_accessor_name()
        if name in IGNORED_RELATIONS:
            continue
        old_rows = {row.pk: _row(row) for row in getattr(live, name).all()}
        new_rows = [(row.pk, _row(row)) for row in getattr(draft, name).all()]
        free, prices, may_add = rules.get(name, (set(), set(), False))
        if {pk for pk, _values in new_rows if pk is not None} != set(old_rows):
            return None  # a row was removed (or is not this page's)
        for pk, values in new_rows:
            if pk is None:
                if not may_add:
                    return None
                changed.append(f"{name}: added")
                continue
            for key, new in values.items():
                old = old_rows[pk].get(key)
                if old == new:
                    continue
                if key in free or (key in prices and within(old, new, limit_percent)):
                    changed.append(f"{name}.{key}")
                else:
                    return None
    return sorted(set(changed))
