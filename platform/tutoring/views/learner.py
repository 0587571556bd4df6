"""Website pages of the marketplace: the directory, a teacher's page with slots in the
learner's time zone, booking and paying, and the learner's and teacher's dashboards.

Thin: reads go through the selectors, writes through the services, errors of the services
become messages on the page they came from.
"""

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.requests import user_of
from accounts.selectors import is_email_verified
from core.api.errors import ServiceError
from core.page_cache import cache_for_visitors

from .. import payments
from ..api.filters import TeacherFilter
from ..forms import TimeRequestForm
from ..models import Booking, BookingStatus, Gig, GigCategory
from ..selectors import bookings as booking_selectors
from ..selectors import dashboard, discovery, slots
from ..selectors.time_requests import time_requests_of
from ..services import bookings as booking_services
from ..services import gifts as gift_services
from ..services import reviews as review_services
from ..services import sessions as session_services
from ..services import time_requests as request_services
from ..zones import profile_zone, teaching_zone, zone_named

DIRECTORY_PAGE_SIZE = 12
SLOT_DAYS = 7
# Anonymous visitors' directory and teacher pages are shared for this long (core.page_cache):
# ratings, prices and free slots may lag a minute; booking checks the slot again.
VISITOR_CACHE_SECONDS = 60


def learner_zone(request: HttpRequest) -> ZoneInfo:
    """The zone a learner's pages show times in: ``?tz=`` (a valid one), else the signed-in
    user's profile zone, else UTC. Teachers' own pages use ``zones.teaching_zone``."""
    asked = request.GET.get("tz", "")
    if asked and zone_named(asked).key == asked:
        return zone_named(asked)
    return profile_zone(request.user) if request.user.is_authenticated else zone_named("")


@cache_for_visitors(VISITOR_CACHE_SECONDS)
def directory(request: HttpRequest) -> HttpResponse:
    filterset = TeacherFilter(request.GET or None, queryset=discovery.listed_teachers())
    queryset = filterset.qs if filterset.is_bound else filterset.queryset
    page = Paginator(
        queryset.order_by("-rating_average", "-rating_count", "user_id"), DIRECTORY_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "tutoring/directory.html",
        {
            "filter": filterset,
            "page_obj": page,
            "categories": GigCategory.objects.all(),
            "favourite_ids": discovery.favourite_ids(request.user),
            "query": request.GET.copy(),
        },
    )


@cache_for_visitors(VISITOR_CACHE_SECONDS)
def teacher(request: HttpRequest, pk: str) -> HttpResponse:
    listing = get_object_or_404(discovery.listed_teachers(), pk=pk)
    return _teacher_page(request, listing, None)


def _teacher_page(
    request: HttpRequest, listing: Any, request_form: TimeRequestForm | None
) -> HttpResponse:
    zone = learner_zone(request)
    gigs = list(listing.gigs.all())
    gig = next((g for g in gigs if str(g.pk) == request.GET.get("gig")), gigs[0] if gigs else None)
    durations = [d.minutes for d in gig.durations.all()] if gig else []
    try:
        minutes = int(request.GET.get("duration") or (durations[0] if durations else 60))
    except ValueError:
        minutes = durations[0] if durations else 60
    if durations and minutes not in durations:
        minutes = durations[0]
    now = timezone.now()
    found = slots.free_slots(listing, minutes, now, now + timedelta(days=SLOT_DAYS)) if gig else []
    by_day: dict[Any, list[datetime]] = defaultdict(list)
    for slot in found:
        local = slot.start.astimezone(zone)
        by_day[local.date()].append(local)
    return TemplateResponse(
        request,
        "tutoring/teacher.html",
        {
            "listing": listing,
            "gigs": gigs,
            "gig": gig,
            "minutes": minutes,
            "price": gig.price_for(minutes) if gig else None,
            "package_offers": package_offers(gig, minutes) if gig else [],
            "slot_days": sorted(by_day.items()),
            "zone": zone,
            "reviews": booking_selectors.published_reviews(listing)[:10],
            "is_favourite": listing.pk in discovery.favourite_ids(request.user),
            "verified": request.user.is_authenticated and is_email_verified(request.user),
            "request_form": request_form or TimeRequestForm(gigs=gigs),
        },
    )


@login_required
@require_POST
def request_time(request: HttpRequest, pk: str) -> HttpResponse:
    """The "Request another time" form: the learner asks for a start outside the posted hours,
    entered in their zone (``?tz=`` of the page, else their profile's)."""
    listing = get_object_or_404(discovery.listed_teachers(), pk=pk)
    form = TimeRequestForm(request.POST, gigs=list(listing.gigs.all()))
    if not is_email_verified(user_of(request)):
        form.add_error(None, _("Verify your email address to ask for a time."))
    else:
        with timezone.override(learner_zone(request)):
            valid = form.is_valid()
        if valid:
            gig, minutes = form.cleaned_data["lesson"]
            try:
                request_services.request_time(
                    learner=user_of(request),
                    gig=gig,
                    start=form.cleaned_data["start"],
                    minutes=minutes,
                    message=form.cleaned_data["message"],
                )
            except ServiceError as error:
                form.add_error(None, str(error.detail))
            else:
                messages.success(
                    request,
                    _(
                        "Your request is sent to %(name)s. You will see their answer"
                        " under your requests here."
                    )
                    % {"name": listing.user.get_full_name()},
                )
                return redirect(reverse("tutoring-dashboard") + "#requests-title")
    response = _teacher_page(request, listing, form)
    response.status_code = 400
    return response


def package_offers(gig: Gig, minutes: int) -> list[dict[str, Any]]:
    """The gig's packages of ``minutes`` lessons: size, price a lesson, price in all."""
    from ..services.packages import unit_price

    if gig.price_for(minutes) is None:
        return []
    unit = unit_price(gig, minutes)
    return [
        {"lessons": n, "unit_price": unit, "price": unit * n}
        for n in sorted(gig.package_sizes or [])
    ]


@login_required
@require_POST
def book(request: HttpRequest, pk: str) -> HttpResponse:
    listing = get_object_or_404(discovery.listed_teachers(), pk=pk)
    back = reverse("tutoring-teacher", args=[listing.pk])
    if not is_email_verified(user_of(request)):
        messages.error(request, "Verify your email address before booking.")
        return redirect(back)
    gig = get_object_or_404(
        Gig.objects.select_related("listing").prefetch_related("durations"),
        pk=request.POST.get("gig"),
        listing=listing,
    )
    try:
        start = datetime.fromisoformat(request.POST.get("start", ""))
        minutes = int(request.POST.get("duration", ""))
    except ValueError:
        messages.error(request, "Pick a time from the list.")
        return redirect(back)
    if timezone.is_naive(start):
        messages.error(request, "Pick a time from the list.")
        return redirect(back)
    try:
        booking = booking_services.hold_booking(
            learner=user_of(request), gig=gig, start=start, minutes=minutes
        )
    except ServiceError as error:
        messages.error(request, str(error.detail))
        return redirect(f"{back}?gig={gig.pk}&duration={minutes}")
    return redirect("tutoring-pay", pk=booking.pk)


def _own_booking(request: HttpRequest, pk: str) -> Booking:
    return get_object_or_404(booking_selectors.bookings_of(user_of(request)), pk=pk)


@login_required
def pay(request: HttpRequest, pk: str) -> HttpResponse:
    booking = _own_booking(request, pk)
    if booking.learner_id != request.user.pk:
        raise Http404
    if booking.status != BookingStatus.HELD:
        return redirect("tutoring-booking", pk=booking.pk)
    try:
        client = payments.start_booking_checkout(
            booking, provider=payments.website_card_provider(), user=request.user
        )
    except ServiceError as error:
        messages.error(request, str(error.detail))
        return redirect("tutoring-booking", pk=booking.pk)
    client = {
        **client,
        "return_url": request.build_absolute_uri(reverse("tutoring-booking", args=[booking.pk])),
    }
    return TemplateResponse(
        request,
        "tutoring/pay.html",
        {"booking": booking, "client": client, "zone": learner_zone(request)},
    )


@login_required
def booking_detail(request: HttpRequest, pk: str) -> HttpResponse:
    booking = _own_booking(request, pk)
    return TemplateResponse(
        request,
        "tutoring/booking.html",
        {
            "booking": booking,
            "events": booking.events.all(),
            # The teacher reads their lesson in their teaching zone, the learner in theirs.
            "zone": teaching_zone(booking.teacher)
            if booking.teacher_id == request.user.pk
            else learner_zone(request),
            "is_teacher": booking.teacher_id == request.user.pk,
            "payment_processing": booking.status == BookingStatus.HELD
            and bool(request.GET.get("payment_intent")),
            "classroom_open": booking_selectors.classroom_is_open(booking),
            "review": booking_selectors.review_of(booking),
            "can_tip": booking.learner_id == request.user.pk and gift_services.can_gift(booking),
            "tip_providers": payments.tip_providers(),
        },
    )


@login_required
@require_POST
def confirm_lesson(request: HttpRequest, pk: str) -> HttpResponse:
    booking = _own_booking(request, pk)
    try:
        session_services.confirm_completion(booking.pk, by=user_of(request))
        messages.success(request, "Thank you! The lesson is completed.")
    except ServiceError as error:
        messages.error(request, str(error.detail))
    return redirect("tutoring-booking", pk=booking.pk)


@login_required
@require_POST
def review(request: HttpRequest, pk: str) -> HttpResponse:
    booking = _own_booking(request, pk)
    try:
        rating = int(request.POST.get("rating", ""))
    except ValueError:
        messages.error(request, "Choose from one to five stars.")
        return redirect("tutoring-booking", pk=booking.pk)
    try:
        review_services.write_review(
            booking, by=user_of(request), rating=rating, text=request.POST.get("text", "")[:4000]
        )
        messages.success(request, "Thank you for your review!")
    except ServiceError as error:
        messages.error(request, str(error.detail))
    return redirect("tutoring-booking", pk=booking.pk)


@login_required
@require_POST
def tip(request: HttpRequest, pk: str) -> HttpResponse:
    """Creates the (unpaid) gift and shows the checkout every other purchase goes through;
    the teacher is credited when the payment succeeds."""
    booking = _own_booking(request, pk)
    if not is_email_verified(user_of(request)):
        messages.error(request, "Verify your email address before paying.")
        return redirect("tutoring-booking", pk=booking.pk)
    try:
        amount = Decimal(request.POST.get("amount", "")).quantize(Decimal("0.01"))
    except InvalidOperation:
        messages.error(request, "Enter an amount.")
        return redirect("tutoring-booking", pk=booking.pk)
    provider = request.POST.get("provider", payments.website_card_provider())
    try:
        gift = gift_services.create_gift(
            booking,
            by=user_of(request),
            amount=amount,
            message=request.POST.get("message", "")[:200],
        )
        checkout = payments.gift_checkout(gift, provider=provider, user=user_of(request))
    except ServiceError as error:
        messages.error(request, str(error.detail))
        return redirect("tutoring-booking", pk=booking.pk)
    # Once paid, back to the lesson the tip thanks for (not the wallet).
    done_next = reverse("tutoring-booking", args=[booking.pk])
    return TemplateResponse(
        request,
        "payments/checkout.html",
        {"payment": checkout.payment, "client": checkout.client, "done_next": done_next},
    )


@login_required
@require_POST
def cancel(request: HttpRequest, pk: str) -> HttpResponse:
    booking = _own_booking(request, pk)
    try:
        booking_services.cancel_booking(
            booking.pk, by=user_of(request), reason=request.POST.get("reason", "")[:500]
        )
        messages.success(request, "The lesson is cancelled.")
    except ServiceError as error:
        messages.error(request, str(error.detail))
    return redirect("tutoring-booking", pk=booking.pk)


@login_required
def learner_dashboard(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    return TemplateResponse(
        request,
        "tutoring/learner_dashboard.html",
        {
            "open_classrooms": booking_selectors.open_classrooms(user),
            "to_review": booking_selectors.awaiting_review(user)[:5],
            "upcoming": dashboard.upcoming(user, role="learner"),
            "history": dashboard.history(user, role="learner")[:20],
            "time_requests": time_requests_of(user, "learner").order_by("-created_at")[:10],
            "spend": dashboard.spend(user),
            "zone": learner_zone(request),
            "listing": dashboard.listing_of(user),
        },
    )


@login_required
def teacher_dashboard(request: HttpRequest) -> HttpResponse:
    """The teacher's hub: a checklist until they can be booked, then their lessons,
    requests, earnings and links to every teacher page."""
    from accounts.roles import Role
    from accounts.selectors import has_role

    from .teach import checklist

    user = user_of(request)
    listing = dashboard.listing_of(user)
    if listing is None and not has_role(user, Role.TEACHER):
        messages.info(request, "Sign up as a teacher to teach on Toto.")
        return redirect("tutoring-dashboard")
    steps = checklist(user, listing)
    context: dict[str, Any] = {"listing": listing, "checklist": steps}
    if listing is not None:
        context |= {
            "upcoming": dashboard.upcoming(user, role="teacher"),
            "requests": dashboard.pending_requests(user),
            "earnings": dashboard.earnings(user),
            "payouts": dashboard.payouts(user),
            "students": dashboard.students(user)[:50],
            "zone": teaching_zone(listing),  # the zone their weekly hours are written in
            "calendar_url": request.build_absolute_uri(
                reverse("tutoring-calendar", args=[listing.calendar_token])
            ),
        }
    context["setup_done"] = all(step["done"] for step in steps)
    return TemplateResponse(request, "tutoring/teacher_dashboard.html", context)
