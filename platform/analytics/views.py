"""The learner's progress report page (weekly or monthly), drawn from ``progress``."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.requests import user_of

from .progress import PERIODS, progress_report


@login_required
def progress_page(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("period", "week")
    report = progress_report(user_of(request), period if period in PERIODS else "week")
    return render(
        request,
        "analytics/progress.html",
        {"report": report, "charts": report.charts(), "periods": list(PERIODS)},
    )
