"""A vendor's admin shows only what they own: their pages (the explorer opens at their
subtree, as their page permissions allow nothing else) and their bookings."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.roles import GROUP_NAMES, STAFF_ROLES, VENDOR_ROLES

VENDOR_MENU = {
    "explorer",
    "abroad-bookings",
    "abroad-calendar",
    "abroad-messages",
    "abroad-payout-method",
    "abroad-earnings",
}


def is_vendor_only(user: Any) -> bool:
    if not user.is_authenticated or user.is_superuser:
        return False
    names = set(user.groups.values_list("name", flat=True))
    vendor = {GROUP_NAMES[role] for role in VENDOR_ROLES} & names
    staff = {GROUP_NAMES[role] for role in STAFF_ROLES} & names
    return bool(vendor) and not staff


class VendorBookingsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return is_vendor_only(request.user)


@hooks.register("register_admin_menu_item")
def register_vendor_bookings() -> MenuItem:
    return VendorBookingsMenuItem(
        _("Bookings and requests"),
        "/abroad/vendor/",
        name="abroad-bookings",
        icon_name="date",
        order=150,
    )


@hooks.register("register_admin_menu_item")
def register_vendor_calendar() -> MenuItem:
    return VendorBookingsMenuItem(
        _("Rooms and blocked dates"),
        "/abroad/vendor/calendar/",
        name="abroad-calendar",
        icon_name="calendar",
        order=152,
    )


@hooks.register("register_admin_menu_item")
def register_vendor_messages() -> MenuItem:
    """Learners message their school or host from the trip page; the partner answers in chat."""
    return VendorBookingsMenuItem(
        _("Messages"), "/chat/", name="abroad-messages", icon_name="mail", order=155
    )


@hooks.register("register_admin_menu_item")
def register_vendor_earnings() -> MenuItem:
    """What the partner earned per booking, what is available and their payouts."""
    return VendorBookingsMenuItem(
        _("Earnings and payouts"),
        "/abroad/vendor/earnings/",
        name="abroad-earnings",
        icon_name="table",
        order=158,
    )


@hooks.register("register_admin_menu_item")
def register_vendor_payout_method() -> MenuItem:
    """Where a partner's earnings go (the website's payout method page, shared with
    teachers): without it a partner had no way to find it from their admin."""
    return VendorBookingsMenuItem(
        _("Payout method"),
        "/payouts/method/",
        name="abroad-payout-method",
        icon_name="key",
        order=160,
    )


@hooks.register("construct_main_menu")
def reduce_vendor_menu(request: HttpRequest, menu_items: list[Any]) -> None:
    if is_vendor_only(request.user):
        menu_items[:] = [item for item in menu_items if item.name in VENDOR_MENU]


@hooks.register("construct_homepage_summary_items", order=1000)
def hide_site_summary_from_vendors(request: HttpRequest, items: list[Any]) -> None:
    """Wagtail's summary counts every page, image and document under the explorable root
    ("20 Pages"): to a partner that is other partners' listings, and no use. Their own
    listings and bookings are on the dashboard panel below it (abroad.wagtail_hooks)."""
    if is_vendor_only(request.user):
        items.clear()


@hooks.register("construct_page_chooser_queryset")
def vendors_choose_only_their_pages(pages: Any, request: HttpRequest) -> Any:
    """Wagtail's page chooser lists every page, with its draft title, to anyone who may edit
    one: a partner searching it saw another partner's unpublished changes. A partner
    chooses among their own pages only."""
    if not is_vendor_only(request.user):
        return pages
    from django.db.models import Q

    from .vendors import vendor_root_pages

    roots = vendor_root_pages(request.user)
    if not roots:
        return pages.none()
    mine = Q()
    for root in roots:
        mine |= Q(path__startswith=root.path)
    return pages.filter(mine)
