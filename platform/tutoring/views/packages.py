"""Website pages of lesson packages: buy one from the teacher's page (the same checkout as
every purchase), "My packages" with the lessons left, and a package's page to book its
lessons from the teacher's free times (or refund the unused ones).

Thin: reads through the selectors, writes through ``services.packages``; service errors
become messages on the page they came from."""

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.requests import user_of
from accounts.selectors import is_email_verified
from core.api.errors import ServiceError

from .. import payments
from ..models import Gig, PackageStatus
from ..selectors import discovery, slots
from ..selectors import packages as package_selectors
from ..services import packages as package_services
from .learner import SLOT_DAYS, learner_zone

PACKAGES_PAGE_SIZE = 20


@login_required
@require_POST
def buy(request: HttpRequest, pk: str) -> HttpResponse:
    """Makes the unpaid package and shows its checkout (the demo card on a fresh install)."""
    listing = get_object_or_404(discovery.listed_teachers(), pk=pk)
    back = reverse("tutoring-teacher", args=[listing.pk])
    if not is_email_verified(user_of(request)):
        messages.error(request, _("Verify your email address before buying."))
        return redirect(back)
    gig = get_object_or_404(
        Gig.objects.select_related("listing").prefetch_related("durations"),
        pk=request.POST.get("gig"),
        listing=listing,
    )
    try:
        minutes = int(request.POST.get("duration", ""))
        lessons = int(request.POST.get("lessons", ""))
    except ValueError:
        messages.error(request, _("Choose a package."))
        return redirect(back)
    try:
        package = package_services.create_package(
            learner=user_of(request), gig=gig, minutes=minutes, lessons=lessons
        )
        checkout = payments.package_checkout(
            package, provider=payments.website_card_provider(), user=user_of(request)
        )
    except ServiceError as error:
        messages.error(request, str(error.detail))
        return redirect(f"{back}?gig={gig.pk}&duration={minutes}")
    client = {
        **checkout.client,
        "return_url": request.build_absolute_uri(reverse("tutoring-package", args=[package.pk])),
    }
    return TemplateResponse(
        request,
        "tutoring/package_pay.html",
        {"package": package, "payment": checkout.payment, "client": client},
    )


@login_required
def package_list(request: HttpRequest) -> HttpResponse:
    packages = package_selectors.packages_of(user_of(request)).exclude(
        status=PackageStatus.ABANDONED
    )
    page = Paginator(packages, PACKAGES_PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "tutoring/packages.html", {"page_obj": page})


@login_required
def package_detail(request: HttpRequest, pk: str) -> HttpResponse:
    package = get_object_or_404(package_selectors.packages_of(user_of(request)), pk=pk)
    zone = learner_zone(request)
    by_day: dict[Any, list[datetime]] = defaultdict(list)
    if package.lessons_left:
        now = timezone.now()
        until = now + timedelta(days=SLOT_DAYS)
        if package.expires_at is not None:
            until = min(until, package.expires_at)
        for slot in slots.free_slots(package.teacher, package.minutes, now, until):
            local = slot.start.astimezone(zone)
            by_day[local.date()].append(local)
    return TemplateResponse(
        request,
        "tutoring/package.html",
        {
            "package": package,
            "bookings": package.bookings.order_by("start"),
            "slot_days": sorted(by_day.items()),
            "zone": zone,
        },
    )


@login_required
@require_POST
def book(request: HttpRequest, pk: str) -> HttpResponse:
    package = get_object_or_404(package_selectors.packages_of(user_of(request)), pk=pk)
    try:
        start = datetime.fromisoformat(request.POST.get("start", ""))
    except ValueError:
        start = None
    if start is None or timezone.is_naive(start):
        messages.error(request, _("Pick a time from the list."))
        return redirect("tutoring-package", pk=package.pk)
    try:
        package_services.book_from_package(package.pk, learner=user_of(request), start=start)
    except ServiceError as error:
        messages.error(request, str(error.detail))
    else:
        local = start.astimezone(learner_zone(request))
        messages.success(
            request,
            _("Booked: %(when)s. It is confirmed; no payment needed.")
            % {"when": local.strftime("%Y-%m-%d %H:%M")},
        )
    return redirect("tutoring-package", pk=package.pk)


@login_required
@require_POST
def refund(request: HttpRequest, pk: str) -> HttpResponse:
    package = get_object_or_404(package_selectors.packages_of(user_of(request)), pk=pk)
    try:
        closed = package_services.refund_unused(package.pk, by=user_of(request))
    except ServiceError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(
            request,
            _("The package is closed; %(amount)s %(currency)s is on its way back to you.")
            % {"amount": closed.refunded_amount, "currency": closed.currency},
        )
    return redirect("tutoring-package", pk=package.pk)
