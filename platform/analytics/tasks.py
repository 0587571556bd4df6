from celery import shared_task

from . import services


@shared_task(name="analytics.tasks.roll_up_recent")
def roll_up_recent() -> int:
    """Beat job (every hour: migration 0002): yesterday's and today's rollups."""
    return len(services.roll_up_recent())


@shared_task(name="analytics.tasks.send_scheduled_reports")
def send_scheduled_reports() -> int:
    """Beat job (daily at 06:00 UTC: migration 0003): weekly and monthly report emails."""
    return len(services.send_due_reports())


@shared_task(name="analytics.tasks.send_weekly_progress_reports")
def send_weekly_progress_reports() -> int:
    """Beat job (daily: migration 0004); on Mondays (UTC) every learner active last week gets
    their weekly report as a ``progress.weekly`` notification (email by default; turned off
    in the notification preferences like any other kind). Once per learner and week, however
    often the job runs."""
    from .progress import send_weekly_reports

    return send_weekly_reports()


@shared_task(name="analytics.tasks.send_monthly_progress_reports")
def send_monthly_progress_reports() -> int:
    """Beat job (hourly: migration 0007): on the 1st of the month in each learner's own zone,
    last month's report as a ``progress.monthly`` notification; once per learner and month."""
    from .progress import send_monthly_reports

    return send_monthly_reports()
