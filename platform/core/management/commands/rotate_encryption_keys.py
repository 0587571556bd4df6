"""Moves every encrypted field (``core.fields``), and every text column an app registered as
holding ``core.crypto`` tokens (``core.fields.register_ciphertext``: operations' service
settings), to the newest key of ``ENCRYPTION_KEYS``; then sends ``core.fields.keys_rotated``
(caches of those tokens are dropped).

Batches of ``--batch-size`` rows by primary key, each in its own transaction, the rows locked
while they are rewritten (a concurrent save waits instead of being overwritten by an older
value). A value already under the newest key is skipped, so an interrupted run is simply
started again (``--after`` skips what a previous run printed as done). Each new token is
decrypted and compared with the old plaintext before it is written: nothing is lost, and a
value no key opens stops the run with its table and row. Chat bodies rotate through
``messaging.reencrypt_messages``, which also rebuilds their search index."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from core import crypto
from core.fields import keys_rotated, rotating_columns


class Command(BaseCommand):
    help = "Re-encrypts personal data fields with the newest key of ENCRYPTION_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--after",
            default="",
            help="Resume: 'app_label.Model:pk' (as printed) to start after that row.",
        )

    def handle(self, *args: Any, batch_size: int, after: str, **options: Any) -> None:
        resume_label, _, resume_pk = after.partition(":")
        total_rotated = 0
        for model, fields in sorted(rotating_columns(), key=lambda item: item[0]._meta.label):
            label = model._meta.label
            if resume_label and label < resume_label:
                continue
            start = resume_pk if resume_label == label else None
            total_rotated += self._rotate_table(model, fields, batch_size, start)
        keys_rotated.send(sender=self.__class__)
        self.stdout.write(self.style.SUCCESS(f"Done: {total_rotated} values re-encrypted."))

    def _rotate_table(self, model: Any, fields: list[Any], batch_size: int, start: Any) -> int:
        qn = connection.ops.quote_name
        table = qn(model._meta.db_table)
        pk = model._meta.pk
        pk_column = qn(pk.column)
        columns = [qn(field.column) for field in fields]
        seen = rotated = 0
        last = pk.to_python(start) if start is not None else None
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (names quoted)
            count = cursor.fetchone()[0]
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                params = [last] if last is not None else []
                lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
                cursor.execute(
                    f"SELECT {pk_column}, {', '.join(columns)} FROM {table} "  # noqa: S608
                    f"{'WHERE ' + pk_column + ' > %s ' if last is not None else ''}"
                    f"ORDER BY {pk_column} LIMIT {int(batch_size)}{lock}",
                    params,
                )
                rows = cursor.fetchall()
                if not rows:
                    break
                for row in rows:
                    row_pk, values = row[0], row[1:]
                    changes = {}
                    for column, value in zip(columns, values, strict=True):
                        if not value or crypto.is_current(value):
                            continue
                        try:
                            plain = crypto.decrypt(value)
                        except crypto.InvalidToken as error:
                            raise CommandError(
                                f"{model._meta.label} {row_pk}: {column} opens with no key "
                                "of ENCRYPTION_KEYS; nothing after it was changed."
                            ) from error
                        token = crypto.rotate(value)
                        if crypto.decrypt(token) != plain:  # pragma: no cover (defensive)
                            raise CommandError(f"{model._meta.label} {row_pk}: check failed")
                        changes[column] = token
                    if changes:
                        assignments = ", ".join(f"{column} = %s" for column in changes)
                        cursor.execute(
                            f"UPDATE {table} SET {assignments} "  # noqa: S608
                            f"WHERE {pk_column} = %s",
                            [*changes.values(), row_pk],
                        )
                        rotated += len(changes)
                seen += len(rows)
                last = rows[-1][0]
            self.stdout.write(
                f"{model._meta.label}: {seen}/{count} rows, {rotated} values re-encrypted "
                f"(resume with --after {model._meta.label}:{last})"
            )
        return rotated
