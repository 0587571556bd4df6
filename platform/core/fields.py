"""Model fields whose values are stored as ``core.crypto`` (MultiFernet) tokens.

The column holds only the token (text), so the database, its backups and anyone reading
them with SQL see no plaintext; the model, forms, serializers and exports see the value.
What is given up: filtering, ordering and uniqueness on the value (a Fernet token differs
at every write). A field that needs exact-match lookups gets a blind index beside it
(``core.crypto.blind_index``). An empty value is stored empty (no token), so "has a phone"
stays a cheap query. ``manage.py rotate_encryption_keys`` finds every such field through
``encrypted_fields()`` and moves it to the newest key, together with the plain text columns
an app fills with ``core.crypto`` tokens itself (``register_ciphertext``), then sends
``keys_rotated`` so that what caches those tokens forgets them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.apps import apps
from django.db import models
from django.dispatch import Signal

from . import crypto

# Sent by ``rotate_encryption_keys`` after its last batch (no arguments).
keys_rotated = Signal()

# "app_label.Model" -> names of plain text fields that hold core.crypto tokens.
_ciphertext_columns: dict[str, tuple[str, ...]] = {}


def register_ciphertext(model_label: str, *field_names: str) -> None:
    """Has ``rotate_encryption_keys`` rotate these text fields of ``model_label``, which the
    owning app encrypts itself with ``core.crypto`` (e.g. operations' service settings, kept
    as ciphertext in its cache too). Call from the app's ``ready()``."""
    _ciphertext_columns[model_label] = tuple(field_names)


class EncryptedMixin:
    """Marks a field as encrypted (rotation and admin masking find it by this)."""

    encrypted = True


class EncryptedTextField(EncryptedMixin, models.TextField):
    """Text stored encrypted. ``max_length`` limits the plaintext (forms, serializers,
    validation), not the column. ``single_line`` renders a one-line input."""

    def __init__(self, *args: Any, single_line: bool = False, **kwargs: Any) -> None:
        self.single_line = single_line
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.single_line:
            kwargs["single_line"] = True
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return None if value is None else crypto.encrypt(str(value))

    def formfield(self, **kwargs: Any) -> Any:
        if self.single_line and "widget" not in kwargs:
            kwargs["widget"] = forms.TextInput
        return super().formfield(**kwargs)


class EncryptedDateField(EncryptedMixin, models.DateField):
    """A date stored as the token of its ISO form in a text column."""

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(
        self, value: str | None, expression: Any, connection: Any
    ) -> datetime.date | None:
        if not value:
            return None
        return datetime.date.fromisoformat(crypto.decrypt(value))

    def get_prep_value(self, value: Any) -> Any:
        value = self.to_python(value)
        return None if value is None else crypto.encrypt(value.isoformat())

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        return value if prepared else self.get_prep_value(value)


def encrypted_fields() -> list[tuple[type[models.Model], list[Any]]]:
    """Every concrete model with encrypted fields, and those fields."""
    found: list[tuple[type[models.Model], list[Any]]] = []
    for model in apps.get_models():
        fields = [
            field for field in model._meta.concrete_fields if isinstance(field, EncryptedMixin)
        ]
        if fields and not model._meta.proxy:
            found.append((model, fields))
    return found


def rotating_columns() -> list[tuple[type[models.Model], list[Any]]]:
    """What ``rotate_encryption_keys`` rotates: the encrypted fields and the registered
    ciphertext columns, per model."""
    found = {model: list(fields) for model, fields in encrypted_fields()}
    for label, names in _ciphertext_columns.items():
        model = apps.get_model(label)
        fields = found.setdefault(model, [])
        known = {field.name for field in fields}
        fields.extend(model._meta.get_field(name) for name in names if name not in known)
    return list(found.items())


def encrypt_existing_rows(app_label: str, model_name: str, *field_names: str) -> Any:
    """A migration operation that encrypts the values a column held in plain text before it
    became an encrypted field (and decrypts them back when the migration is reversed). It
    works on the raw column, since the model's field would try to decrypt plain text."""
    from django.db import migrations

    def convert(forward: bool) -> Any:
        def run(apps_: Any, schema_editor: Any) -> None:
            model = apps_.get_model(app_label, model_name)
            connection = schema_editor.connection
            qn = connection.ops.quote_name
            table = qn(model._meta.db_table)
            pk = qn(model._meta.pk.column)
            for name in field_names:
                column = qn(model._meta.get_field(name).column)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT {pk}, {column} FROM {table} "  # noqa: S608 (quoted names)
                        f"WHERE {column} IS NOT NULL AND {column} <> ''"
                    )
                    rows = cursor.fetchall()
                    for row_pk, value in rows:
                        new = crypto.encrypt(str(value)) if forward else crypto.decrypt(value)
                        cursor.execute(
                            f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608
                            [new, row_pk],
                        )

        return run

    return migrations.RunPython(convert(True), convert(False), elidable=False)
