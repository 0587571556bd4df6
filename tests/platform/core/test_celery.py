from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.tasks import purge_expired_sessions
from toto.celery import app


def test_a_real_worker_executes_tasks_from_redis(celery_worker) -> None:
    assert app.conf.broker_url.startswith("redis://")
    assert not app.conf.task_always_eager
    Session.objects.create(
        session_key="old", session_data="", expire_date=timezone.now() - timedelta(days=1)
    )
    Session.objects.create(
        session_key="new", session_data="", expire_date=timezone.now() + timedelta(days=1)
    )

    result = purge_expired_sessions.delay()

    assert result.get(timeout=20) == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]


def test_beat_schedules_live_in_the_database(db) -> None:
    task = PeriodicTask.objects.get(name="Purge expired sessions")
    assert task.task == "core.purge_expired_sessions"
    assert task.enabled


def test_scheduled_publishing_runs_every_minute_from_core(db) -> None:
    task = PeriodicTask.objects.get(name="Publish scheduled pages")
    assert task.task == "core.publish_scheduled_pages"
    assert (task.interval.every, task.interval.period) == (1, "minutes")
    assert task.enabled
    assert task.task in app.tasks, "the name the beat row holds is a registered task"
