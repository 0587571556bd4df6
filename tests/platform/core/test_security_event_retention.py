"""Security events keep addresses and user agents only as long as the retention setting."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.models import SecurityEvent, SecurityEventKind
from core.tasks import purge_old_security_events

pytestmark = pytest.mark.django_db


def test_events_past_the_retention_are_deleted_and_recent_ones_kept(settings) -> None:
    settings.SECURITY_EVENT_RETENTION_DAYS = 30
    now = timezone.now()
    for age in (31, 29, 0):
        SecurityEvent.objects.create(
            kind=SecurityEventKind.ADMIN_SIGN_IN_FAILED,
            ip="203.0.113.9",
            user_agent="curl/8",
            created_at=now - timedelta(days=age),
        )
    assert purge_old_security_events() == 1
    ages = sorted((now - e.created_at).days for e in SecurityEvent.objects.all())
    assert ages == [0, 29]


def test_the_job_runs_nightly_from_a_beat_row_operators_can_edit() -> None:
    task = PeriodicTask.objects.get(task="core.purge_old_security_events")
    assert task.enabled and task.crontab is not None
