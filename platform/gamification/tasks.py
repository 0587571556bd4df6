"""Beat jobs (rows in django-celery-beat, see migrations/0002): close learners' days per zone
hourly, and close finished league weeks (one UTC week boundary) hourly."""

from celery import shared_task

from . import services


@shared_task(name="gamification.close_days")
def close_days() -> int:
    return services.close_days_everywhere()


@shared_task(name="gamification.close_weeks")
def close_weeks() -> int:
    return services.close_finished_weeks()


@shared_task(name="gamification.notify_league_results")
def notify_league_results(league_ids: list[int]) -> int:
    return services.notify_league_results(league_ids)
