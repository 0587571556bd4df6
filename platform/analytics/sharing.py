"""Reads for progress a learner shares with their teachers (``models.ProgressShare``).

Policy: a teacher sees a learner's report only while a share row exists, and only a teacher
the learner has booked (a real lesson: not a hold that expired) can be given one. Teachers who
were not shared with get a 404 for the learner, never a hint that the learner exists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import User
from tutoring.models import Booking

from .bookings import BOOKED_STATUSES
from .errors import ProgressNotShared
from .models import ProgressShare
from .progress import ProgressReport, progress_reports


def booked_teachers(learner: Any) -> QuerySet[User]:
    """The teachers the learner booked, each with ``shared`` (whether they see the progress
    report), by name: one query."""
    return (
        User.objects.filter(
            pk__in=Booking.objects.filter(learner_id=learner.pk, status__in=BOOKED_STATUSES).values(
                "teacher_id"
            ),
            is_active=True,
            deleted_at__isnull=True,
        )
        .annotate(
            shared=Exists(
                ProgressShare.objects.filter(learner_id=learner.pk, teacher_id=OuterRef("pk"))
            )
        )
        .order_by("first_name", "last_name", "pk")
    )


def consenting_students(teacher: Any) -> QuerySet[ProgressShare]:
    """The teacher's students who share their progress with them, newest consent first."""
    return (
        ProgressShare.objects.filter(
            teacher_id=teacher.pk, learner__is_active=True, learner__deleted_at__isnull=True
        )
        .select_related("learner")
        .order_by("-created_at", "-pk")
    )


@dataclass
class StudentProgress:
    student: User
    shared_since: datetime
    report: ProgressReport


def students_progress(
    shares: Sequence[ProgressShare], period: str = "week"
) -> list[StudentProgress]:
    """A page of consenting students with their reports: four queries at most for the
    whole page (``progress.progress_reports``), however many students or events."""
    reports = progress_reports([share.learner_id for share in shares], period)
    return [
        StudentProgress(share.learner, share.created_at, reports[share.learner_id])
        for share in shares
    ]


def student_progress(teacher: Any, student_id: UUID, period: str = "week") -> StudentProgress:
    share = consenting_students(teacher).filter(learner_id=student_id).first()
    if share is None:
        raise ProgressNotShared()
    return students_progress([share], period)[0]
