"""Rebuild the analytics rollups for a date range (UTC days, inclusive). Idempotent."""

from datetime import UTC, date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from analytics import services


class Command(BaseCommand):
    help = "Roll up analytics events (and the ledger) for every day from --since to --until."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=date.fromisoformat, help="First day, YYYY-MM-DD.")
        parser.add_argument("--until", type=date.fromisoformat, help="Last day (default today).")
        parser.add_argument("--days", type=int, default=None, help="Or: the last N days.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.now().astimezone(UTC).date()
        until: date = options["until"] or today
        if options["days"]:
            since = until - timedelta(days=options["days"] - 1)
        elif options["since"]:
            since = options["since"]
        else:
            raise CommandError("Give --since YYYY-MM-DD or --days N.")
        if since > until:
            raise CommandError("--since is after --until.")
        runs = services.roll_up_range(since, until)
        events = sum(run.events for run in runs)
        seconds = sum(run.seconds for run in runs)
        self.stdout.write(
            f"Rolled up {len(runs)} days ({events} events) in {seconds:.2f} s "
            f"({seconds / max(len(runs), 1):.3f} s per day)."
        )
