"""The social website: the home feed with the composer, a moment with its thread, a
person's profile, discover. Plain forms posting to these views, which call the services;
a small module (static/js/social/composer.js) adds the voice recorder."""

import uuid
from typing import Any

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.requests import user_of
from core.api.errors import ServiceError

from . import feeds, selectors, services
from .errors import InvalidMedia
from .forms import AppealForm, CommentForm, CorrectionForm, MomentForm, ReportForm
from .models import Report

REPORT_CATEGORIES = [c for c in Report.Category.choices if c[0] != Report.Category.AUTOMATIC]


def _languages(user: Any) -> list[tuple[str, str]]:
    learning, native = selectors.learner_languages(user)
    codes = sorted(learning) + ([native] if native and native not in learning else [])
    codes = codes or ["en", "es"]
    return [(code, str(LANG_INFO.get(code, {}).get("name_local", code))) for code in codes]


def _error(request: HttpRequest, exc: ServiceError) -> None:
    messages.error(request, str(exc.detail))


@login_required
def feed(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    languages = _languages(user)
    form = MomentForm(languages=languages)
    if request.method == "POST":
        form = MomentForm(request.POST, request.FILES, languages=languages)
        if form.is_valid():
            data = form.cleaned_data
            try:
                moment = services.post_moment(
                    user,
                    text=data["text"],
                    language=data["language"],
                    visibility=data["visibility"],
                    images=data["images"] or [],
                    voice=data["voice"],
                    video=data["video"],
                    topics=data["topics"].replace(",", " ").split(),
                    correct_me=data["correct_me"],
                )
            except InvalidMedia as exc:
                if exc.field:  # shown beside the file input it is about
                    form.add_error(exc.field, str(exc.detail))
                else:
                    _error(request, exc)
            except ServiceError as exc:
                _error(request, exc)
            else:
                if moment.status == moment.Status.HELD:
                    messages.info(request, _("Your moment is waiting for a moderator's review."))
                else:
                    messages.success(request, _("Your moment is posted."))
                return redirect("social-feed-page")
    page = feeds.home_page(user, cursor=request.GET.get("cursor"), size=20)
    return render(
        request,
        "social/feed.html",
        {
            "form": form,
            "moments": page.moments,
            "next_cursor": page.next_cursor,
            "suggestions": selectors.people_to_follow(user)[:5],
            "video_seconds": settings.SOCIAL_MAX_VIDEO_SECONDS,
        },
    )


@login_required
def moment_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    moment = selectors.moment_for(user, pk)
    if moment is None:
        raise Http404()
    correction_form = CorrectionForm(initial={"text": moment.text})
    transcript: dict[str, Any] | None = None
    if request.method == "POST":
        action = request.POST.get("action", "comment")
        try:
            if action == "correct":
                correction_form = CorrectionForm(request.POST)
                if correction_form.is_valid():
                    services.suggest_correction(user, pk, **correction_form.cleaned_data)
                    messages.success(request, _("Your correction was sent."))
                    return redirect("social-moment-page", pk=pk)
            elif action == "accept":
                services.accept_correction(user, request.POST.get("correction"))
                messages.success(request, _("You accepted the correction."))
                return redirect("social-moment-page", pk=pk)
            elif action == "share":
                services.share_to_chat(
                    user,
                    pk,
                    request.POST.get("conversation"),
                    note=request.POST.get("note", ""),
                    client_id=request.POST.get("client_id", ""),
                )
                messages.success(request, _("The moment was shared in the chat."))
                return redirect("social-moment-page", pk=pk)
            elif action == "ai_correct":
                services.request_ai_correction(user, pk)
                return redirect("social-moment-page", pk=pk)
            elif action == "transcribe":
                media_id = request.POST.get("media")
                clip = services.transcribe_clip(user, media_id)
                target = request.POST.get("translate_to", "")
                transcript = {
                    "media": clip.pk,
                    "text": clip.transcript,
                    "translation": services.translate_clip(user, clip.pk, target)
                    if target
                    else None,
                }
            else:
                form = CommentForm(request.POST)
                if form.is_valid():
                    services.comment(
                        user,
                        pk,
                        text=form.cleaned_data["text"],
                        parent_id=form.cleaned_data["parent"],
                    )
                return redirect("social-moment-page", pk=pk)
        except ServiceError as exc:
            _error(request, exc)
            if action != "correct":
                return redirect("social-moment-page", pk=pk)
    corrections = [
        {"correction": c, "diff": selectors.word_diff(moment.text, c.text)}
        for c in selectors.corrections_of(user, moment)[:50]
    ]
    return render(
        request,
        "social/moment.html",
        {
            "moment": moment,
            "comments": selectors.comments_of(user, moment)[:100],
            "form": CommentForm(),
            "corrections": corrections,
            "correction_form": correction_form,
            "transcript": transcript,
            "translate_choices": _languages(user),
            "report_categories": REPORT_CATEGORIES,
            "chats": _chats(user),
            "share_id": uuid.uuid4().hex,
        },
    )


def _chats(user: Any) -> list[tuple[str, str]]:
    """The user's 20 most recent chats, named by their title or the other people in them."""
    from messaging.selectors import conversations_of

    named = []
    for chat in conversations_of(user)[:20]:
        others = [p.user.get_full_name() for p in chat.participants.all() if p.user_id != user.pk]
        named.append((str(chat.pk), chat.title or ", ".join(others)))
    return named


@login_required
@require_POST
def like_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    try:
        if request.POST.get("action") == "unlike":
            services.unlike(user, pk)
        else:
            services.like(user, pk)
    except ServiceError as exc:
        _error(request, exc)
    return redirect(request.POST.get("next") or "social-feed-page")


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.delete_moment(user_of(request), pk)
        messages.success(request, _("Your moment is deleted."))
    except ServiceError as exc:
        _error(request, exc)
    return redirect("social-feed-page")


@login_required
def profile(request: HttpRequest, pk: Any) -> HttpResponse:
    user = user_of(request)
    person = selectors.person_for(user, pk)
    if person is None:
        raise Http404()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "unfollow":
                services.unfollow(user, person.pk)
            else:
                services.follow(user, person.pk)
        except ServiceError as exc:
            _error(request, exc)
        return redirect("social-profile-page", pk=person.pk)
    followers, following = selectors.follow_counts(person)
    return render(
        request,
        "social/profile.html",
        {
            "person": person,
            "is_me": person.pk == user.pk,
            "following_them": selectors.is_following(user, person),
            "followers": followers,
            "following": following,
            "moments": selectors.moments_of(user, person).order_by("-created_at")[:30],
            "report_categories": REPORT_CATEGORIES,
        },
    )


@login_required
def discover(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    topic = request.GET.get("topic", "")
    return render(
        request,
        "social/discover.html",
        {
            "topic": topic,
            "topics": selectors.trending_topics(user),
            "people": selectors.people_to_follow(user)[:8],
            "moments": selectors.discover(user, topic=topic)[:30],
        },
    )


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_POST
def report(request: HttpRequest) -> HttpResponse:
    """The report form under a moment, a comment or a profile."""
    form = ReportForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.report(
                user_of(request),
                target=data["target"],
                target_id=data["target_id"],
                category=data["category"],
                details=data["details"],
            )
        except ServiceError as exc:
            _error(request, exc)
        else:
            messages.success(
                request,
                _("Thank you. A moderator will look at it, and we will tell you the outcome."),
            )
    else:
        messages.error(request, _("Choose what is wrong."))
    return redirect(_safe_next(request, "/social/appeals/"))


@login_required
def appeals(request: HttpRequest) -> HttpResponse:
    """Decisions about you (with the one appeal each allows) and the reports you made."""
    user = user_of(request)
    form = AppealForm()
    if request.method == "POST":
        form = AppealForm(request.POST)
        if form.is_valid():
            try:
                services.appeal(user, form.cleaned_data["action"], form.cleaned_data["text"])
            except ServiceError as exc:
                _error(request, exc)
            else:
                messages.success(request, _("Your appeal was sent to the moderators."))
                return redirect("social-appeals-page")
    now = timezone.now()
    actions = [
        {
            "action": action,
            "appeal": getattr(action, "appeal", None),
            "can_appeal": action.appealable_until is not None
            and action.appealable_until > now
            and getattr(action, "appeal", None) is None,
        }
        for action in selectors.actions_on(user)[:50]
    ]
    return render(
        request,
        "social/appeals.html",
        {
            "actions": actions,
            "reports": selectors.reports_of(user)[:50],
            "form": form,
        },
    )
