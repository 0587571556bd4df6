"""Database pieces only PostgreSQL has, added so that the embedded SQLite default still
migrates (there, writes are serialised by the database file lock anyway). Exclusion
constraints against double bookings use it: ``tutoring`` (lessons) and ``abroad`` (rooms)."""

from typing import Any

from django.db.migrations.operations.base import Operation


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
