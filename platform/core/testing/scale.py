"""Multiply a Toto database's people and everything they own, in SQL.

``scale(factor)`` adds ``factor - 1`` copies of the current "world" of people: every user,
and every row of the chosen apps' tables (bookings, attempts, messages, notifications,
ledger entries, words and reviews, moments …), each copy pointing at its own copies. Copy
``k`` of a row gets a new primary key; every foreign key to a copied table points to that
table's copy ``k`` of the referenced row (so a copied learner's bookings are with a copied
teacher, and the per-user unique constraints hold); foreign keys to tables not copied (the
Wagtail lesson pages, categories, languages) keep their value; unique text columns get a
``k.`` prefix. A table whose copy breaks a constraint anyway (a uniqueness across people)
is left out and reported, and references to it keep their original value.

It works on any schema: the tables and columns come from Django's models, so new models are
copied without changes here. Used by benchmarks/db/bench.py (the demo data x100) and by
tests/platform/core/test_list_query_plans.py (a modest generated data set).
"""

# ruff: noqa: S608 - every name in the SQL comes from the models, none from input

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.db.models.fields.related import ForeignKey

# Apps whose tables are per-person data; Wagtail pages and content stay as they are.
PEOPLE_APPS = (
    "accounts",
    "account",  # allauth's e-mail addresses
    "tutoring",
    "learning",
    "credits",
    "messaging",
    "notifications",
    "vocabulary",
    "social",
    "gamification",
    "referrals",
    "disputes",
    "materials",
    "payments",
    "payouts",
    "translation",
    "rooms",
    "voice_tutor",
    "abroad",
    "analytics",
)
_TEXT = (models.CharField, models.TextField, models.EmailField, models.SlugField)


def _is_page(model: type[models.Model]) -> bool:
    return any(base._meta.label == "wagtailcore.Page" for base in model._meta.get_parent_list())


def chosen_models(app_labels: Iterable[str] = PEOPLE_APPS) -> list[type[models.Model]]:
    """The user table and the chosen apps' tables (no Wagtail pages), parents first."""
    labels = set(app_labels)
    keys = (models.AutoField, models.BigAutoField, models.UUIDField, models.OneToOneField)
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if (model._meta.app_label in labels or model is get_user_model())
        and model._meta.managed
        and not model._meta.proxy
        and not _is_page(model)
        and isinstance(model._meta.pk, keys)
    ]
    return _ordered(_owned(found))


def _owned(found: list[type[models.Model]]) -> list[type[models.Model]]:
    """The models that belong to people: the user, and whatever points at an owned model
    (a booking, its events, a ledger entry through its account). Settings-like tables (XP
    rules, prices, badges) are not multiplied: there is one of each whatever the users."""
    owned: set[type[models.Model]] = {get_user_model()}
    grew = True
    while grew:
        grew = False
        for model in found:
            if model not in owned and any(
                field.related_model in owned
                for field in model._meta.concrete_fields
                if isinstance(field, ForeignKey)
            ):
                owned.add(model)
                grew = True
    return [model for model in found if model in owned]


def _ordered(found: list[type[models.Model]]) -> list[type[models.Model]]:
    """Parents before the tables that point at them (self references and cycles ignored)."""
    chosen = set(found)
    done: list[type[models.Model]] = []
    seen: set[type[models.Model]] = set()

    def visit(model: type[models.Model], path: set[type[models.Model]]) -> None:
        if model in seen:
            return
        path = path | {model}
        for field in model._meta.concrete_fields:
            target = field.related_model if isinstance(field, ForeignKey) else None
            if target in chosen and target not in path:
                visit(target, path)
        seen.add(model)
        done.append(model)

    for model in found:
        visit(model, set())
    return done


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _map_table(model: type[models.Model]) -> str:
    return f"scale_map_{model._meta.db_table}"[:63]


def scale(factor: int, app_labels: Iterable[str] = PEOPLE_APPS) -> dict[str, tuple[int, str]]:
    """Adds ``factor - 1`` copies (see module). Returns, per table, the rows it now has and
    "" or why it was left out."""
    report: dict[str, tuple[int, str]] = {}
    mapped: set[type[models.Model]] = set()
    order = chosen_models(app_labels)
    with connection.cursor() as cursor:
        for model in order:
            table, pk = model._meta.db_table, model._meta.pk
            assert pk is not None
            cursor.execute(f"DROP TABLE IF EXISTS {_q(_map_table(model))}")
            if isinstance(pk, models.UUIDField):
                new = "gen_random_uuid()"
            elif isinstance(pk, models.OneToOneField):
                if pk.related_model not in mapped:
                    report[table] = (_count(cursor, table), "its parent is not copied")
                    continue
                parent = _q(_map_table(pk.related_model))
                new = f"(SELECT p.new FROM {parent} p WHERE p.old = t.{_q(str(pk.column))} AND p.k = g.k)"
            else:
                new = f"nextval(pg_get_serial_sequence('{table}', '{pk.column}'))"
            try:
                with transaction.atomic():
                    cursor.execute(
                        f"CREATE UNLOGGED TABLE {_q(_map_table(model))} AS SELECT"
                        f" t.{_q(str(pk.column))} AS old, g.k, {new} AS new FROM {_q(table)} t"
                        " CROSS JOIN generate_series(1, %s) AS g(k)",
                        [factor - 1],
                    )
                    cursor.execute(f"CREATE INDEX ON {_q(_map_table(model))} (old, k)")
            except Exception as error:
                report[table] = (_count(cursor, table), str(error).splitlines()[0][:120])
                continue
            mapped.add(model)
        for model in order:
            if model not in mapped:
                continue
            table = model._meta.db_table
            columns, values = [], []
            for field in model._meta.concrete_fields:
                column = _q(str(field.column))
                columns.append(column)
                target = field.related_model if field.is_relation else None
                if field.primary_key:
                    values.append("m.new")
                elif target in mapped:
                    other = _q(_map_table(target))
                    values.append(
                        f"COALESCE((SELECT x.new FROM {other} x WHERE x.old = t.{column}"
                        f" AND x.k = m.k), t.{column})"
                    )
                elif field.unique and isinstance(field, _TEXT):
                    values.append(f"left(m.k || '.' || t.{column}, {field.max_length or 10000})")
                elif field.unique and isinstance(field, models.UUIDField):
                    values.append("gen_random_uuid()")
                else:
                    values.append(f"t.{column}")
            try:
                with transaction.atomic():
                    cursor.execute(
                        f"INSERT INTO {_q(table)} ({', '.join(columns)}) SELECT"
                        f" {', '.join(values)} FROM {_q(table)} t JOIN"
                        f" {_q(_map_table(model))} m ON m.old = t.{_q(str(model._meta.pk.column))}"
                    )
                    # Deferred foreign keys are checked here, inside the savepoint.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                report[table] = (_count(cursor, table), "")
            except Exception as error:
                reason = str(error).splitlines()[0][:120]
                cursor.execute(f"DROP TABLE IF EXISTS {_q(_map_table(model))}")
                mapped.discard(model)
                report[table] = (_count(cursor, table), reason)
        for model in order:
            cursor.execute(f"DROP TABLE IF EXISTS {_q(_map_table(model))}")
        cursor.execute("ANALYZE")
    return report


def _count(cursor, table: str) -> int:  # type: ignore[no-untyped-def]
    cursor.execute(f"SELECT count(*) FROM {_q(table)}")
    return int(cursor.fetchone()[0])
