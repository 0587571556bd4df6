"""The learner's progress report page (weekly or monthly), drawn from ``progress``, the page
where they choose which teachers see it, and the teacher's pages for their consenting
students."""

from datetime import date, datetime
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.requests import user_of
from accounts.roles import Role
from accounts.selectors import has_role

from . import services, sharing
from .errors import NotYourTeacher, ProgressNotShared
from .progress import PERIODS, progress_report
from .teaching import teaching_report

STUDENTS_PER_PAGE = 20


def _period(request: HttpRequest) -> str:
    period = request.GET.get("period", "week")
    return period if period in PERIODS else "week"


def _month(request: HttpRequest) -> date | None:
    """``?month=2026-11``: a calendar month's report (the monthly email links here)."""
    try:
        month = datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()  # noqa: DTZ007
    except ValueError:
        return None
    return month if date(2000, 1, 1) <= month <= date.today() else None  # noqa: DTZ011


@login_required
def progress_page(request: HttpRequest) -> HttpResponse:
    report = progress_report(user_of(request), _period(request), month=_month(request))
    return render(
        request,
        "analytics/progress.html",
        {"report": report, "charts": report.charts(), "periods": list(PERIODS)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def sharing_page(request: HttpRequest) -> HttpResponse:
    learner = user_of(request)
    if request.method == "POST":
        try:
            teacher_id = UUID(request.POST.get("teacher", ""))
        except ValueError:
            messages.error(request, _("Choose one of your teachers."))
            return redirect("progress-sharing")
        if request.POST.get("action") == "stop":
            services.stop_sharing_progress(learner, teacher_id)
            messages.success(request, _("This teacher no longer sees your progress."))
        else:
            try:
                services.share_progress(learner, teacher_id)
            except NotYourTeacher as error:
                messages.error(request, str(error.detail))
            else:
                messages.success(request, _("This teacher now sees your progress."))
        return redirect("progress-sharing")
    return render(
        request, "analytics/sharing.html", {"teachers": list(sharing.booked_teachers(learner))}
    )


@login_required
def students_page(request: HttpRequest) -> HttpResponse:
    page = Paginator(sharing.consenting_students(user_of(request)), STUDENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = sharing.students_progress(list(page.object_list), "week")
    return render(request, "analytics/students.html", {"rows": rows, "page": page})


@login_required
def student_page(request: HttpRequest, student_id: UUID) -> HttpResponse:
    try:
        row = sharing.student_progress(user_of(request), student_id, _period(request))
    except ProgressNotShared:
        raise Http404 from None
    return render(
        request,
        "analytics/student.html",
        {"student": row.student, "report": row.report, "charts": row.report.charts()},
    )


@login_required
def teaching_page(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not has_role(user, Role.TEACHER):
        raise Http404
    report = teaching_report(user)
    return render(request, "analytics/teaching.html", {"report": report, "charts": report.charts()})
