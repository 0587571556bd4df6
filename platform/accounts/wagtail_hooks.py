"""Operator screens for accounts in the Wagtail admin: the member listing (search and
filters by role, verified email, suspension and joining date), suspending and reactivating
with a reason (kept in the object's history) and role assignment."""

from typing import Any

import django_filters
from allauth.account.models import EmailAddress
from django.contrib import messages
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView

from core.admin_queues import DecisionView, ReviewQueueViewSet

from . import services
from .downloads import serve_certificate
from .forms import ReactivateForm, RolesForm, SuspendForm
from .models import TeacherCertificate, User, VerificationStatus
from .requests import user_of
from .roles import GROUP_NAMES, Role
from .selectors import roles_of


@hooks.register("register_log_actions")
def register_account_log_actions(actions: Any) -> None:
    actions.register_action("accounts.suspend", _("Suspend"), _("Suspended"))
    actions.register_action("accounts.reactivate", _("Reactivate"), _("Reactivated"))
    actions.register_action("accounts.set_roles", _("Change roles"), _("Roles changed"))
    actions.register_action(
        "accounts.review_certificate", _("Review certificate"), _("Certificate reviewed")
    )
    actions.register_action(
        "accounts.guardian_consent", _("Guardian's answer"), _("Guardian answered")
    )


class MemberFilterSet(WagtailFilterSet):
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=Role.choices, method="filter_role", empty_label=_("Any")
    )
    verified = django_filters.BooleanFilter(label=_("Email verified"), field_name="verified")
    suspended = django_filters.BooleanFilter(
        label=_("Suspended"), field_name="suspended_at", lookup_expr="isnull", exclude=True
    )
    date_joined = django_filters.DateFromToRangeFilter(label=_("Joined"))

    class Meta:
        model = User
        fields: list[str] = []

    def filter_role(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        role = Role(value)
        matches = queryset.filter(groups__name=GROUP_NAMES[role])
        if role == Role.ADMIN:
            matches = matches | queryset.filter(is_superuser=True)
        return matches.distinct()


class MemberIndexView(IndexView):
    page_title = _("Members")

    def get_base_queryset(self) -> QuerySet[User]:
        verified = EmailAddress.objects.filter(
            user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
        )
        return (
            User.objects.filter(deleted_at__isnull=True)
            .annotate(verified=Exists(verified))
            .prefetch_related("groups")
            .order_by("-date_joined")
        )


def _roles_label(user: User) -> str:
    return ", ".join(sorted(Role(role).label for role in roles_of(user))) or "—"


class ManageMemberView(DecisionView):
    """Suspend or reactivate (with a reason) and assign roles."""

    template_name = "accounts/admin/manage_member.html"
    context_object_name = "member"

    def get_queryset(self) -> QuerySet[User]:
        return User.objects.prefetch_related("groups")

    def prepare(self) -> None:
        self.suspend_form = SuspendForm(prefix="suspend")
        self.reactivate_form = ReactivateForm(prefix="reactivate")
        self.roles_form = RolesForm(
            prefix="roles", initial={"roles": sorted(roles_of(self.object))}
        )

    def decide(self) -> HttpResponse | None:
        request, member = self.request, self.object
        here = self.url("edit")
        action = request.POST.get("action")
        if action == "suspend":
            self.suspend_form = SuspendForm(request.POST, prefix="suspend")
            if self.suspend_form.is_valid() and member.pk != request.user.pk:
                services.suspend_user(
                    member, by=user_of(request), reason=self.suspend_form.cleaned_data["reason"]
                )
                return self.decided(_("The account is suspended."), to=here)
        elif action == "reactivate":
            self.reactivate_form = ReactivateForm(request.POST, prefix="reactivate")
            if self.reactivate_form.is_valid():
                services.reactivate_user(
                    member, by=user_of(request), reason=self.reactivate_form.cleaned_data["reason"]
                )
                return self.decided(_("The account is active again."), to=here)
        elif action == "roles":
            self.roles_form = RolesForm(request.POST, prefix="roles")
            if self.roles_form.is_valid():
                roles = [Role(r) for r in self.roles_form.cleaned_data["roles"]]
                services.set_roles(member, roles, by=user_of(request))
                return self.decided(_("Roles saved."), to=here)
        messages.error(request, _("The form has errors."))
        return None

    def get_context_data(self) -> dict[str, Any]:
        member = self.object
        return {
            "roles": sorted(Role(role).label for role in roles_of(member)),
            "verified": EmailAddress.objects.filter(
                user=member, email__iexact=member.email, verified=True
            ).exists(),
            "suspend_form": self.suspend_form,
            "reactivate_form": self.reactivate_form,
            "roles_form": self.roles_form,
        }


class MemberViewSet(ReviewQueueViewSet):
    model = User
    icon = "user"
    menu_label = _("Members")
    menu_order = 600
    add_to_admin_menu = True
    url_prefix = "members"
    name = "members"
    index_view_class = MemberIndexView
    filterset_class = MemberFilterSet
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["-date_joined"]
    list_per_page = 50
    inspect_view_enabled = False
    form_fields = ["first_name", "last_name"]

    @property
    def list_display(self) -> list[Column]:
        return [
            TitleColumn("email", label=_("Email"), url_name=self.get_url_name("edit")),
            Column("name", label=_("Name"), accessor="get_full_name"),
            Column("roles", label=_("Roles"), accessor=_roles_label),
            BooleanColumn("verified", label=_("Verified")),
            BooleanColumn("is_active", label=_("Active")),
            DateColumn("date_joined", label=_("Joined")),
        ]

    # The management page replaces the generic edit form; the history is the audit log of
    # suspensions and role changes. Accounts are created by sign-up and deleted by their
    # owner, never from here.
    decision_view_class = ManageMemberView


member_viewset = MemberViewSet()


@hooks.register("register_admin_viewset")
def register_member_viewset() -> MemberViewSet:
    return member_viewset


class CertificateFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=VerificationStatus.choices, empty_label=_("Any")
    )

    class Meta:
        model = TeacherCertificate
        fields: list[str] = []


class CertificateIndexView(IndexView):
    def get_base_queryset(self) -> QuerySet[TeacherCertificate]:
        return TeacherCertificate.objects.select_related("teacher__user").order_by("uploaded_at")


class ReviewCertificateView(DecisionView):
    """Shows the file and records a moderator's verify / reject decision."""

    template_name = "accounts/admin/review_certificate.html"
    context_object_name = "certificate"

    def get_queryset(self) -> QuerySet[TeacherCertificate]:
        return TeacherCertificate.objects.select_related("teacher__user")

    def decide(self) -> HttpResponse | None:
        decision = self.request.POST.get("decision")
        if decision not in {"verify", "reject"}:
            return None
        services.review_certificate(
            self.object, by=user_of(self.request), verified=decision == "verify"
        )
        return self.decided(_("Decision saved."))

    def get_context_data(self) -> dict[str, Any]:
        return {"file_url": self.url("file")}


class CertificateViewSet(ReviewQueueViewSet):
    """Teachers' certificates waiting for verification, oldest first."""

    model = TeacherCertificate
    icon = "doc-full"
    menu_label = _("Teacher certificates")
    menu_order = 610
    add_to_admin_menu = True
    url_prefix = "teacher-certificates"
    name = "teacher_certificates"
    index_view_class = CertificateIndexView
    filterset_class = CertificateFilterSet
    search_fields = ["title"]
    inspect_view_enabled = False
    form_fields = ["title"]

    @property
    def list_display(self) -> list[Column]:
        return [
            TitleColumn("title", label=_("Title"), url_name=self.get_url_name("edit")),
            Column("teacher", label=_("Teacher"), accessor="teacher.user.email"),
            Column("status", label=_("Status"), accessor="get_status_display"),
            DateColumn("uploaded_at", label=_("Uploaded")),
        ]

    decision_view_class = ReviewCertificateView

    def extra_urlpatterns(self) -> list[Any]:
        return [path("file/<str:pk>/", certificate_file, name="file")]


certificate_viewset = CertificateViewSet()


def certificate_file(request: HttpRequest, pk: str) -> HttpResponseBase:
    """The certificate's file for the moderator reviewing it (the private storage is never
    served directly)."""
    from django.core.exceptions import PermissionDenied

    if not certificate_viewset.permission_policy.user_has_permission(request.user, "change"):
        raise PermissionDenied
    return serve_certificate(request, get_object_or_404(TeacherCertificate, pk=pk))


@hooks.register("register_admin_viewset")
def register_certificate_viewset() -> CertificateViewSet:
    return certificate_viewset


@hooks.register("before_serve_page")
def interface_language_for_page(page: Any, request: HttpRequest, *args: Any) -> None:
    """A page routed in its URL's content language shows the person's interface language."""
    from .middleware import interface_language_for_page as activate

    activate(request)
