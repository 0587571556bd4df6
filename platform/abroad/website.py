"""Website pages of study abroad: search (list or offline map), wishlist, compare, booking
and paying, "My trips", and the providers' requests. The listings' own pages are Wagtail
pages (cms.abroad templates)."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from accounts.requests import user_of
from accounts.selectors import is_email_verified
from cms.abroad.models import InstitutePage
from core.api.errors import ServiceError
from core.downloads import PrivateFile, serve_private_file

from . import maps, payments, selectors, services
from .forms import (
    BlockDatesForm,
    BookForm,
    PayoutForm,
    ReplyForm,
    ReviewForm,
    SearchForm,
    VendorApplicationForm,
)
from .models import BookingStatus

PER_PAGE = 12
COMPARE_KEY = "abroad_compare"


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return default
    return target


def _map_items(kind: str, items: list[Any]) -> list[dict[str, Any]]:
    if kind == "homestays":
        return [
            {"lat": h.latitude, "lon": h.longitude, "label": h.title, "url": h.url, "kind": "home"}
            for h in items
        ]
    institute_ids = {c.institute.pk for c in items if getattr(c, "institute", None)}
    institutes = InstitutePage.objects.in_bulk(list(institute_ids))
    points: dict[int, dict[str, Any]] = {}
    for course in items:
        institute = institutes.get(course.institute.pk) if course.institute else None
        if institute is None:
            continue
        point = points.setdefault(
            institute.pk,
            {
                "lat": institute.latitude,
                "lon": institute.longitude,
                "label": institute.title,
                "url": institute.url,
                "kind": "school",
            },
        )
        point["label"] = f"{institute.title}" if point["label"] else course.title
    return list(points.values())


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    kind = data.get("kind") or "courses"
    sort = data.get("sort") or "price"
    if kind == "homestays":
        queryset: Any = selectors.homestays(
            destination_id=data.get("destination"),
            room_type=data.get("room_type") or "",
            meals=data.get("meals") or "",
            budget_per_night=data.get("budget"),
            check_in=data.get("check_in"),
            check_out=data.get("check_out"),
            institute_id=data.get("institute"),
            ordering=sort if sort in selectors.HOMESTAY_ORDERINGS else "price",
        )
    else:
        queryset = selectors.courses(
            destination_id=data.get("destination"),
            language=data.get("language") or "",
            course_type=data.get("course_type") or "",
            level=data.get("level") or "",
            start_from=data.get("start_date"),
            weeks=data.get("weeks"),
            budget=data.get("budget"),
            ordering=sort,
        )
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    selectors.attach_ancestors(items)
    selectors.attach_card_photos(items)
    layout = "map" if request.GET.get("layout") == "map" else "list"
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("layout", None)
    context = {
        "form": form,
        "kind": kind,
        "page_obj": page,
        "items": items,
        "layout": layout,
        "query": query.urlencode(),
        "map": maps.project(_map_items(kind, items)) if layout == "map" else None,
        "weeks": data.get("weeks"),
        "wishlist": selectors.wishlist_page_ids(request.user),
        "compare": request.session.get(COMPARE_KEY, []),
        "destinations": list(selectors.destinations()),
    }
    return TemplateResponse(request, "abroad/search.html", context)


@login_required
def wishlist(request: HttpRequest) -> HttpResponse:
    items = list(selectors.wishlist_of(user_of(request))[:100])
    return TemplateResponse(request, "abroad/wishlist.html", {"items": items})


@login_required
@require_POST
def wishlist_toggle(request: HttpRequest) -> HttpResponse:
    page_id = request.POST.get("page", "")
    user = user_of(request)
    if page_id.isdigit() and int(page_id) in selectors.wishlist_page_ids(user):
        services.remove_from_wishlist(user, int(page_id))
        messages.info(request, _("Removed from your wishlist."))
    else:
        try:
            services.add_to_wishlist(user, page_id if page_id.isdigit() else 0)
            messages.success(request, _("Saved to your wishlist."))
        except ServiceError as error:
            messages.error(request, str(error.detail))
    return redirect(_back(request, reverse("abroad-wishlist")))


@require_POST
def compare_toggle(request: HttpRequest) -> HttpResponse:
    chosen: list[int] = list(request.session.get(COMPARE_KEY, []))
    page_id = request.POST.get("page", "")
    if not page_id.isdigit() or selectors.listing(int(page_id)) is None:
        raise Http404
    pk = int(page_id)
    if pk in chosen:
        chosen.remove(pk)
    elif len(chosen) >= selectors.MAX_COMPARE:
        messages.error(request, _("You can compare up to four. Remove one first."))
    else:
        chosen.append(pk)
        messages.success(request, _("Added to compare."))
    request.session[COMPARE_KEY] = chosen
    return redirect(_back(request, reverse("abroad-compare")))


def compare(request: HttpRequest) -> HttpResponse:
    chosen: list[int] = list(request.session.get(COMPARE_KEY, []))
    weeks = request.GET.get("weeks", "")
    nights = request.GET.get("nights", "")
    rows = (
        selectors.compare(
            chosen,
            weeks=int(weeks) if weeks.isdigit() and 0 < int(weeks) <= 104 else None,
            nights=int(nights) if nights.isdigit() and 0 < int(nights) <= 730 else None,
        )
        if chosen
        else []
    )
    return TemplateResponse(
        request,
        "abroad/compare.html",
        {"rows": rows, "weeks": weeks, "nights": nights},
    )


@login_required
@require_POST
def book(request: HttpRequest) -> HttpResponse:
    back = _back(request, reverse("abroad-search"))
    if not is_email_verified(user_of(request)):
        messages.error(request, _("Verify your email address before booking."))
        return redirect(back)
    form = BookForm(request.POST)
    if not form.is_valid():
        for error in form.non_field_errors() or [_("Check the dates and numbers.")]:
            messages.error(request, str(error))
        return redirect(back)
    data = form.cleaned_data
    try:
        booking = services.hold_booking(
            learner=user_of(request),
            intake_id=data.get("intake"),
            seats=data.get("seats") or 1,
            weeks=data.get("weeks"),
            room_id=data.get("room"),
            check_in=data.get("check_in"),
            check_out=data.get("check_out"),
        )
    except ServiceError as error:
        messages.error(request, str(error.detail))
        return redirect(back)
    if booking.status == BookingStatus.AWAITING_VENDOR:
        messages.success(request, _("Request sent. Nothing is charged until it is accepted."))
        return redirect("abroad-trip", pk=booking.pk)
    return redirect("abroad-pay", pk=booking.pk)


@login_required
def trips(request: HttpRequest) -> HttpResponse:
    bookings = list(selectors.bookings_of(user_of(request))[:100])
    return TemplateResponse(request, "abroad/trips.html", {"bookings": bookings})


def _own(request: HttpRequest, pk: str) -> Any:
    booking = selectors.bookings_of(user_of(request)).filter(pk=pk).first()
    if booking is None:
        raise Http404
    return booking


def _contacts(booking: Any) -> list[Any]:
    """The booking's school and host, each with the wording of its "Message" button."""
    pages = []
    for page, contact in ((booking.course, "school"), (booking.homestay, "host")):
        if page is not None and page.owner_id:
            page.contact = contact
            pages.append(page)
    return pages


@login_required
def trip(request: HttpRequest, pk: str) -> HttpResponse:
    booking = _own(request, pk)
    return TemplateResponse(
        request,
        "abroad/trip.html",
        {
            "booking": booking,
            "amount_due": payments.amount_due(booking),
            "transfer": payments.pending_bank_transfer(booking),
            "reviewable": selectors.reviewable_pages(booking),
            "contacts": _contacts(booking),
            "stars": [5, 4, 3, 2, 1],
        },
    )


@login_required
def pay(request: HttpRequest, pk: str) -> HttpResponse:
    booking = _own(request, pk)
    amount = payments.amount_due(booking)
    if amount <= 0:
        return redirect("abroad-trip", pk=booking.pk)
    offered = payments.website_providers(amount, booking.currency)
    provider = request.GET.get("provider", "")
    if provider not in {value for value, _label in offered}:
        provider = payments.website_card_provider()
    try:
        checkout = payments.start_checkout(booking, provider=provider, user=user_of(request))
    except ServiceError as error:
        messages.error(request, str(error.detail))
        return redirect("abroad-trip", pk=booking.pk)
    booking.refresh_from_db()  # a bank transfer holds it for days
    trip_url = reverse("abroad-trip", args=[booking.pk])
    client = {**checkout.client, "return_url": request.build_absolute_uri(trip_url)}
    return TemplateResponse(
        request,
        "abroad/pay.html",
        {
            "booking": booking,
            "client": client,
            "amount": amount,
            "trip_url": trip_url,
            "providers": offered if len(offered) > 1 else [],
            "provider": provider,
        },
    )


@login_required
@require_POST
def cancel(request: HttpRequest, pk: str) -> HttpResponse:
    booking = _own(request, pk)
    try:
        booking = services.cancel_booking(booking.pk, by=user_of(request))
    except ServiceError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(
            request,
            _("Cancelled. Refund: %(amount)s %(currency)s.")
            % {"amount": booking.refunded_amount, "currency": booking.currency},
        )
    return redirect("abroad-trip", pk=booking.pk)


@login_required
def vendor(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    bookings = list(selectors.vendor_bookings(user)[:100])
    listings = list(selectors.vendor_listings(user)[:50])
    return TemplateResponse(
        request,
        "abroad/vendor.html",
        {
            "bookings": bookings,
            "listings": listings,
            "waiting": [b for b in bookings if str(user.pk) in b.awaiting_vendors],
            "reviews": list(selectors.reviews_to_answer(user)[:50]),
        },
    )


@login_required
def vendor_earnings(request: HttpRequest) -> HttpResponse:
    """A partner's earnings per booking, available and pending balances, their payouts and
    a payout request (``payouts.services``, as teachers ask for theirs)."""
    from payouts import services as payout_services
    from payouts.errors import NoPayoutMethod
    from payouts.selectors import payee_profile_of, payout_requests_of

    user = user_of(request)
    earnings = selectors.vendor_earnings(user, services.commission_percents())
    balances = earnings["balances"]
    currencies = [row["currency"] for row in balances] or ["EUR"]
    posted = request.method == "POST"
    first = balances[0] if balances else None
    form = PayoutForm(
        request.POST if posted else None,
        currencies=currencies,
        initial={
            "currency": currencies[0],
            "amount": first["available"] if first and first["available"] > 0 else None,
        },
    )
    payee = payee_profile_of(user)
    verified = is_email_verified(user)
    if posted and not verified:
        messages.error(request, _("Verify your email address to ask for payouts."))
        return redirect("abroad-vendor-earnings")
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            payout_services.request_payout_to_own_account(
                user,
                amount=data["amount"],
                currency=data["currency"],
                idempotency_key=f"abroad-web:{user.pk}:{data['key']}"[:200],
            )
        except NoPayoutMethod:
            form.add_error(None, _("Add your bank details first, so that we can pay you."))
        except ServiceError as error:
            form.add_error("amount", str(error.detail))
        else:
            messages.success(request, _("Payout requested; we will let you know when it is paid."))
            return redirect("abroad-vendor-earnings")
    return TemplateResponse(
        request,
        "abroad/vendor_earnings.html",
        {
            **earnings,
            "payout_form": form,
            "payee": payee,
            "verified": verified,
            "payouts": payout_requests_of(user, limit=20),
        },
        status=400 if form.errors else 200,
    )


#: How far ahead the host's calendar page shows booked and blocked nights.
CALENDAR_DAYS = 180


@login_required
def vendor_calendar(request: HttpRequest) -> HttpResponse:
    """The host's rooms with their booked and blocked nights, and a form to block more."""
    user = user_of(request)
    today = timezone.localdate()
    rooms = selectors.vendor_calendar(user, today, today + timedelta(days=CALENDAR_DAYS))
    form = BlockDatesForm(request.POST or None, rooms=[row["room"] for row in rooms])
    if request.method == "POST" and form.is_valid():
        try:
            services.block_dates(
                vendor=user,
                room_id=form.cleaned_data["room"],
                check_in=form.cleaned_data["check_in"],
                check_out=form.cleaned_data["check_out"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as error:
            form.add_error(None, str(error.detail))
        else:
            messages.success(request, _("Those nights are blocked."))
            return redirect("abroad-vendor-calendar")
    return TemplateResponse(
        request,
        "abroad/vendor_calendar.html",
        {"rooms": rooms, "form": form, "days": CALENDAR_DAYS},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def vendor_unblock(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.unblock_dates(vendor=user_of(request), stay_id=pk)
    except ServiceError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("Those nights are free again."))
    return redirect("abroad-vendor-calendar")


@login_required
@require_POST
def vendor_answer(request: HttpRequest, pk: str) -> HttpResponse:
    accept = request.POST.get("answer") == "accept"
    try:
        services.answer_request(pk, vendor=user_of(request), accept=accept)
    except ServiceError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("Accepted.") if accept else _("Declined."))
    return redirect("abroad-vendor")


def page_by_id(request: HttpRequest, pk: int) -> HttpResponse:
    page = Page.objects.live().public().filter(pk=pk).first()
    if page is None:
        raise Http404
    return redirect(page.url)


# --- Partners: schools and hosts apply --------------------------------------------------------


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    """A school or a homestay host applies; their latest application's state is shown."""
    user = user_of(request)
    latest = selectors.latest_application(user)
    if request.method == "POST" and latest is not None and latest.status != "declined":
        messages.info(request, _("You already have an application: here is where it stands."))
        return redirect("abroad-apply")
    form = VendorApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.apply_as_vendor(
                user,
                kind=data["kind"],
                organisation=data["organisation"],
                destination_id=data["destination"],
                address=data["address"],
                phone=data["phone"],
                about=data["about"],
                website=data["website"],
                accreditation=data["accreditation"],
                payout_holder=data["payout_holder"],
                payout_details=data["payout_details"],
                documents=form.documents(),
            )
        except ServiceError as error:
            form.add_error(None, str(error.detail))
        else:
            messages.success(request, _("Thank you. We will check your documents shortly."))
            return redirect("abroad-apply")
    return TemplateResponse(
        request,
        "abroad/apply.html",
        {"form": form, "latest": latest},
        status=400 if form.errors else 200,
    )


@login_required
def vendor_document(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A document of an application: for its applicant and for verifiers only."""
    document = selectors.readable_document(user_of(request), pk)
    if document is None:
        raise Http404
    item = PrivateFile(
        file=document.file,
        content_type=document.content_type,
        filename=f"{document.kind}-{document.pk}.{(document.file.name or '').rsplit('.', 1)[-1]}",
        inline=False,
    )
    return serve_private_file(request, item)


# --- Reviews --------------------------------------------------------------------------------


@login_required
@require_POST
def review(request: HttpRequest, pk: str) -> HttpResponse:
    booking = _own(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a rating from 1 to 5 stars."))
        return redirect("abroad-trip", pk=booking.pk)
    try:
        services.write_review(
            user_of(request),
            booking_id=booking.pk,
            page_id=form.cleaned_data["page"],
            rating=form.cleaned_data["rating"],
            text=form.cleaned_data["text"],
        )
    except ServiceError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("Thank you for your review."))
    return redirect("abroad-trip", pk=booking.pk)


@login_required
@require_POST
def review_reply(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.reply_to_review(user_of(request), review_id=pk, text=form.cleaned_data["text"])
        except ServiceError as error:
            messages.error(request, str(error.detail))
        else:
            messages.success(request, _("Reply published."))
    else:
        messages.error(request, _("Write a reply."))
    return redirect("abroad-vendor")
