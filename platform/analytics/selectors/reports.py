"""Who may build, see and change custom reports."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from .registry import sees_everything


def may_build_reports(user: Any) -> bool:
    return sees_everything(user)


def reports_for(user: Any) -> Any:
    """Saved reports a person may open: their own, every report for those who see all the
    dashboards, and reports shared with one of their roles."""

    from ..models import SavedReport

    reports = SavedReport.objects.select_related("owner").order_by("name")
    if sees_everything(user):
        return reports
    return reports.filter(Q(owner=user) | Q(shared_with__in=user.groups.all())).distinct()


def may_change_report(user: Any, report: Any) -> bool:
    return bool(report.owner_id == user.pk or user.is_superuser)
