"""The word bank and review pages. The review session itself runs in
static/js/vocabulary/review.js against /api/v1/reviews/."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from operations.configuration import ml_endpoint
from rest_framework.exceptions import ValidationError
from taggit.models import Tag

from accounts.requests import user_of

from . import importing, selectors, services, workload
from .api.serializers import DueCardSerializer
from .forms import (
    BulkForm,
    ImportForm,
    QuickAddForm,
    ScheduleForm,
    ShiftForm,
    WordEditForm,
    WordForm,
)
from .models import Level, ReviewLog, TaggedWord

PAGE_SIZE = 30
#: The days the review page's postpone and advance forms offer first.
SHIFT_DAYS = 7
#: From this many overdue cards (or a day's review limit, if more) the page suggests postponing.
BACKLOG_LARGE = 50


@login_required
def word_bank(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    now = timezone.now()
    search = request.GET.get("q", "").strip()[:200]
    status = request.GET.get("status", "")
    level = request.GET.get("level", "")
    tag = request.GET.get("tag", "").strip()[:50]
    words = selectors.search_words(selectors.words_of(user), search)
    if status in selectors.STATUSES:
        words = selectors.filter_status(words, status, now)
    if level in Level.values:
        words = words.filter(level=level)
    if tag:
        words = words.filter(tags__name__iexact=tag).distinct()
    page = Paginator(words, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(word, selectors.status_of(word.card, now)) for word in page.object_list]
    total = selectors.words_of(user).count()
    tags = (
        Tag.objects.filter(
            pk__in=TaggedWord.objects.filter(content_object__owner=user).values("tag_id")
        )
        .order_by("name")
        .values_list("name", flat=True)[:100]
    )
    schedule = selectors.schedule_or_default(user)
    context = {
        "page": page,
        "rows": rows,
        "total": total,
        "due": selectors.due_count(user, now),
        "search": search,
        "status": status,
        "level": level,
        "tag": tag,
        "tags": list(tags),
        "statuses": [
            ("new", _("New")),
            ("learning", _("Learning")),
            ("due", _("Due")),
            ("mastered", _("Mastered")),
        ],
        "levels": Level.choices,
        "form": WordForm(initial={"language": request.GET.get("language", "es")}),
        "bulk_form": BulkForm(word_ids=[]),
        "schedule_form": ScheduleForm(instance=schedule),
        "schedule": schedule,
        "workload": selectors.workload_preview(user, schedule=schedule, cards=total),
        "workload_cards": workload.simulated_cards(total),
        "filtered": bool(search or status or level or tag),
    }
    return TemplateResponse(request, "vocabulary/word_bank.html", context)


@login_required
@require_POST
def add_word(request: HttpRequest) -> HttpResponse:
    form = WordForm(request.POST, request.FILES)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(
                request,
                f"{label}: {' '.join(str(e) for e in errors)}"
                if label
                else " ".join(str(e) for e in errors),
            )
        return redirect("vocabulary-words")
    data = dict(form.cleaned_data)
    image = data.pop("image", None)
    result = services.add_word(user_of(request), **data)
    if result.created and image:
        try:
            services.set_word_image(result.word, image)
        except ValidationError as exc:
            messages.error(
                request,
                _("The word is added, without its picture: %(why)s")
                % {
                    "why": " ".join(str(e) for e in exc.detail.get("image", [])),  # type: ignore[union-attr]
                },
            )
    if result.created:
        messages.success(request, _("“%(word)s” is in your words.") % {"word": result.word.text})
    else:
        messages.info(
            request,
            _("“%(word)s” is already in your words (as “%(existing)s”): nothing was added.")
            % {"word": form.cleaned_data["text"], "existing": result.word.text},
        )
    return redirect("vocabulary-words")


@login_required
@require_POST
def quick_add(request: HttpRequest) -> HttpResponse:
    """One click from a lesson, a translation, the phrasebook or a tutor report."""
    form = QuickAddForm(request.POST)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/vocabulary/"
    if not form.is_valid():
        messages.error(request, _("That word could not be added."))
        return redirect(target)
    data = dict(form.cleaned_data)
    data.pop("next", None)
    result = services.add_word(user_of(request), **data)
    if result.created:
        messages.success(request, _("“%(word)s” is in your words.") % {"word": result.word.text})
    else:
        messages.info(
            request, _("“%(word)s” was already in your words.") % {"word": result.word.text}
        )
    return redirect(target)


@login_required
@require_POST
def bulk_edit(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    ids = list(
        selectors.words_of(user)
        .filter(pk__in=[value for value in request.POST.getlist("ids") if value.isdigit()])
        .values_list("pk", flat=True)
    )
    data = request.POST.copy()
    data.setlist("ids", [str(pk) for pk in ids])  # another learner's ids are dropped
    form = BulkForm(data, word_ids=ids)
    if not form.is_valid():
        messages.error(request, _("Choose some words and what to do with them."))
        return redirect("vocabulary-words")
    chosen = form.cleaned_data
    if chosen["action"] in ("add_tags", "remove_tags") and not chosen["tags"]:
        messages.error(request, _("Name the tags to add or remove."))
        return redirect("vocabulary-words")
    changed = services.bulk_edit(
        user, chosen["ids"], chosen["action"], tags=chosen["tags"], level=chosen["level"]
    )
    messages.success(request, _("%(count)d words changed.") % {"count": changed})
    return redirect("vocabulary-words")


@login_required
@require_POST
def save_schedule(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = ScheduleForm(request.POST, instance=selectors.schedule_or_default(user))
    if form.is_valid():
        services.update_schedule(user, **form.cleaned_data)
        messages.success(request, _("Your review settings are saved."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
    return redirect("vocabulary-words")


@login_required
def review(request: HttpRequest) -> HttpResponse:
    """The review session. Today's cards come with the page, in the due API's shapes (the
    first page of /api/v1/reviews/due/), and the first one is rendered here, so a first visit
    shows its card without waiting for the script and a second round trip; review.js takes
    over (the following cards, answers through the offline outbox)."""
    user = user_of(request)
    now = timezone.now()
    schedule = selectors.schedule_or_default(user)
    counts = ReviewLog.objects.filter(owner=user).aggregate(n=Count("id"))
    summary = selectors.due_summary(user, now)
    cards = list(selectors.cards_in_order(user, summary.card_ids[:REVIEW_FIRST_PAGE]))
    due: list[dict[str, Any]] = []
    if cards:
        pool = selectors.distractor_pool(user, {card.word.language for card in cards})
        serializer_context = {"now": now, "pool": pool, "request": request}
        due = list(DueCardSerializer(cards, many=True, context=serializer_context).data)
    backlog = selectors.backlog(user, now, SHIFT_DAYS)
    context = {
        "backlog": backlog,
        "backlog_large": backlog.overdue >= max(BACKLOG_LARGE, schedule.daily_review_limit),
        "shifts": selectors.recent_shifts(user),
        "shift_days": SHIFT_DAYS,
        "summary": summary,
        "schedule": schedule,
        "review_count": counts["n"],
        "fit_min_reviews": settings.VOCABULARY_FIT_MIN_REVIEWS,
        "due": {
            "results": due,
            "review_count": summary.review_count,
            "new_count": summary.new_count,
        },
        "first": first_challenge(due[0]) if due else None,
        # Say-it needs the ML service (and, checked by review.js, a microphone).
        "say_it": bool(ml_endpoint()[0]),
    }
    return TemplateResponse(request, "vocabulary/review.html", context)


# As many cards as review.js asks the due API for (?page_size=100, the API's maximum).
REVIEW_FIRST_PAGE = 100


def first_challenge(card: dict[str, Any]) -> dict[str, Any]:
    """The challenge review.js would show for this card (its kindOf and shuffle, ported), so
    the server-rendered first card is the one the script takes over unchanged. Say-it is
    never drawn here: only the browser knows whether it has a microphone (review.js draws it,
    and then replaces this card)."""
    word = card["word"]
    if card["is_new"] or not word["translation"]:
        kind = "flip"
    else:
        kinds = ["flip", "type", "listen"]
        if len(card["distractors"]) >= 2:
            kinds.append("choice")
        if card.get("chips"):
            kinds.append("chips")
        kind = kinds[(card["id"] + card["reps"]) % len(kinds)]
    options: list[str] = []
    if kind == "choice":
        options = [word["translation"], *card["distractors"][:3]]
        state = card["id"]
        for i in range(len(options) - 1, 0, -1):
            state = (state * 9301 + 49297) % 233280
            j = math.floor((state / 233280) * (i + 1))
            options[i], options[j] = options[j], options[i]
    return {"card": card, "kind": kind, "options": options}


@login_required
def edit_word(request: HttpRequest, word_id: int) -> HttpResponse:
    """One word: change its text, translation, example, level or tags; or delete it. The
    card and its review history stay with the word (a fixed typo keeps its schedule)."""
    user = user_of(request)
    word = selectors.word_for(user, word_id)
    if word is None:
        raise Http404
    if request.method == "POST":
        form = WordEditForm(request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            image = data.pop("image", None)
            remove_image = data.pop("remove_image", False)
            clash = selectors.clashing_word(word, data["text"], data["language"])
            if clash is not None:
                form.add_error(
                    "text",
                    _("“%(word)s” is already in your words.") % {"word": clash.text},
                )
            else:
                try:
                    if image or remove_image:
                        services.set_word_image(word, image or None)
                except ValidationError as exc:
                    for error in exc.detail.get("image", []):  # type: ignore[union-attr]
                        form.add_error("image", str(error))
                else:
                    tags = data.pop("tags")
                    services.update_word(word, tags=tags, **data)
                    messages.success(request, _("“%(word)s” is saved.") % {"word": word.text})
                    return redirect("vocabulary-words")
    else:
        form = WordEditForm(
            initial={
                "text": word.text,
                "translation": word.translation,
                "language": word.language,
                "part_of_speech": word.part_of_speech,
                "example": word.example,
                "level": word.level,
                "tags": ", ".join(sorted(tag.name for tag in word.tags.all())),
            }
        )
    context = {
        "word": word,
        "form": form,
        "status": selectors.status_of(word.card, timezone.now()),
        "review_count": word.card.reps,
    }
    return TemplateResponse(request, "vocabulary/word_edit.html", context)


@login_required
@require_POST
def delete_word(request: HttpRequest, word_id: int) -> HttpResponse:
    word = selectors.word_for(user_of(request), word_id)
    if word is None:
        raise Http404
    services.delete_word(word)
    messages.success(request, _("“%(word)s” is deleted.") % {"word": word.text})
    return redirect("vocabulary-words")


@login_required
def import_words(request: HttpRequest) -> HttpResponse:
    """Upload a CSV file or an Anki deck; the summary shows on the same page."""
    user = user_of(request)
    summary = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > importing.MAX_IMPORT_BYTES:
                    raise importing.ImportFileError(
                        _("The file is larger than %(size)d MB.")
                        % {"size": importing.MAX_IMPORT_BYTES // (1024 * 1024)}
                    )
                parsed = importing.parse_upload(
                    upload.name or "", upload.read(), form.cleaned_data["language"]
                )
            except importing.ImportFileError as error:
                form.add_error("file", str(error))
            else:
                summary = services.import_words(user, parsed.rows, parsed.rejected)
                form = ImportForm(initial={"language": form.cleaned_data["language"]})
    else:
        form = ImportForm()
    context = {
        "form": form,
        "summary": summary,
        "max_rows": importing.MAX_IMPORT_ROWS,
        "max_mb": importing.MAX_IMPORT_BYTES // (1024 * 1024),
    }
    return TemplateResponse(request, "vocabulary/import.html", context)


def _shift(request: HttpRequest, kind: str) -> HttpResponse:
    form = ShiftForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect("vocabulary-review")
    user, days = user_of(request), form.cleaned_data["days"]
    if kind == "postpone":
        result = services.postpone_due(user, days=days)
        messages.success(
            request,
            ngettext(
                "%(moved)d card postponed over the next %(days)d days.",
                "%(moved)d cards postponed over the next %(days)d days.",
                result.moved,
            )
            % {"moved": result.moved, "days": days},
        )
        if result.kept:
            messages.info(
                request,
                ngettext(
                    "%(kept)d card stays due today: you would likely forget it if it waited.",
                    "%(kept)d cards stay due today: you would likely forget them if they waited.",
                    result.kept,
                )
                % {"kept": result.kept},
            )
    else:
        result = services.advance_due(user, days=days)
        messages.success(
            request,
            ngettext(
                "%(moved)d card due in the next %(days)d days is due now.",
                "%(moved)d cards due in the next %(days)d days are due now.",
                result.moved,
            )
            % {"moved": result.moved, "days": days},
        )
    return redirect("vocabulary-review")


@login_required
@require_POST
def postpone(request: HttpRequest) -> HttpResponse:
    return _shift(request, "postpone")


@login_required
@require_POST
def advance(request: HttpRequest) -> HttpResponse:
    return _shift(request, "advance")
