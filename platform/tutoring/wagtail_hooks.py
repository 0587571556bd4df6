"""The marketplace in the Wagtail admin (menu "Marketplace"): the teacher verification queue,
bookings with their history (read-only), review moderation and the gig categories.

Who sees what follows the model permissions: Moderators hold view/change on teacher
listings and reviews and view on bookings (migration 0005_admin_*); gig categories are
admins' (superusers'). Every decision goes through the services, which log it in Wagtail's
audit log and notify the people concerned.
"""

from typing import Any

import django_filters
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.site_summary import SummaryItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from core.admin_queues import ReviewQueueViewSet

from . import admin_views
from .models import (
    Booking,
    BookingStatus,
    GigCategory,
    LessonType,
    ListingStatus,
    Review,
    ReviewStatus,
    TeacherListing,
)


@hooks.register("register_log_actions")
def register_tutoring_log_actions(actions: Any) -> None:
    actions.register_action("tutoring.approve_listing", _("Verify teacher"), _("Teacher verified"))
    actions.register_action("tutoring.reject_listing", _("Reject teacher"), _("Teacher rejected"))
    actions.register_action("tutoring.moderate_review", _("Moderate review"), _("Review moderated"))


# --- Teacher verification -------------------------------------------------------------


class ListingFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ListingStatus.choices, empty_label=_("Any")
    )

    class Meta:
        model = TeacherListing
        fields: list[str] = []


class ListingIndexView(IndexView):
    page_title = _("Teacher verification")

    def get_base_queryset(self) -> QuerySet[TeacherListing]:
        # The queue first (oldest submission first), then everyone else.
        return TeacherListing.objects.select_related("user").annotate(
            queue=Case(
                When(status=ListingStatus.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )


class TeacherListingViewSet(ReviewQueueViewSet):
    model = TeacherListing
    icon = "user"
    menu_label = _("Teacher verification")
    url_prefix = "tutoring/teachers"
    name = "tutoring_teachers"
    index_view_class = ListingIndexView
    filterset_class = ListingFilterSet
    search_fields = ["user__email", "user__first_name", "user__last_name", "headline"]
    ordering = ["queue", "submitted_at", "user__email"]
    list_per_page = 50
    inspect_view_enabled = False
    form_fields = ["headline"]

    @property
    def list_display(self) -> list[Column]:
        return [
            TitleColumn("user", label=_("Teacher"), url_name=self.get_url_name("edit")),
            Column("email", label=_("Email"), accessor="user.email"),
            Column("headline", label=_("Headline")),
            Column("status", label=_("Status"), accessor="get_status_display"),
            DateColumn("submitted_at", label=_("Submitted"), sort_key="submitted_at"),
        ]

    # Listings are written by their teachers; here they are only verified or rejected.
    decision_route = "review"

    decision_view_class = admin_views.ReviewListingView


# --- Bookings (read-only) ---------------------------------------------------------------


class BookingFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=BookingStatus.choices, empty_label=_("Any")
    )
    lesson_type = django_filters.ChoiceFilter(
        label=_("Lesson type"), choices=LessonType.choices, empty_label=_("Any")
    )
    start = django_filters.DateFromToRangeFilter(
        label=_("Lesson date"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Booking
        fields: list[str] = []


class BookingIndexView(IndexView):
    page_title = _("Bookings")

    def get_base_queryset(self) -> QuerySet[Booking]:
        return Booking.objects.select_related("teacher__user", "learner", "gig")


class BookingInspectView(InspectView):
    template_name = "tutoring/admin/booking_inspect.html"

    def get_object(self, queryset: Any = None) -> Booking:
        return Booking.objects.select_related("teacher__user", "learner", "gig").get(pk=self.pk)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["events"] = self.object.events.select_related("actor")
        return context


class BookingViewSet(ReviewQueueViewSet):
    model = Booking
    icon = "date"
    menu_label = _("Bookings")
    url_prefix = "tutoring/bookings"
    name = "tutoring_bookings"
    index_view_class = BookingIndexView
    inspect_view_class = BookingInspectView
    inspect_view_enabled = True
    filterset_class = BookingFilterSet
    search_fields = ["learner__email", "teacher__user__email"]
    ordering = ["-start"]
    list_per_page = 50
    form_fields: list[str] = []
    inspect_view_fields = [
        "id",
        "teacher",
        "learner",
        "gig",
        "lesson_type",
        "status",
        "start",
        "end",
        "meeting_provider",
        "currency",
        "price",
        "price_per_minute",
        "billed_minutes",
        "billed_amount",
        "refunded_amount",
        "payment_reference",
        "paid_at",
        "confirmed_at",
        "completed_at",
        "cancelled_at",
        "cancellation_reason",
        "created_at",
    ]
    list_export = [
        "id",
        "start",
        "status",
        "lesson_type",
        "currency",
        "price",
        "refunded_amount",
        "created_at",
    ]

    @property
    def list_display(self) -> list[Column]:
        return [
            TitleColumn(
                "start",
                label=_("Lesson"),
                # In the admin's own time zone (Wagtail activates the one in their
                # account settings for every admin view), named so it is never ambiguous.
                accessor=lambda b: (
                    f"{date_format(localtime(b.start), 'Y-m-d H:i T')} · {b.gig.title}"
                ),
                url_name=self.get_url_name("inspect"),
                sort_key="start",
            ),
            Column("teacher", label=_("Teacher"), accessor="teacher.user.email"),
            Column("learner", label=_("Learner"), accessor="learner.email"),
            Column("status", label=_("Status"), accessor="get_status_display"),
            Column("price", label=_("Price"), accessor=lambda b: f"{b.price} {b.currency}"),
        ]

    # Read-only: bookings change only through their services (payment, cancellation,
    # the session), so that the ledger and the history stay right.
    history = False
    read_only = True


# --- Reviews ----------------------------------------------------------------------------


class ReviewFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ReviewStatus.choices, empty_label=_("Any")
    )
    rating = django_filters.ChoiceFilter(
        label=_("Stars"), choices=[(n, str(n)) for n in range(1, 6)], empty_label=_("Any")
    )

    class Meta:
        model = Review
        fields: list[str] = []


class ReviewIndexView(IndexView):
    page_title = _("Reviews")

    def get_base_queryset(self) -> QuerySet[Review]:
        return Review.objects.select_related("teacher__user", "booking__learner")


class ReviewViewSet(ReviewQueueViewSet):
    model = Review
    icon = "pick"
    menu_label = _("Reviews")
    url_prefix = "tutoring/reviews"
    name = "tutoring_reviews"
    index_view_class = ReviewIndexView
    filterset_class = ReviewFilterSet
    search_fields = ["text", "teacher__user__email", "booking__learner__email"]
    ordering = ["-created_at"]
    list_per_page = 50
    inspect_view_enabled = False
    form_fields = ["status"]

    @property
    def list_display(self) -> list[Column]:
        return [
            TitleColumn(
                "text",
                label=_("Review"),
                accessor=lambda r: f"{'★' * r.rating} {r.text[:80]}",
                url_name=self.get_url_name("edit"),
            ),
            Column("teacher", label=_("Teacher"), accessor="teacher.user.email"),
            Column("learner", label=_("Learner"), accessor="booking.learner.email"),
            Column("status", label=_("Status"), accessor="get_status_display"),
            DateColumn("created_at", label=_("Written"), sort_key="created_at"),
        ]

    decision_route = "moderate"

    decision_view_class = admin_views.ModerateReviewView


# --- Gig categories (admins add more) ---------------------------------------------------


class GigCategoryViewSet(ModelViewSet):
    model = GigCategory
    icon = "tag"
    menu_label = _("Gig categories")
    url_prefix = "tutoring/gig-categories"
    name = "tutoring_gig_categories"
    list_display = ["name", "slug", "is_language_teaching"]
    search_fields = ["name", "slug"]
    form_fields = ["name", "slug", "description", "is_language_teaching"]
    ordering = ["name"]


class MarketplaceGroup(ViewSetGroup):
    menu_label = _("Marketplace")
    menu_icon = "group"
    menu_order = 650
    items = (TeacherListingViewSet, BookingViewSet, ReviewViewSet, GigCategoryViewSet)


@hooks.register("register_admin_viewset")
def register_marketplace_viewsets() -> MarketplaceGroup:
    return MarketplaceGroup()


class PendingTeachersSummaryItem(SummaryItem):
    """On the admin home: how many teachers wait for verification, linking to the queue."""

    order = 250
    template_name = "tutoring/admin/summary_pending_teachers.html"

    def is_shown(self) -> bool:
        return self.request.user.has_perm("tutoring.change_teacherlisting")

    def get_context_data(self, parent_context: Any) -> dict[str, Any]:
        return {
            "total": TeacherListing.objects.filter(status=ListingStatus.PENDING).count(),
            "url": reverse("tutoring_teachers:index") + "?status=pending",
        }


@hooks.register("construct_homepage_summary_items")
def add_pending_teachers_summary(request: Any, items: list[SummaryItem]) -> None:
    items.append(PendingTeachersSummaryItem(request))
