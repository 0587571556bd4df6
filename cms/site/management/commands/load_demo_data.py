"""Builds a believable demo site. Idempotent: a second run changes nothing that exists.

Every feature app adds its own step to DEMO_STEPS as it lands, so that `make run` shows each
role something real.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from cms.site import demo


class Command(BaseCommand):
    help = "Load demo content and demo logins for every role (safe to run again)."

    def handle(self, *args: object, **options: object) -> None:
        with transaction.atomic():
            for step in demo.DEMO_STEPS:
                summary = step()
                if summary:
                    self.stdout.write(f"  {summary}")
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
