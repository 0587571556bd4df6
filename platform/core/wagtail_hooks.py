"""Operator screens for the platform's plumbing, inside the Wagtail admin."""

from django.templatetags.static import static
from django.utils.html import format_html
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask
from wagtail import hooks
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from .models import FeatureFlag, SecurityEvent


class PeriodicTaskViewSet(ModelViewSet):
    model = PeriodicTask
    icon = "time"
    menu_label = "Scheduled jobs"
    list_display = [
        "name",
        "task",
        "enabled",
        "crontab",
        "interval",
        "last_run_at",
        "total_run_count",
    ]
    list_filter = ["enabled", "task"]
    search_fields = ["name", "task"]
    form_fields = [
        "name",
        "task",
        "enabled",
        "crontab",
        "interval",
        "one_off",
        "args",
        "kwargs",
        "queue",
        "expires",
        "description",
    ]
    add_to_admin_menu = False


class CrontabScheduleViewSet(ModelViewSet):
    model = CrontabSchedule
    icon = "date"
    menu_label = "Crontab schedules"
    list_display = ["__str__", "timezone"]
    form_fields = ["minute", "hour", "day_of_week", "day_of_month", "month_of_year", "timezone"]


class IntervalScheduleViewSet(ModelViewSet):
    model = IntervalSchedule
    icon = "history"
    menu_label = "Interval schedules"
    list_display = ["__str__"]
    form_fields = ["every", "period"]


class NoWriteLinks:
    """Security events are written by core.security only: no add, edit or delete screens."""

    def get_add_url(self) -> None:
        return None

    def get_edit_url(self, *args: object) -> None:
        return None

    def get_delete_url(self, *args: object) -> None:
        return None


class SecurityEventIndexView(NoWriteLinks, IndexView):
    pass


class SecurityEventInspectView(NoWriteLinks, InspectView):
    pass


class SecurityEventViewSet(ModelViewSet):
    """Failed admin sign-ins and refused admin requests (core.security), read-only. Nobody
    holds a permission on them but superusers."""

    model = SecurityEvent
    name = "security_events"
    url_prefix = "security-events"
    icon = "warning"
    menu_label = "Security events"
    index_view_class = SecurityEventIndexView
    inspect_view_class = SecurityEventInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["created_at", "kind", "ip", "identifier", "path"]
    list_filter = ["kind"]
    search_fields = ["identifier", "ip"]
    form_fields = ["kind"]

    def get_urlpatterns(self) -> list:
        return [p for p in super().get_urlpatterns() if p.name not in {"add", "edit", "delete"}]


class FeatureFlagViewSet(ModelViewSet):
    """Feature flags for any feature (core.flags); every change is in the log (Wagtail's
    log entries, shown on each flag's history)."""

    model = FeatureFlag
    name = "feature_flags"
    url_prefix = "feature-flags"
    icon = "tick-inverse"
    menu_label = "Feature flags"
    list_display = ["name", "enabled", "rollout_percent", "countries", "updated_at"]
    list_filter = ["enabled"]
    search_fields = ["name", "description"]
    form_fields = ["name", "description", "enabled", "groups", "countries", "rollout_percent"]


class SystemViewSetGroup(ViewSetGroup):
    menu_label = "System"
    menu_icon = "cogs"
    menu_order = 9000
    items = (
        PeriodicTaskViewSet,
        CrontabScheduleViewSet,
        IntervalScheduleViewSet,
        SecurityEventViewSet,
        FeatureFlagViewSet,
    )


@hooks.register("register_admin_viewset")
def register_system_viewsets() -> SystemViewSetGroup:
    return SystemViewSetGroup()


@hooks.register("insert_global_admin_js")
def admin_inline_init_js() -> str:
    """Makes the calls Wagtail's inline scripts made (date pickers, inline panels), from the
    markers our template overrides leave instead: the admin's CSP allows no inline script."""
    return format_html('<script src="{}"></script>', static("js/admin/inline-init.js"))


@hooks.register("insert_global_admin_css")
def admin_theme_css() -> str:
    """The admin in the design system's colours and font (static/css/admin-theme.css)."""
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin-theme.css"))


# An editor changed a snippet in the admin: anonymous pages showing it are forgotten.
@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
@hooks.register("after_delete_snippet")
def forget_cached_pages(request, *objects):  # type: ignore[no-untyped-def]
    from .page_cache import forget_after_snippet_edit

    forget_after_snippet_edit(request, *objects)
