"""Website pages of group sessions: learners browse, open and book a seat (paid on the
lesson's own pay page, with the same Stripe Payment Element); teachers list theirs with the
seats taken, publish, edit and cancel them.

Thin, like ``views``: reads through ``selectors.group_sessions``, writes through
``services.group_sessions`` (the API's own), their errors shown on the page or in the form.
"""

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import IsEmailVerified
from accounts.requests import user_of
from accounts.selectors import is_email_verified
from core.api.errors import ServiceError

from ..forms import CancelSessionForm, GroupSessionForm, GroupSessionSearchForm
from ..models import Gig, TeacherListing
from ..selectors import dashboard
from ..selectors import group_sessions as selectors
from ..services import group_sessions as services
from ..zones import teaching_zone
from .learner import learner_zone

PAGE_SIZE = 12
TEACHER_PAGE_SIZE = 20
PAST_SHOWN = 20


def session_list(request: HttpRequest) -> HttpResponse:
    zone = learner_zone(request)
    search = GroupSessionSearchForm(request.GET)
    sessions = selectors.upcoming_sessions()
    if search.is_valid():
        wanted = search.cleaned_data
        if wanted["language"]:
            sessions = sessions.filter(gig__language__iexact=wanted["language"].strip())
        if wanted["level"]:
            sessions = selectors.suited_to_level(sessions, wanted["level"])
        if wanted["date"]:
            # The day as the visitor lives it, from their midnight to the next.
            day_start = datetime.combine(wanted["date"], time(0), tzinfo=zone)
            sessions = sessions.filter(
                start__gte=day_start, start__lt=day_start + timedelta(days=1)
            )
    page = Paginator(sessions.order_by("start", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "tutoring/group_sessions.html",
        {
            "search": search,
            "page_obj": page,
            "sessions": shown,
            "seated_ids": selectors.seated_session_ids(request.user, shown),
            "zone": zone,
            "query": query.urlencode(),
        },
    )


def session_detail(request: HttpRequest, pk: str) -> HttpResponse:
    session = selectors.session_for(request.user, pk)
    now = timezone.now()
    is_teacher = request.user.is_authenticated and session.teacher_id == request.user.pk
    seat = selectors.seat_of(request.user, session, now)
    if session.cancelled:
        state = "cancelled"
    elif session.start <= now:
        state = "past"
    elif session.open_seats <= 0:
        state = "sold_out"
    else:
        state = "open"
    room_open = not session.cancelled and session.room_id
    return TemplateResponse(
        request,
        "tutoring/group_session.html",
        {
            "session": session,
            "state": state,
            "seat": seat,
            "is_teacher": is_teacher,
            # Its teacher reads it in their teaching zone, as on their own session pages.
            "zone": teaching_zone(session.teacher) if is_teacher else learner_zone(request),
            "verified": request.user.is_authenticated and is_email_verified(request.user),
            "room_id": session.room_id
            if room_open and (is_teacher or (seat and seat.room_id))
            else "",
        },
    )


@require_POST
def book_seat(request: HttpRequest, pk: str) -> HttpResponse:
    back = reverse("tutoring-group-session", args=[pk])
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    session = get_object_or_404(selectors.upcoming_sessions(), pk=pk)
    if not is_email_verified(request.user):  # the API's refusal (403 email_not_verified)
        messages.error(request, IsEmailVerified.message)
        return redirect(back)
    try:
        booking = services.book_seat(session, learner=request.user)
    except ServiceError as error:
        messages.error(request, str(error.detail))
        return redirect(back)
    return redirect("tutoring-pay", pk=booking.pk)


# The teacher's side.


def _listing_or_none(request: HttpRequest) -> TeacherListing | None:
    listing = dashboard.listing_of(request.user)
    if listing is None:
        messages.info(request, _("Create your teacher profile to teach on Toto."))
    return listing


def _without_listing(request: HttpRequest) -> HttpResponse:
    """A teacher still without a listing is taken to the onboarding wizard; anyone else to
    their own dashboard."""
    from accounts.roles import Role
    from accounts.selectors import has_role

    if request.user.is_authenticated and has_role(user_of(request), Role.TEACHER):
        return redirect("tutoring-teach-onboarding")
    return redirect("tutoring-dashboard")


@login_required
def teacher_sessions(request: HttpRequest) -> HttpResponse:
    listing = _listing_or_none(request)
    if listing is None:
        return _without_listing(request)
    now = timezone.now()
    mine = selectors.sessions_of_teacher(user_of(request))
    page = Paginator(
        mine.filter(start__gt=now).order_by("start", "id"), TEACHER_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "tutoring/teacher_group_sessions.html",
        {
            "listing": listing,
            "page_obj": page,
            "past": mine.filter(start__lte=now).order_by("-start")[:PAST_SHOWN],
            "zone": teaching_zone(listing),
        },
    )


def _refuse_unverified(request: HttpRequest, form: GroupSessionForm) -> bool:
    if is_email_verified(user_of(request)):
        return False
    form.add_error(None, IsEmailVerified.message)
    return True


@login_required
def publish_session(request: HttpRequest) -> HttpResponse:
    listing = _listing_or_none(request)
    if listing is None:
        return _without_listing(request)
    zone = teaching_zone(listing)
    gigs = Gig.objects.filter(listing=listing, is_active=True).order_by("title")
    form = GroupSessionForm(request.POST or None, gigs=gigs)
    if request.method == "POST" and not _refuse_unverified(request, form):
        with timezone.override(zone):  # the start is entered in the teacher's zone
            valid = form.is_valid()
        if valid:
            data = dict(form.cleaned_data)
            try:
                session = services.publish(data.pop("gig"), by=user_of(request), **data)
            except ServiceError as error:
                form.add_error(None, str(error.detail))
            else:
                messages.success(request, _("Your session is published."))
                return redirect("tutoring-teach-session", pk=session.pk)
    return TemplateResponse(
        request,
        "tutoring/group_session_form.html",
        {"form": form, "listing": listing, "zone": zone, "session": None},
    )


@login_required
def edit_session(request: HttpRequest, pk: str) -> HttpResponse:
    listing = _listing_or_none(request)
    if listing is None:
        return _without_listing(request)
    # Another teacher's session is a 404 here (the service would refuse it too).
    session = get_object_or_404(selectors.sessions_of_teacher(user_of(request)), pk=pk)
    zone = teaching_zone(listing)
    current = GroupSessionForm.initial_of(session, zone)
    editable = not session.cancelled and session.start > timezone.now()
    if request.method == "POST" and not editable:
        messages.error(request, _("Only upcoming sessions can be changed."))
        return redirect("tutoring-teach-session", pk=session.pk)
    locked = services.EDITABLE_BEFORE_FIRST_SEAT if session.seats_taken else ()
    form = GroupSessionForm(request.POST or None, initial=current, locked=locked)
    if request.method == "POST" and not _refuse_unverified(request, form):
        with timezone.override(zone):
            valid = form.is_valid()
        if valid:
            changes = _changes(form.cleaned_data, session, current, locked)
            try:
                if changes:
                    services.edit(session.pk, by=user_of(request), **changes)
            except ServiceError as error:
                form.add_error(None, str(error.detail))
            else:
                messages.success(
                    request, _("Your session is updated.") if changes else _("Nothing changed.")
                )
                return redirect("tutoring-teach-session", pk=session.pk)
    return TemplateResponse(
        request,
        "tutoring/group_session_form.html",
        {
            "form": form,
            "listing": listing,
            "zone": zone,
            "session": session,
            "editable": editable,
            "cancel_form": CancelSessionForm(),
        },
    )


def _changes(
    cleaned: dict[str, Any], session: Any, current: dict[str, Any], locked: tuple[str, ...]
) -> dict[str, Any]:
    """Only what the teacher changed goes to the service: once seats are taken it refuses
    any mention of the time, length or price, even unchanged."""
    was = {**current, "start": session.start}
    return {
        name: value for name, value in cleaned.items() if name not in locked and value != was[name]
    }


@login_required
@require_POST
def cancel_session(request: HttpRequest, pk: str) -> HttpResponse:
    session = get_object_or_404(selectors.sessions_of_teacher(user_of(request)), pk=pk)
    back = redirect("tutoring-teach-session", pk=session.pk)
    if not is_email_verified(user_of(request)):
        messages.error(request, IsEmailVerified.message)
        return back
    form = CancelSessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The reason is too long (500 characters at most)."))
        return back
    try:
        services.cancel_session(session.pk, by=user_of(request), reason=form.cleaned_data["reason"])
    except ServiceError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(
            request, _("The session is cancelled; every paid seat is refunded in full.")
        )
    return back
