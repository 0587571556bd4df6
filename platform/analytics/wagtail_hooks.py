"""The Analytics menu, its dashboards and a summary panel on the admin home."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from . import admin_views, report_views, selectors


@hooks.register("register_admin_urls")
def analytics_urls() -> list[Any]:
    return [
        path("analytics/", admin_views.index, name="analytics_index"),
        path("analytics/reports/", report_views.report_list, name="analytics_reports"),
        path("analytics/reports/new/", report_views.report_new, name="analytics_report_new"),
        path(
            "analytics/reports/<int:report_id>/",
            report_views.report_detail,
            name="analytics_report",
        ),
        path(
            "analytics/reports/<int:report_id>/edit/",
            report_views.report_edit,
            name="analytics_report_edit",
        ),
        path(
            "analytics/reports/<int:report_id>/export.<str:fmt>",
            report_views.report_export,
            name="analytics_report_export",
        ),
        path("analytics/<slug:slug>/", admin_views.dashboard, name="analytics_dashboard"),
    ]


class AnalyticsMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return selectors.sees_everything(request.user) or selectors.is_creator(request.user)


@hooks.register("register_admin_menu_item")
def analytics_menu_item() -> MenuItem:
    return AnalyticsMenuItem("Analytics", reverse("analytics_index"), icon_name="view", order=7980)


class AnalyticsSummaryPanel(Component):
    name = "analytics_summary"
    template_name = "analytics/summary_panel.html"
    order = 90

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {"summary": selectors.summary(), "url": reverse("analytics_index")}


@hooks.register("construct_homepage_panels")
def add_analytics_panel(request: Any, panels: list[Any]) -> None:
    if selectors.sees_everything(request.user):
        panels.append(AnalyticsSummaryPanel())


@hooks.register("insert_global_admin_css")
def analytics_admin_css() -> str:
    # The home page's summary panel uses the dashboards' stylesheet too.
    return format_html('<link rel="stylesheet" href="{}">', static("css/analytics-admin.css"))
