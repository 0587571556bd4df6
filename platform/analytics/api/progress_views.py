"""Progress shared with teachers: the learner's consent per booked teacher, and the teacher's
list of consenting students with the same summary as the learner's /progress/ page."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.requests import user_of
from accounts.roles import Role
from accounts.selectors import has_role

from .. import services, sharing
from ..models import ProgressShare
from ..progress import ProgressReport
from ..teaching import teaching_report
from . import serializers as s


def summary_of(report: ProgressReport) -> dict[str, Any]:
    return {
        "period": report.period,
        "first": report.first,
        "last": report.last,
        "streak": report.streak,
        "totals": {
            **asdict(report.totals),
            "accuracy": report.totals.accuracy,
            "retention": report.totals.retention,
        },
        "previous": {
            **asdict(report.previous),
            "accuracy": report.previous.accuracy,
            "retention": report.previous.retention,
        },
        "next_steps": report.next_steps,
    }


def student_of(row: sharing.StudentProgress) -> dict[str, Any]:
    return {"id": row.student.pk, "name": row.student.get_full_name() or str(row.student)}


def period_of(request: Request) -> str:
    query = s.PeriodQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return str(query.validated_data["period"])


class SharingTeacherListView(generics.ListAPIView[Any]):
    """The teachers you booked, and whether each sees your progress report."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.SharingTeacherSerializer

    @extend_schema(summary="Teachers you can share your progress with")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[User]:
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        return sharing.booked_teachers(user_of(self.request))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        rows = [
            {"id": t.pk, "name": t.get_full_name() or str(t), "shared": t.shared}  # type: ignore[attr-defined]
            for t in page
        ]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


class SharingView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Let a teacher you booked see your progress",
        request=None,
        responses={
            200: s.SharingTeacherSerializer,
            403: OpenApiResponse(description="Not a teacher you have booked."),
        },
    )
    def put(self, request: Request, teacher_id: UUID) -> Response:
        share = services.share_progress(user_of(request), teacher_id)
        teacher = share.teacher
        return Response(
            {"id": teacher.pk, "name": teacher.get_full_name() or str(teacher), "shared": True}
        )

    @extend_schema(
        summary="Stop sharing your progress with a teacher",
        request=None,
        responses={204: None},
    )
    def delete(self, request: Request, teacher_id: UUID) -> Response:
        services.stop_sharing_progress(user_of(request), teacher_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class StudentProgressListView(generics.ListAPIView[Any]):
    """Your students who share their progress with you, with the summary of their
    /progress/ page for the period (newest consent first). Four queries for the report
    numbers of a whole page, whatever its size."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.StudentProgressSerializer

    @extend_schema(
        summary="Your consenting students' progress", parameters=[s.PeriodQuerySerializer]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[ProgressShare]:
        if getattr(self, "swagger_fake_view", False):
            return ProgressShare.objects.none()
        return sharing.consenting_students(user_of(self.request))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        period = period_of(request)
        page = self.paginate_queryset(self.get_queryset()) or []
        rows = [
            {
                "student": student_of(row),
                "shared_since": row.shared_since,
                "progress": summary_of(row.report),
            }
            for row in sharing.students_progress(page, period)
        ]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


class StudentProgressView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="One consenting student's progress report, with its charts",
        parameters=[s.PeriodQuerySerializer],
        responses={
            200: s.StudentProgressReportSerializer,
            404: OpenApiResponse(description="This learner does not share with you."),
        },
    )
    def get(self, request: Request, student_id: UUID) -> Response:
        row = sharing.student_progress(user_of(request), student_id, period_of(request))
        progress = summary_of(row.report)
        progress["charts"] = [
            {**chart, "columns": [], "rows": [], "notes": ""} for chart in row.report.charts()
        ]
        return Response(
            s.StudentProgressReportSerializer(
                {"student": student_of(row), "shared_since": row.shared_since, "progress": progress}
            ).data
        )


class TeachingView(APIView):
    """The signed-in teacher's lessons taught per week and month, ratings trend and links
    to the earnings dashboards (``analytics.teaching``: five queries, whatever the number of
    lessons and reviews). Teachers only."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Your teaching: lessons taught, ratings trend, earnings links",
        responses={
            200: s.TeachingReportSerializer,
            403: OpenApiResponse(description="Only teachers have a teaching report."),
        },
    )
    def get(self, request: Request) -> Response:
        user = user_of(request)
        if not has_role(user, Role.TEACHER):
            raise PermissionDenied(_("Only teachers have a teaching report."))
        return Response(s.TeachingReportSerializer(asdict(teaching_report(user))).data)
