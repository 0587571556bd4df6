"""The teacher's own website: the onboarding wizard, gigs, weekly hours and exceptions,
requests for other times, earnings and payouts.

Thin, like ``views``: every write goes through the service the API calls (and the gig
editor validates with the API's own serializer), so a rule holds the same on the website
and in the apps. Only holders of the teacher role get in (403 otherwise), and every query
is scoped to the signed-in teacher: another teacher's gig, exception or request is a 404.
"""

import uuid
from collections.abc import Callable
from datetime import time
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import TeacherProfile
from accounts.permissions import IsEmailVerified
from accounts.requests import user_of
from accounts.roles import Role
from accounts.selectors import has_role, is_email_verified
from core.api.errors import ServiceError

from .. import teach_forms as forms
from ..api.teacher_serializers import TeacherGigSerializer
from ..errors import InvalidIntroVideo, SlotTaken
from ..models import AvailabilityException, Gig, ListingStatus, TeacherListing, TimeRequestStatus
from ..selectors import dashboard
from ..selectors.time_requests import time_requests_of
from ..services import teachers as services
from ..services import time_requests as request_services
from ..zones import teaching_zone

View = Callable[..., HttpResponse]
STEPS = [
    ("profile", _("Profile")),
    ("media", _("Photo and video")),
    ("languages", _("Languages")),
    ("qualifications", _("Qualifications")),
    ("status", _("Verification")),
]
ANSWERED_SHOWN = 20
PAYOUTS_SHOWN = 50


def teacher_required(view: View) -> View:
    """Signed in (else the sign-in page) and holding the teacher role (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not has_role(user_of(request), Role.TEACHER):
            raise PermissionDenied(_("Only teachers have a teacher's pages."))
        return view(request, *args, **kwargs)

    return wrapped


def _listing(request: HttpRequest) -> TeacherListing | None:
    return (
        TeacherListing.objects.filter(user=user_of(request)).prefetch_related("languages").first()
    )


def _needs_listing(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Start with your teacher profile."))
    return redirect("tutoring-teach-onboarding-step", step="profile")


def _messages(value: Any) -> list[str]:
    """Every message in a (possibly nested, for a list's rows) error structure."""
    if isinstance(value, dict):
        return [text for inner in value.values() for text in _messages(inner)]
    if isinstance(value, list | tuple):
        return [text for inner in value for text in _messages(inner)]
    return [str(value)]


def _errors_into(form: Any, errors: dict[str, Any], fallback: str | None = None) -> None:
    """A service's or serializer's field errors shown next to the form's fields."""
    for name, problems in errors.items():
        field = name if name in form.fields else fallback
        for text in _messages(problems):
            form.add_error(field, text)


# --- Onboarding --------------------------------------------------------------------------


def _step_done(step: str, listing: TeacherListing | None, teacher: TeacherProfile | None) -> bool:
    if listing is None:
        return False
    if step == "profile":
        return True
    if step == "media":
        profile = getattr(listing.user, "profile", None)
        return bool(listing.intro_video_url or listing.intro_video or (profile and profile.avatar))
    if step == "languages":
        return bool(listing.languages.all())
    if step == "qualifications":
        return bool(teacher and (teacher.qualification or teacher.years_of_experience))
    return listing.status in (ListingStatus.PENDING, ListingStatus.VERIFIED)


def _steps(current: str, listing: TeacherListing | None, teacher: Any) -> list[dict[str, Any]]:
    return [
        {
            "slug": slug,
            "label": label,
            "done": _step_done(slug, listing, teacher),
            "current": slug == current,
        }
        for slug, label in STEPS
    ]


def _next_step(step: str) -> str:
    slugs = [slug for slug, _label in STEPS]
    return slugs[min(slugs.index(step) + 1, len(slugs) - 1)]


@teacher_required
def onboarding(request: HttpRequest) -> HttpResponse:
    """Resumes the wizard at the first step not done yet."""
    listing = _listing(request)
    teacher = account_selectors.teacher_profile_of(user_of(request))
    for slug, _label in STEPS[:3]:  # the later steps are optional or the last
        if not _step_done(slug, listing, teacher):
            return redirect("tutoring-teach-onboarding-step", step=slug)
    return redirect("tutoring-teach-onboarding-step", step="status")


@teacher_required
def onboarding_step(request: HttpRequest, step: str) -> HttpResponse:
    if step not in dict(STEPS):
        return redirect("tutoring-teach-onboarding")
    user = user_of(request)
    listing = _listing(request)
    if listing is None and step != "profile":
        return _needs_listing(request)
    handler: Callable[[HttpRequest, Any], Any] = {
        "profile": _profile_step,
        "media": _media_step,
        "languages": _languages_step,
        "qualifications": _qualifications_step,
        "status": _status_step,
    }[step]
    result = handler(request, listing)
    if isinstance(result, HttpResponse):
        return result
    listing = _listing(request)
    teacher = account_selectors.teacher_profile_of(user)
    return TemplateResponse(
        request,
        f"tutoring/teach/onboarding_{step}.html",
        {
            **result,
            "step": step,
            "steps": _steps(step, listing, teacher),
            "listing": listing,
            "next_step": _next_step(step),
        },
    )


def _profile_step(request: HttpRequest, listing: TeacherListing | None) -> Any:
    user = user_of(request)
    if listing is not None:
        initial = {
            "headline": listing.headline,
            "about": listing.about,
            "time_zone": listing.time_zone,
        }
    else:
        profile = getattr(user, "profile", None)
        initial = {
            "time_zone": getattr(profile, "time_zone", "UTC") or "UTC",
            "about": getattr(profile, "bio", ""),
        }
    form = forms.ProfileStepForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_listing(user, **form.cleaned_data)
        except DjangoValidationError as error:
            _errors_into(form, error.message_dict)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("tutoring-teach-onboarding-step", step="media")
    return {"form": form}


def _media_step(request: HttpRequest, listing: TeacherListing) -> Any:
    user = user_of(request)
    form = forms.MediaStepForm(
        request.POST or None,
        request.FILES or None,
        initial={"intro_video_url": listing.intro_video_url},
    )
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["avatar"]:
                account_services.set_avatar(user, form.cleaned_data["avatar"])
            services.save_listing(user, intro_video_url=form.cleaned_data["intro_video_url"])
            if form.cleaned_data["intro_video"]:
                services.set_intro_video(user, form.cleaned_data["intro_video"])
        except InvalidIntroVideo as error:
            form.add_error("intro_video", str(error.detail))
        except ServiceError as error:
            form.add_error("avatar", str(error.detail))
        except DjangoValidationError as error:
            _errors_into(form, error.message_dict)
        else:
            messages.success(request, _("Your photo and video are saved."))
            return redirect("tutoring-teach-onboarding-step", step="languages")
    return {"form": form, "profile": getattr(user, "profile", None)}


def _languages_step(request: HttpRequest, listing: TeacherListing) -> Any:
    from ..api.teacher_serializers import TeacherListingProfileSerializer

    current = [
        {
            "language": row.language,
            "native": row.native,
            "min_level": row.min_level,
            "max_level": row.max_level,
        }
        for row in listing.languages.all()
    ]
    formset = cast(
        forms.BaseTaughtLanguageFormSet,
        forms.TaughtLanguageFormSet(request.POST or None, initial=current, prefix="lang"),
    )
    problems: list[str] = []
    if request.method == "POST" and formset.is_valid():
        rows = formset.rows()
        # The API's own checks: levels in order, each language once.
        check = TeacherListingProfileSerializer(listing, data={"languages": rows}, partial=True)
        if not rows:
            problems = [_("Add at least one language you teach.")]
        elif not check.is_valid():
            found = check.errors.get("languages", [])
            # Row errors come keyed by the row's index (DRF's ListSerializer), list-wide
            # ones (a language twice) as a list of messages.
            by_row = found if isinstance(found, dict) else {}
            filled = [form for form in formset.forms if form.cleaned_data.get("language")]
            for index, row_errors in by_row.items():
                _errors_into(filled[int(index)], row_errors)
            if not by_row:
                problems = [str(problem) for problem in found]
        else:
            services.save_listing(user_of(request), languages=rows)
            messages.success(request, _("Your languages are saved."))
            return redirect("tutoring-teach-onboarding-step", step="qualifications")
    return {"formset": formset, "problems": problems}


def _qualifications_step(request: HttpRequest, listing: TeacherListing) -> Any:
    user = user_of(request)
    teacher = account_selectors.teacher_profile_of(user)
    form = forms.QualificationsStepForm(
        request.POST if request.POST.get("form") == "qualifications" else None,
        initial={
            "qualification": getattr(teacher, "qualification", ""),
            "years_of_experience": getattr(teacher, "years_of_experience", 0),
        },
    )
    certificate_form = forms.CertificateForm(
        request.POST if request.POST.get("form") == "certificate" else None,
        request.FILES if request.POST.get("form") == "certificate" else None,
    )
    if request.method == "POST" and form.is_bound and form.is_valid():
        try:
            services.save_teacher_profile(user, **form.cleaned_data)
        except DjangoValidationError as error:
            _errors_into(form, error.message_dict)
        else:
            messages.success(request, _("Your qualifications are saved."))
            return redirect("tutoring-teach-onboarding-step", step="status")
    if request.method == "POST" and certificate_form.is_bound and certificate_form.is_valid():
        try:
            account_services.add_certificate(
                user,
                title=certificate_form.cleaned_data["title"],
                upload=certificate_form.cleaned_data["file"],
            )
        except ServiceError as error:
            certificate_form.add_error("file", str(error.detail))
        else:
            messages.success(request, _("Your certificate is uploaded; a moderator will check it."))
            return redirect("tutoring-teach-onboarding-step", step="qualifications")
    return {
        "form": form,
        "certificate_form": certificate_form,
        "certificates": account_selectors.certificates_of(user),
    }


def _status_step(request: HttpRequest, listing: TeacherListing) -> Any:
    if request.method == "POST":
        try:
            services.submit_for_verification(listing)
        except ServiceError as error:
            messages.error(request, str(error.detail))
        else:
            messages.success(request, _("Sent for verification. We will let you know."))
        return redirect("tutoring-teach-onboarding-step", step="status")
    return {"gig_count": listing.gigs.count()}


# --- Gigs --------------------------------------------------------------------------------


def _own_gigs(request: HttpRequest) -> Any:
    return (
        Gig.objects.filter(listing__user=user_of(request))
        .select_related("category")
        .prefetch_related("durations")
        .order_by("-is_active", "title", "id")
    )


@teacher_required
def gig_list(request: HttpRequest) -> HttpResponse:
    listing = _listing(request)
    if listing is None:
        return _needs_listing(request)
    return TemplateResponse(
        request, "tutoring/teach/gigs.html", {"listing": listing, "gigs": _own_gigs(request)}
    )


def _save_gig(request: HttpRequest, listing: TeacherListing, gig: Gig | None) -> Any:
    form = forms.GigForm(
        request.POST or None, initial=forms.GigForm.initial_of(gig) if gig else None
    )
    if request.method == "POST" and form.is_valid():
        check = TeacherGigSerializer(gig, data=form.api_data())
        if not check.is_valid():
            _errors_into(form, dict(check.errors), fallback=None)
        else:
            try:
                saved = services.save_gig(listing, gig, **dict(check.validated_data))
            except DjangoValidationError as error:
                _errors_into(form, error.message_dict)
            else:
                messages.success(
                    request, _("Your gig “%(title)s” is saved.") % {"title": saved.title}
                )
                return redirect("tutoring-teach-gigs")
    return form


def _gig_page(
    request: HttpRequest, form: Any, gig: Gig | None, listing: TeacherListing
) -> HttpResponse:
    return TemplateResponse(
        request, "tutoring/teach/gig_form.html", {"form": form, "gig": gig, "listing": listing}
    )


@teacher_required
def gig_new(request: HttpRequest) -> HttpResponse:
    listing = _listing(request)
    if listing is None:
        return _needs_listing(request)
    result = _save_gig(request, listing, None)
    return result if isinstance(result, HttpResponse) else _gig_page(request, result, None, listing)


@teacher_required
def gig_edit(request: HttpRequest, pk: int) -> HttpResponse:
    gig = get_object_or_404(_own_gigs(request), pk=pk)
    result = _save_gig(request, gig.listing, gig)
    return (
        result if isinstance(result, HttpResponse) else _gig_page(request, result, gig, gig.listing)
    )


@teacher_required
@require_POST
def gig_archive(request: HttpRequest, pk: int) -> HttpResponse:
    gig = get_object_or_404(_own_gigs(request), pk=pk)
    if services.remove_gig(gig):
        messages.success(request, _("The gig is deleted."))
    else:
        messages.success(
            request, _("The gig is archived: learners can no longer book it; its lessons stay.")
        )
    return redirect("tutoring-teach-gigs")


# --- Weekly hours, booking rules, exceptions ---------------------------------------------


def _week_from_post(request: HttpRequest) -> dict[int, list[tuple[str, str]]]:
    return {
        day.value: list(
            zip(
                request.POST.getlist(f"start-{day.value}"),
                request.POST.getlist(f"end-{day.value}"),
                strict=False,
            )
        )
        for day in forms.WEEKDAYS
    }


def _parse_week(
    week: dict[int, list[tuple[str, str]]],
) -> tuple[list[tuple[int, time, time]], list[str]]:
    hours, problems = [], []
    for day, rows in week.items():
        for start, end in rows:
            if not start and not end:
                continue  # a blank row
            try:
                hours.append((day, time.fromisoformat(start), time.fromisoformat(end)))
            except ValueError:
                problems.append(
                    _("%(day)s: give both a start and an end time.")
                    % {"day": forms.Weekday(day).label}
                )
    return hours, problems


@teacher_required
def hours(request: HttpRequest) -> HttpResponse:
    listing = _listing(request)
    if listing is None:
        return _needs_listing(request)
    zone = teaching_zone(listing)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    week: dict[int, list[tuple[str, str]]] = {day.value: [] for day in forms.WEEKDAYS}
    for row in listing.weekly_hours.all():
        week[row.weekday].append((f"{row.start_time:%H:%M}", f"{row.end_time:%H:%M}"))
    hour_errors: list[str] = []
    rules = forms.BookingRulesForm(
        request.POST if action == "rules" else None,
        initial={name: getattr(listing, name) for name in forms.BookingRulesForm.base_fields},
    )
    exception_form = forms.ExceptionForm(request.POST if action == "exception" else None)
    extra_day = None
    if action.startswith(("week", "add-", "remove-")):
        week = _week_from_post(request)
        if action.startswith("add-"):
            extra_day = int(action.removeprefix("add-"))
        elif action.startswith("remove-"):
            day, index = (int(part) for part in action.removeprefix("remove-").split("-"))
            if 0 <= index < len(week.get(day, [])):
                del week[day][index]
        else:
            parsed, hour_errors = _parse_week(week)
            if not hour_errors:
                try:
                    services.replace_weekly_hours(listing, parsed)
                except DjangoValidationError as error:
                    hour_errors = [str(m) for m in error.message_dict.get("hours", error.messages)]
                else:
                    messages.success(request, _("Your weekly hours are saved."))
                    return redirect("tutoring-teach-hours")
    elif action == "rules" and rules.is_valid():
        try:
            services.save_listing(user_of(request), **rules.cleaned_data)
        except DjangoValidationError as error:
            _errors_into(rules, error.message_dict)
        else:
            messages.success(request, _("Your booking rules are saved."))
            return redirect("tutoring-teach-hours")
    elif action == "exception" and exception_form.is_valid():
        data = exception_form.cleaned_data
        try:
            services.add_exception(
                listing,
                kind=data["kind"],
                # Entered as wall-clock times in the teaching zone.
                start=timezone.make_naive(data["start"])
                if timezone.is_aware(data["start"])
                else data["start"],
                end=timezone.make_naive(data["end"])
                if timezone.is_aware(data["end"])
                else data["end"],
                note=data["note"],
            )
        except DjangoValidationError as error:
            _errors_into(exception_form, error.message_dict)
        else:
            messages.success(request, _("The change to your hours is saved."))
            return redirect("tutoring-teach-hours")
    days = [
        {
            "day": day,
            "rows": [
                *week[day.value],
                *[("", "")] * (forms.BLANK_SLOTS + (extra_day == day.value)),
            ],
        }
        for day in forms.WEEKDAYS
    ]
    return TemplateResponse(
        request,
        "tutoring/teach/hours.html",
        {
            "listing": listing,
            "zone": zone,
            "days": days,
            "hour_errors": hour_errors,
            "rules": rules,
            "exception_form": exception_form,
            "exceptions": AvailabilityException.objects.filter(
                listing=listing, end__gt=timezone.now()
            ).order_by("start"),
        },
    )


@teacher_required
@require_POST
def exception_remove(request: HttpRequest, pk: int) -> HttpResponse:
    exception = get_object_or_404(
        AvailabilityException.objects.filter(listing__user=user_of(request)), pk=pk
    )
    services.remove_exception(exception)
    messages.success(request, _("The change to your hours is removed."))
    return redirect("tutoring-teach-hours")


# --- Requests for other times ------------------------------------------------------------


@teacher_required
def requests(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    listing = _listing(request)
    if listing is None:
        return _needs_listing(request)
    mine = time_requests_of(user, role="teacher")
    return TemplateResponse(
        request,
        "tutoring/teach/requests.html",
        {
            "listing": listing,
            "zone": teaching_zone(listing),
            "pending": mine.filter(status=TimeRequestStatus.PENDING).order_by("start"),
            "answered": mine.exclude(status=TimeRequestStatus.PENDING).order_by("-answered_at")[
                :ANSWERED_SHOWN
            ],
            "upcoming": dashboard.upcoming(user, role="teacher"),
            "decline_form": forms.DeclineForm(),
        },
    )


def _own_request(request: HttpRequest, pk: str) -> Any:
    return get_object_or_404(time_requests_of(user_of(request), role="teacher"), pk=pk)


@teacher_required
@require_POST
def request_accept(request: HttpRequest, pk: str) -> HttpResponse:
    time_request = _own_request(request, pk)
    try:
        request_services.accept(time_request.pk, by=user_of(request))
    except SlotTaken:
        messages.error(
            request,
            _(
                "That time is no longer free: another lesson or session now overlaps it. "
                "Decline the request, saying which times suit you."
            ),
        )
    except ServiceError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(
            request,
            _("Accepted: %(name)s has the time held and is asked to pay.")
            % {"name": time_request.learner.get_full_name()},
        )
    return redirect("tutoring-teach-requests")


@teacher_required
@require_POST
def request_decline(request: HttpRequest, pk: str) -> HttpResponse:
    time_request = _own_request(request, pk)
    form = forms.DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The reason is too long (255 characters at most)."))
        return redirect("tutoring-teach-requests")
    try:
        request_services.decline(
            time_request.pk, by=user_of(request), note=form.cleaned_data["note"]
        )
    except ServiceError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("Declined; the learner is told."))
    return redirect("tutoring-teach-requests")


# --- Earnings and payouts ----------------------------------------------------------------


@teacher_required
def earnings(request: HttpRequest) -> HttpResponse:
    from payouts import selectors as payout_selectors
    from payouts import services as payout_services
    from payouts.errors import NoPayoutMethod

    user = user_of(request)
    rows = dashboard.earnings(user)
    currencies = [row["currency"] for row in rows] or ["EUR"]
    action = request.POST.get("action", "") if request.method == "POST" else ""
    payout_form = forms.PayoutForm(
        request.POST if action == "payout" else None,
        currencies=currencies,
        initial={
            "key": uuid.uuid4().hex,
            "currency": currencies[0],
            # What can be asked for now, so that "Request payout" alone takes it all.
            "amount": rows[0]["available"] if rows and rows[0]["available"] > 0 else None,
        },
    )
    payee = payout_selectors.payee_profile_of(user)
    verified = is_email_verified(user)
    if action and not verified:
        messages.error(request, IsEmailVerified.message)
        return redirect("tutoring-teach-earnings")
    if action == "payout" and payout_form.is_valid():
        data = payout_form.cleaned_data
        try:
            payout_services.request_payout_to_own_account(
                user,
                amount=data["amount"],
                currency=data["currency"],
                # The form's own key: a double click or a resent form is one payout.
                idempotency_key=f"web:{user.pk}:{data['key']}"[:200],
            )
        except NoPayoutMethod:
            payout_form.add_error(None, _("Add your bank details first, so that we can pay you."))
        except ServiceError as error:
            payout_form.add_error("amount", str(error.detail))
        else:
            messages.success(request, _("Payout requested; we will let you know when it is paid."))
            return redirect("tutoring-teach-earnings")
    return TemplateResponse(
        request,
        "tutoring/teach/earnings.html",
        {
            "listing": dashboard.listing_of(user),
            "earnings": rows,
            "payout_form": payout_form,
            "payee": payee,
            "verified": verified,
            "payouts": payout_selectors.payout_requests_of(user, limit=PAYOUTS_SHOWN),
        },
    )


def checklist(user: Any, listing: TeacherListing | None) -> list[dict[str, Any]]:
    """The new teacher's way to a first booking, each item with whether it is done."""
    from django.urls import reverse

    status = listing.status if listing else None
    return [
        {
            "label": _("Create your teacher profile"),
            "done": listing is not None,
            "url": reverse("tutoring-teach-onboarding"),
        },
        {
            "label": _("Get verified")
            if status != ListingStatus.PENDING
            else _("Get verified (waiting for a moderator)"),
            "done": status == ListingStatus.VERIFIED,
            "url": reverse("tutoring-teach-onboarding-step", args=["status"]),
        },
        {
            "label": _("Publish a gig"),
            "done": bool(listing and listing.gigs.filter(is_active=True).exists()),
            "url": reverse("tutoring-teach-gigs"),
        },
        {
            "label": _("Post your weekly hours"),
            "done": bool(listing and listing.weekly_hours.exists()),
            "url": reverse("tutoring-teach-hours"),
        },
    ]
