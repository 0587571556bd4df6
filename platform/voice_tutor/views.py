"""Website pages of the voice tutor: the start page (avatar, practice context, level), the live
session page (the /ws/tutor/ socket does the rest), a session's report, and the history with
progress per context. The pages read the models directly (nothing here writes)."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Max, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from wagtail.models import Locale

from ai import client
from credits.selectors import wallet_summary

from . import services
from .models import (
    LEVELS,
    SILENCE_MS_BY_LEVEL,
    Level,
    PracticeContext,
    SessionStatus,
    TutorReport,
    TutorSession,
    VoiceAvatar,
)

SCORES = ("pronunciation", "fluency", "grammar", "vocabulary", "listening")


def score_explanations() -> list[tuple[str, Any, Any, Any]]:
    """Each score's name, what it measures and what it does not, in plain words, so a learner
    does not read more into a number than it holds."""
    return [
        (
            "pronunciation",
            gettext_lazy("Pronunciation"),
            gettext_lazy("How confidently the speech recogniser understood each word you said."),
            gettext_lazy(
                "Not a phoneme-by-phoneme accent score: it cannot tell which sound was off."
            ),
        ),
        (
            "fluency",
            gettext_lazy("Fluency"),
            gettext_lazy("Your speaking pace and how long and how often you paused mid-sentence."),
            gettext_lazy(
                "Not a judgement of your accent, and typed turns do not count towards it."
            ),
        ),
        (
            "grammar",
            gettext_lazy("Grammar"),
            gettext_lazy("The share of your sentences the grammar checker found no error in."),
            gettext_lazy("Not a full review: a rule-based checker misses some errors and style."),
        ),
        (
            "vocabulary",
            gettext_lazy("Vocabulary"),
            gettext_lazy("How many different words you used, and the context's words you used."),
            gettext_lazy("Not whether each word was the best choice."),
        ),
        (
            "listening",
            gettext_lazy("Listening"),
            gettext_lazy("How often your answers fitted what the tutor asked."),
            gettext_lazy("Not a test: an answer can fit and still be improved."),
        ),
    ]


CHART_WIDTH, CHART_HEIGHT, CHART_TOP, CHART_BOTTOM, CHART_LEFT = 700, 250, 20, 210, 40


def score_chart(points: list[dict[str, Any]]) -> dict[str, Any]:
    """The server-rendered SVG bar chart of a context's sessions (the average of the five
    scores per session), drawn like the lessons' progress chart (same classes and script)."""
    plot = CHART_BOTTOM - CHART_TOP
    step = (CHART_WIDTH - CHART_LEFT) / max(len(points), 1)
    width = min(step * 0.7, 56)  # one session is a bar, not a wall
    bars = []
    for index, point in enumerate(points):
        value = point["average"] or 0
        height = round(plot * value / 100, 1)
        bars.append(
            {
                **point,
                "x": round(CHART_LEFT + index * step + (step - width) / 2, 1),
                "width": round(width, 1),
                "y": round(CHART_BOTTOM - height, 1),
                "height": height,
                "center": round(CHART_LEFT + index * step + step / 2, 1),
            }
        )
    return {
        "bars": bars,
        "ticks": [{"value": v, "y": round(CHART_BOTTOM - plot * v / 100, 1)} for v in (0, 50, 100)],
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "bottom": CHART_BOTTOM,
    }


# --- reads (the pages' own; the REST API's are voice_tutor.selectors) -----------------------
def _learner_facts(user: Any) -> dict[str, Any]:
    """What the start page pre-selects, and what onboarding still asks for."""
    from accounts.models import LearningLanguage, Profile

    profile = Profile.objects.filter(user=user).only("native_language").first()
    learning = list(
        LearningLanguage.objects.filter(profile__user=user).values_list("language", "level")
    )
    return {
        "native_language": profile.native_language if profile else "",
        "target_language": learning[0][0] if learning else "",
        "levels": dict(learning),
        "name": user.get_full_name() or user.email.split("@")[0],
    }


def _locale_contexts() -> QuerySet[PracticeContext]:
    """Live contexts in the page's language, or in the default language when that has none."""
    contexts = PracticeContext.objects.filter(live=True)
    with contextlib.suppress(Locale.DoesNotExist):
        local = contexts.filter(locale=Locale.get_active())
        if local.exists():
            return local
    return contexts.filter(locale=Locale.get_default())


def _practice_languages() -> list[tuple[str, str]]:
    codes = sorted(set(_locale_contexts().values_list("language", flat=True)))
    return [
        (code, get_language_info(code)["name_translated"] if _known(code) else code)
        for code in codes
    ]


def _known(code: str) -> bool:
    try:
        get_language_info(code)
    except KeyError:
        return False
    return True


def _sessions(user: Any) -> QuerySet[TutorSession]:
    return (
        TutorSession.objects.filter(user=user)
        .select_related("avatar", "context", "report")
        .order_by("-started_at")
    )


def _context_history(user: Any, context_key: Any) -> list[dict[str, Any]]:
    """Every ended session of one context (any translation of it), oldest first, with the
    average of its five scores: the points of the progress chart."""
    rows = (
        TutorReport.objects.filter(session__user=user, session__context_key=context_key)
        .select_related("session")
        .order_by("session__started_at")
    )
    points = []
    for row in rows[:30]:
        values = [getattr(row, name) for name in SCORES if getattr(row, name) is not None]
        points.append(
            {
                "session": row.session,
                "day": row.session.started_at,
                "average": round(sum(values) / len(values)) if values else None,
                "cefr": row.cefr,
                **{name: getattr(row, name) for name in SCORES},
            }
        )
    return points


def _progress_by_context(user: Any) -> list[dict[str, Any]]:
    averages: dict[str, Any] = {name: Avg(f"report__{name}") for name in SCORES}
    query: Any = (
        TutorSession.objects.filter(user=user, status=SessionStatus.ENDED)
        .values("context_key")
        .annotate(
            sessions=Count("id"),
            seconds=Sum("report__duration_seconds"),
            last=Max("started_at"),
            **averages,
        )
        .order_by("-last")
    )
    rows: list[dict[str, Any]] = list(query)
    titles = dict(
        PracticeContext.objects.filter(
            translation_key__in=[row["context_key"] for row in rows],
            locale=Locale.get_default(),
        ).values_list("translation_key", "title")
    )
    return [
        {
            **row,
            "title": titles.get(row["context_key"], ""),
            "minutes": round((row["seconds"] or 0) / 60),
            **{name: round(row[name]) if row[name] is not None else None for name in SCORES},
        }
        for row in rows
    ]


@login_required
def start(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    learner = _learner_facts(user)
    languages = _practice_languages()
    language = request.GET.get("language") or learner["target_language"] or ""
    if language not in {code for code, _name in languages}:
        language = languages[0][0] if languages else ""
    level = learner["levels"].get(language) or "A1"
    avatars = list(
        VoiceAvatar.objects.filter(live=True, language=language).select_related("picture")
    )
    contexts = list(_locale_contexts().filter(language=language))
    by_category: dict[str, list[PracticeContext]] = {}
    for context in contexts:
        by_category.setdefault(context.get_category_display(), []).append(context)
    return TemplateResponse(
        request,
        "voice_tutor/start.html",
        {
            "learner": learner,
            "languages": languages,
            "language": language,
            "level": level,
            "levels": Level.choices,
            "avatars": avatars,
            "categories": by_category,
            "llm_available": client.llm_available(),
            "wallet": wallet_summary(user),
            "active": services.active_session(request.user),
            "recent": list(_sessions(request.user)[:5]),
        },
    )


@login_required
def session(request: HttpRequest) -> HttpResponse:
    resume = request.GET.get("resume")
    if resume:
        active = services.active_session(request.user)
        if active is None or str(active.pk) != resume:
            return redirect("voice_tutor:start")
        avatar, context, level = active.avatar, active.context, active.level
    else:
        try:
            avatar = VoiceAvatar.objects.get(pk=int(request.GET.get("avatar", "")), live=True)
            context = PracticeContext.objects.get(pk=int(request.GET.get("context", "")), live=True)
        except (ValueError, VoiceAvatar.DoesNotExist, PracticeContext.DoesNotExist):
            return redirect("voice_tutor:start")
        level = request.GET.get("level") or ""
        if level not in LEVELS:
            level = ""
    return TemplateResponse(
        request,
        "voice_tutor/session.html",
        {
            "avatar": avatar,
            "context": context,
            "level": level,
            "resume": resume or "",
            "silence_ms": SILENCE_MS_BY_LEVEL.get(level or "A1"),
        },
    )


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    found = _sessions(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such session."))
    report_row = TutorReport.objects.filter(session=found).first()
    scores = [
        {
            "name": name,
            "label": label,
            "value": getattr(report_row, name, None) if report_row is not None else None,
            "is": what_it_is,
            "is_not": what_it_is_not,
        }
        for name, label, what_it_is, what_it_is_not in score_explanations()
    ]
    history = _context_history(request.user, found.context_key)
    return TemplateResponse(
        request,
        "voice_tutor/report.html",
        {
            "session": found,
            "report": report_row,
            "scores": scores,
            "turns": list(found.turns.all()),
            "chart": score_chart(history),
            "history": history,
        },
    )


@login_required
def history(request: HttpRequest) -> HttpResponse:
    page = Paginator(_sessions(request.user), 20).get_page(request.GET.get("page"))
    progress = []
    for row in _progress_by_context(request.user):
        points = _context_history(request.user, row["context_key"])
        progress.append({**row, "chart": score_chart(points), "points": points})
    return TemplateResponse(
        request,
        "voice_tutor/history.html",
        {"sessions": page, "progress": progress},
    )
