"""The social website: the home feed with the composer, a moment with its thread, a
person's profile, discover. Plain forms posting to these views, which call the services;
a small module (static/js/social/composer.js) adds the voice recorder."""

import uuid
from typing import Any

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Level
from accounts.requests import user_of
from core.api.errors import ServiceError

from . import feeds, interests, selectors, services
from .errors import InvalidMedia
from .forms import (
    AppealForm,
    CommentForm,
    ConnectionsForm,
    CorrectionForm,
    MomentEditForm,
    MomentForm,
    ReportForm,
)
from .models import Report

PAGE_SIZE = 20

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
            "has_interests": bool(interests.interests_of(user)),
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
            elif action == "delete_comment":
                services.delete_comment(user, request.POST.get("comment"))
                messages.success(request, _("The comment is deleted."))
                return redirect(f"{request.path}#comments")
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
            "can_edit": selectors.can_edit(user, moment),
            "edit_deadline": selectors.edit_deadline(moment),
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
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit your moment's words, visibility, topics and "correct me" within the edit window."""
    user = user_of(request)
    moment = selectors.moment_for(user, pk)
    if moment is None or moment.author_id != user.pk:
        raise Http404()
    if not selectors.can_edit(user, moment):
        messages.error(request, _("A moment can only be edited shortly after posting."))
        return redirect("social-moment-page", pk=pk)
    form = MomentEditForm(
        initial={
            "text": moment.text,
            "visibility": moment.visibility,
            "topics": " ".join(t.tag for t in moment.topics.all()),
            "correct_me": moment.correct_me,
        }
    )
    if request.method == "POST":
        form = MomentEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                edited = services.edit_moment(
                    user,
                    pk,
                    text=data["text"],
                    visibility=data["visibility"],
                    topics=data["topics"].replace(",", " ").split(),
                    correct_me=data["correct_me"],
                )
            except ServiceError as exc:
                _error(request, exc)
            else:
                if edited.status == edited.Status.HELD:
                    messages.info(request, _("Your moment is waiting for a moderator's review."))
                else:
                    messages.success(request, _("Your moment is updated."))
                return redirect("social-moment-page", pk=pk)
    return render(
        request,
        "social/edit.html",
        {"moment": moment, "form": form, "edit_deadline": selectors.edit_deadline(moment)},
    )


@login_required
@require_POST
def bookmark_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    try:
        if request.POST.get("action") == "unbookmark":
            services.unbookmark(user, pk)
        else:
            services.bookmark(user, pk)
            messages.success(request, _("Saved to your bookmarks."))
    except ServiceError as exc:
        _error(request, exc)
    return redirect(_safe_next(request, "/social/bookmarks/"))


@login_required
def bookmarks(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    moments = selectors.bookmarks_of(user).order_by("-created_at", "-id")
    page = Paginator(moments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "social/bookmarks.html", {"page_obj": page, "moments": page})


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
    if request.method == "POST" and request.POST.get("action") == "connections":
        settings_form = ConnectionsForm(request.POST)
        if person.pk == user.pk and settings_form.is_valid():
            services.set_connections_visibility(
                user, settings_form.cleaned_data["connections_visibility"]
            )
            messages.success(request, _("Saved."))
        return redirect("social-profile-page", pk=person.pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "unfollow":
                services.unfollow(user, person.pk)
            else:
                services.follow(user, person.pk)
        except ServiceError as exc:
            _error(request, exc)
        # Follow buttons on other pages (a teacher's page) come back to where they were.
        return redirect(_safe_next(request, reverse("social-profile-page", args=[person.pk])))
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
            "connections_visible": selectors.can_see_connections(user, person),
            "connections_form": ConnectionsForm(
                initial={"connections_visibility": selectors.connections_visibility(person)}
            )
            if person.pk == user.pk
            else None,
            "moments": selectors.moments_of(user, person).order_by("-created_at")[:30],
            "report_categories": REPORT_CATEGORIES,
        },
    )


def _connections(request: HttpRequest, pk: Any, which: str) -> HttpResponse:
    user = user_of(request)
    person = selectors.person_for(user, pk)
    if person is None:
        raise Http404()
    visible = selectors.can_see_connections(user, person)
    page = None
    if visible:
        people = (
            selectors.followers_of(user, person)
            if which == "followers"
            else selectors.following_of(user, person)
        )
        page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "social/connections.html",
        {
            "person": person,
            "is_me": person.pk == user.pk,
            "which": which,
            "visible": visible,
            "page_obj": page,
            "setting": selectors.connections_visibility(person),
        },
    )


@login_required
def followers(request: HttpRequest, pk: Any) -> HttpResponse:
    return _connections(request, pk, "followers")


@login_required
def following(request: HttpRequest, pk: Any) -> HttpResponse:
    return _connections(request, pk, "following")


@login_required
def discover(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    topic = request.GET.get("topic", "")
    languages = _languages(user)
    language = request.GET.get("language", "")
    if language not in {code for code, _name in languages}:
        language = ""
    levels = [*Level.choices, ("native", _("Native speakers"))]
    level = request.GET.get("level", "")
    if level not in {code for code, _name in levels}:
        level = ""
    moments = selectors.discover(user, language=language, level=level, topic=topic)
    page = Paginator(moments, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = {key: value for key, value in (("language", language), ("level", level)) if value}
    return render(
        request,
        "social/discover.html",
        {
            "topic": topic,
            "topics": selectors.trending_topics(user),
            "people": selectors.people_to_follow(user)[:8],
            "moments": page,
            "page_obj": page,
            "languages": languages,
            "language": language,
            "levels": levels,
            "level": level,
            "filters": filters,
            "query_string": urlencode({**filters, **({"topic": topic} if topic else {})}),
        },
    )


@login_required
def interests_page(request: HttpRequest) -> HttpResponse:
    """Choose the topics you like to talk about, with suggestions from what people who learn
    your language at your level talk about, and people to follow who share them."""
    user = user_of(request)
    saved = interests.interests_of(user)
    if request.method == "POST":
        typed = request.POST.get("interests", " ".join(saved)).replace(",", " ").split()
        if request.POST.get("add"):
            typed.append(request.POST["add"])
        if request.POST.get("remove"):
            typed = [tag for tag in typed if tag != request.POST["remove"]]
        chosen = services.set_interests(user, typed)
        if len(chosen) < len({interests.clean_tag(t) for t in typed} - {""}):
            messages.info(
                request,
                _("You can keep %(n)d interests: the first ones were saved.")
                % {"n": services.MAX_INTERESTS},
            )
        elif not request.POST.get("add") and not request.POST.get("remove"):
            messages.success(request, _("Your interests are saved."))
        if request.POST.get("welcome"):  # still the sign-up step: keep its skip link
            return redirect(reverse("social-interests-page") + "?welcome=1")
        return redirect("social-interests-page")
    return render(
        request,
        "social/interests.html",
        {
            "interests": saved,
            "suggestions": interests.suggest_interests(user, chosen=saved, limit=12),
            "people": selectors.people_to_follow(user)[:6] if saved else [],
            "max_interests": services.MAX_INTERESTS,
            "welcome": request.GET.get("welcome") == "1",
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
