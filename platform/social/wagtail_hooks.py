"""The social moderation queue in the Wagtail admin: reports (and moments held by the
automatic checks) with their context, decided with a graded action and a required reason;
appeals; and the audit log of every action. Moderators and admins (social.change_report,
social.view_appeal, social.view_moderationaction); limit, suspend, lifting a limit and
deciding appeals need a senior moderator (social.moderation, enforced in the services)."""

from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView

from accounts.requests import user_of
from core.admin_queues import DecisionView, ReviewQueueViewSet

from . import moderation, selectors, services
from .errors import InvalidDecision, NotAllowed
from .models import Appeal, ModerationAction, Report, SocialProfile

DECISIONS = [
    (ModerationAction.Kind.DISMISS, _("Dismiss (publishes a held moment)")),
    (ModerationAction.Kind.HIDE, _("Hide the item")),
    (ModerationAction.Kind.SENSITIVE, _("Mark sensitive")),
    (ModerationAction.Kind.WARN, _("Warn the author")),
    (ModerationAction.Kind.LIMIT, _("Limit the author (silent: only they see their posts)")),
    (ModerationAction.Kind.SUSPEND, _("Suspend the account")),
]


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Action"), choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason (shown to the author)"), widget=forms.Textarea, max_length=2000
    )

    def __init__(self, *args: Any, moderator: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the actions this moderator may take are offered (moderation.SENIOR_KINDS
        # need a senior moderator); the service refuses the others whatever is posted.
        self.fields["kind"].widget.choices = [
            (kind, label) for kind, label in DECISIONS if moderation.may_decide(moderator, kind)
        ]


class LiftLimitForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the limit is lifted (kept in the moderation log)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class AppealDecisionForm(forms.Form):
    overturn = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("0", _("Uphold the decision")), ("1", _("Overturn it"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=2000)


class ReportFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Report.Status.choices, empty_label=_("Any")
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Report.Category.choices, empty_label=_("Any")
    )

    class Meta:
        model = Report
        fields = ["status", "category"]


class ReportIndexView(IndexView):
    def get_base_queryset(self) -> Any:
        return Report.objects.select_related("reporter", "reported_user").order_by(
            "status", "-created_at"
        )


class ReviewReportView(DecisionView):
    """A social report's decision: dismiss, hide, limit or suspend (social.services)."""

    template_name = "social/admin/review_report.html"
    context_object_name = "report"

    def get_queryset(self) -> Any:
        return Report.objects.select_related("reporter", "reported_user", "moment", "comment")

    def prepare(self) -> None:
        self.form = DecisionForm(moderator=self.request.user)

    def decide(self) -> HttpResponse | None:
        if self.object.status != Report.Status.OPEN:
            return None  # decided already: the page shows the decision
        self.form = DecisionForm(self.request.POST, moderator=self.request.user)
        if not self.form.is_valid():
            return None
        try:
            services.decide_report(
                self.object,
                moderator=user_of(self.request),
                kind=self.form.cleaned_data["kind"],
                reason=self.form.cleaned_data["reason"],
            )
        except InvalidDecision as exc:
            self.form.add_error("kind", str(exc.detail))
            return None
        return self.decided(_("Decision saved."))

    def get_context_data(self) -> dict[str, Any]:
        return {
            "form": self.form,
            "senior": moderation.is_senior(self.request.user),
            **selectors.report_context(self.object),
        }


class ReviewAppealView(DecisionView):
    """An author's appeal against a moderation action: upheld or overturned."""

    template_name = "social/admin/review_appeal.html"
    context_object_name = "appeal"
    # Every moderator may read an appeal; only a senior one decides it (the service checks).
    permission = "view"

    def get_queryset(self) -> Any:
        return Appeal.objects.select_related("author", "action", "action__moderator")

    def prepare(self) -> None:
        self.form = AppealDecisionForm()

    def decide(self) -> HttpResponse | None:
        if self.object.status != Appeal.Status.OPEN:
            return None
        self.form = AppealDecisionForm(self.request.POST)
        if not self.form.is_valid():
            return None
        services.decide_appeal(
            self.object,
            moderator=user_of(self.request),
            overturn=self.form.cleaned_data["overturn"],
            reason=self.form.cleaned_data["reason"],
        )
        return self.decided(_("Appeal decided."))

    def get_context_data(self) -> dict[str, Any]:
        return {"form": self.form, "senior": moderation.is_senior(self.request.user)}


class SocialReportViewSet(ReviewQueueViewSet):
    model = Report
    icon = "warning"
    menu_label = _("Social reports")
    menu_order = 611
    add_to_admin_menu = True
    url_prefix = "moderation/social-reports"
    name = "social_reports"
    filterset_class = ReportFilterSet
    search_fields = ["details", "snapshot", "reported_user__email"]
    ordering = ["status", "-created_at"]
    list_per_page = 50
    inspect_view_enabled = False
    index_view_class = ReportIndexView
    history = False

    @property
    def list_display(self) -> list[Column]:
        return [
            TitleColumn(
                "reported_user",
                label=_("Reported"),
                url_name=self.get_url_name("edit"),
                accessor="reported_user.email",
            ),
            Column("target", label=_("What"), accessor="get_target_display"),
            Column("category", label=_("Category"), accessor="get_category_display"),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor="get_status_display",
                primary=lambda report: report.status == Report.Status.OPEN,
            ),
            DateColumn("created_at", label=_("Reported")),
        ]

    decision_view_class = ReviewReportView


report_viewset = SocialReportViewSet()


class AppealViewSet(ReviewQueueViewSet):
    model = Appeal
    icon = "help"
    menu_label = _("Social appeals")
    menu_order = 612
    add_to_admin_menu = True
    url_prefix = "moderation/social-appeals"
    name = "social_appeals"
    ordering = ["status", "-created_at"]
    list_per_page = 50
    inspect_view_enabled = False
    history = False
    list_filter = ["status"]

    @property
    def list_display(self) -> list[Column]:
        return [
            TitleColumn(
                "author", label=_("By"), url_name=self.get_url_name("edit"), accessor="author.email"
            ),
            Column("action", label=_("Against")),
            Column("status", label=_("Status"), accessor="get_status_display"),
            DateColumn("created_at", label=_("Appealed")),
        ]

    decision_view_class = ReviewAppealView


appeal_viewset = AppealViewSet()


class ActionLogViewSet(ReviewQueueViewSet):
    """The audit log: every moderation action, read-only."""

    model = ModerationAction
    icon = "list-ul"
    menu_label = _("Social moderation log")
    menu_order = 613
    add_to_admin_menu = True
    url_prefix = "moderation/social-log"
    name = "social_log"
    read_only = True
    history = False
    inspect_view_enabled = True
    ordering = ["-created_at"]
    list_per_page = 50
    list_filter = ["kind"]
    search_fields = ["reason", "subject__email"]
    list_display = ["kind", "subject", "moderator", "reason", "created_at"]


# --- Limited authors: the silent limit, seen and lifted -----------------------------------


def _may_moderate(user: Any) -> bool:
    return bool(report_viewset.permission_policy.user_has_permission(user, "change"))


def limited_authors(request: HttpRequest) -> HttpResponse:
    """Everyone under the silent limit, with the reason, and a form to lift it (a reason is
    required; the lift is logged and the author's moments go back into followers' feeds)."""
    if not _may_moderate(request.user):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "social/admin/limited.html",
        {
            "people": selectors.limited_people()[:200],
            "form": LiftLimitForm(),
            "senior": moderation.is_senior(request.user),
        },
    )


@require_POST
def lift_limit(request: HttpRequest, user_id: Any) -> HttpResponse:
    if not _may_moderate(request.user):
        raise PermissionDenied
    profile = get_object_or_404(
        SocialProfile.objects.select_related("user"), user_id=user_id, limited_at__isnull=False
    )
    form = LiftLimitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason to lift the limit."))
        return redirect("social_limited")
    try:
        services.lift_limit(
            profile.user, moderator=user_of(request), reason=form.cleaned_data["reason"]
        )
    except (InvalidDecision, NotAllowed) as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("The limit is lifted."))
    return redirect("social_limited")


@hooks.register("register_admin_urls")
def limited_urls() -> list[Any]:
    return [
        path("moderation/social-limited/", limited_authors, name="social_limited"),
        path(
            "moderation/social-limited/<uuid:user_id>/lift/",
            lift_limit,
            name="social_lift_limit",
        ),
    ]


class LimitedMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return _may_moderate(request.user)


@hooks.register("register_admin_menu_item")
def limited_menu_item() -> MenuItem:
    return LimitedMenuItem(
        _("Limited authors"), reverse("social_limited"), icon_name="lock", order=614
    )


@hooks.register("register_admin_viewset")
def register_report_viewset() -> SocialReportViewSet:
    return report_viewset


@hooks.register("register_admin_viewset")
def register_appeal_viewset() -> AppealViewSet:
    return appeal_viewset


@hooks.register("register_admin_viewset")
def register_log_viewset() -> ActionLogViewSet:
    return ActionLogViewSet()
