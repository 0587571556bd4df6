"""Database pieces for the exclusion constraints against double bookings (``tutoring``
lessons, ``abroad`` rooms): a migration operation that adds a constraint only PostgreSQL
has (the embedded SQLite default still migrates; there, writes are serialised by the
database file lock anyway), and the write that goes with such a constraint."""

import logging
from typing import Any

from django.db import IntegrityError, OperationalError, models, transaction
from django.db.migrations.operations.base import Operation

logger = logging.getLogger(__name__)

# PostgreSQL checks an exclusion constraint after inserting the row: two overlapping rows
# written at the same moment each wait for the other's transaction, and PostgreSQL aborts one
# of them as a deadlock. That one is written again (in a new savepoint): the retry waits for
# the other to finish, then fails on the constraint (a clean 409) or goes through.
DEADLOCK_RETRIES = 5
DEADLOCK_DETECTED = "40P01"


def save_retrying_deadlocks(instance: models.Model, **save_kwargs: Any) -> None:
    """Saves ``instance`` in a savepoint, retrying the writes PostgreSQL aborted as deadlocks
    between overlapping rows. An ``IntegrityError`` (the overlap itself) is left to the
    caller, who knows which error to answer with."""
    for attempt in range(1, DEADLOCK_RETRIES + 1):
        try:
            with transaction.atomic():
                instance.save(**save_kwargs)
            return
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) != DEADLOCK_DETECTED:
                raise
            if attempt == DEADLOCK_RETRIES:
                raise
            logger.info("%s write aborted as a deadlock, retry %s", instance._meta.label, attempt)


def violated_constraint(error: IntegrityError) -> str:
    """The name of the constraint PostgreSQL reported (empty when it named none)."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", "") or ""


class AddPostgresConstraint(Operation):
    """Adds ``constraint`` to ``model_name`` on PostgreSQL only and keeps it out of the model
    state: the constraint exists in the database, not in ``Meta.constraints``, so Django
    never tries to write it into SQLite's table rebuilds."""

    reversible = True

    def __init__(self, model_name: str, constraint: Any) -> None:
        self.model_name = model_name
        self.constraint = constraint

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            model = to_state.apps.get_model(app_label, self.model_name)
            schema_editor.add_constraint(model, self.constraint)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            model = from_state.apps.get_model(app_label, self.model_name)
            schema_editor.remove_constraint(model, self.constraint)

    def describe(self) -> str:
        return f"Add PostgreSQL constraint {self.constraint.name} on {self.model_name}"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (
            self.__class__.__qualname__,
            [],
            {"model_name": self.model_name, "constraint": self.constraint},
        )
