"""The achievements page (/achievements/): streak calendar, XP and level, quests, badges,
the league table with its zones, and the learner's settings. Writes go through services."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.api.errors import ServiceError

from . import hooks, selectors, services
from .cards import badge_card
from .forms import SettingsForm

STATUS_LABELS = {
    "met": _("goal met"),
    "rest": _("rest day"),
    "frozen": _("freeze used"),
    "repaired": _("repaired"),
    "travel": _("time-zone change"),
    "missed": _("missed"),
    "open": _("in progress"),
    "": _("no activity"),
}


@login_required
def achievements(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    summary = selectors.summary(user)
    player = summary.player
    form = SettingsForm(
        initial={
            "daily_goal": player.daily_goal,
            "rest_days": player.rest_days or [],
            "league_opt_out": player.league_opt_out,
        }
    )
    return _page(request, summary, form)


def _page(request: HttpRequest, summary: Any, form: SettingsForm) -> HttpResponse:
    user: Any = request.user
    member = summary.league.member if summary.league else None
    board = list(selectors.league_board(member)[:50]) if member else []
    zones = {"promote": 0, "demote": 0, "size": 0}
    if member is not None:
        zones = {
            "promote": member.league.tier.promote_count,
            "demote": member.league.tier.demote_count,
            "size": member.league.size,
        }
    for row in board:
        rank: int = getattr(row, "rank", 0)
        zone = ""
        if rank <= zones["promote"]:
            zone = "promotion"
        elif rank > zones["size"] - zones["demote"] and rank > zones["promote"]:
            zone = "demotion"
        setattr(row, "zone", zone)  # noqa: B010 - an attribute the template reads
    friends = list(selectors.friends_board(user)[:50])
    days = [
        {"day": day, "status": status, "xp": xp, "label": STATUS_LABELS.get(status, status)}
        for day, status, xp in selectors.calendar(user)
    ]
    repairable = bool(
        summary.player.lost_on
        and summary.player.lost_streak
        and (summary.today - summary.player.lost_on).days <= services.repair_days()
    )
    return TemplateResponse(
        request,
        "gamification/achievements.html",
        {
            "summary": summary,
            "player": summary.player,
            "days": days,
            "badges": list(selectors.badges_for(user)),
            "board": board,
            "friends": friends,
            "has_friends": any(row.user_id != user.pk for row in friends),
            "form": form,
            "goal_percent": min(
                100, round(100 * summary.today_xp / max(1, summary.player.daily_goal))
            ),
            "repairable": repairable,
        },
    )


@login_required
@require_POST
def save_settings(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = SettingsForm(request.POST)
    if not form.is_valid():
        return _page(request, selectors.summary(user), form)
    services.update_settings(user, **form.cleaned_data)
    messages.success(request, _("Your settings are saved."))
    return redirect("gamification:achievements")


@login_required
@require_POST
def buy_freeze(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    try:
        services.buy_freeze(user, request.POST.get("key") or uuid.uuid4().hex)
    except ServiceError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("You hold a new streak freeze."))
    return redirect("gamification:achievements")


@login_required
@require_POST
def repair(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    try:
        services.repair_streak(user, request.POST.get("key") or uuid.uuid4().hex)
    except ServiceError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("Your streak is repaired."))
    return redirect("gamification:achievements")


# --- One badge: its page, its image card, sharing it as a moment -----------------------------


def _card_response(award: Any, public: bool) -> HttpResponse:
    zone = selectors.player_of(award.user).time_zone
    response = HttpResponse(
        badge_card(award, services.learner_name(award.user), zone), content_type="image/png"
    )
    # Drawn from the award alone, so caches may keep it; a private card stays private.
    response["Cache-Control"] = f"{'public' if public else 'private'}, max-age=3600"
    return response


@login_required
def badge(request: HttpRequest, slug: str) -> HttpResponse:
    user: Any = request.user
    award = selectors.award_of(user, slug)
    if award is None:
        raise Http404()
    sharer = hooks.moment_sharer()
    public_url = ""
    shared_url = None
    if sharer is not None and award.shared_moment_id is not None:
        shared_url = sharer.url_of(user, award.shared_moment_id)
        if sharer.is_public(user, award.shared_moment_id):
            public_url = reverse("gamification:public-badge", args=[user.pk, slug])
    initial_text = _("I earned the “%(name)s” badge on Toto: %(description)s") % {
        "name": award.badge.name,
        "description": award.badge.description,
    }
    return TemplateResponse(
        request,
        "gamification/badge.html",
        {
            "award": award,
            "badge": award.badge,
            "can_share": sharer is not None,
            "visibilities": sharer.visibilities() if sharer else [],
            "share_text": request.POST.get("text", initial_text),
            "shared_url": shared_url,
            "public_url": public_url,
        },
    )


@login_required
def badge_card_image(request: HttpRequest, slug: str) -> HttpResponse:
    award = selectors.award_of(request.user, slug)
    if award is None:
        raise Http404()
    return _card_response(award, public=False)


@login_required
@require_POST
def share_badge(request: HttpRequest, slug: str) -> HttpResponse:
    user: Any = request.user
    text = (request.POST.get("text") or "").strip()[:2000]
    try:
        url, made = services.share_badge(
            user, slug, text=text, visibility=request.POST.get("visibility", "public")
        )
    except ServiceError as error:
        messages.error(request, str(error.detail))
        return redirect("gamification:badge", slug=slug)
    if made:
        messages.success(request, _("Your badge is shared as a moment."))
    else:
        messages.info(request, _("You already shared this badge: here is your moment."))
    return redirect(url)


def public_badge(request: HttpRequest, user_id: Any, slug: str) -> HttpResponse:
    award = selectors.public_award(user_id, slug)
    if award is None:
        raise Http404()
    card_url = request.build_absolute_uri(
        reverse("gamification:public-badge-card", args=[user_id, slug])
    )
    return TemplateResponse(
        request,
        "gamification/public_badge.html",
        {
            "award": award,
            "badge": award.badge,
            "learner_name": services.learner_name(award.user),
            "card_url": card_url,
            "page_url": request.build_absolute_uri(),
        },
    )


def public_badge_card(request: HttpRequest, user_id: Any, slug: str) -> HttpResponse:
    award = selectors.public_award(user_id, slug)
    if award is None:
        raise Http404()
    return _card_response(award, public=True)
