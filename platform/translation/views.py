from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from accounts.requests import user_of

from . import selectors, services
from .models import Translation

HISTORY_PAGE_SIZE = 20


class TranslatePageView(LoginRequiredMixin, TemplateView):
    """The translate page; everything on it talks to /api/v1/translate/."""

    template_name = "translation/translate.html"


@login_required
def history(request: HttpRequest) -> HttpResponse:
    """The learner's own translations, newest first, searchable, a page at a time."""
    search = request.GET.get("q", "").strip()[:200]
    paginator = Paginator(selectors.history_for(user_of(request), search), HISTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return TemplateResponse(request, "translation/history.html", {"page": page, "search": search})


@login_required
@require_POST
def delete_history_item(request: HttpRequest, translation_id: int) -> HttpResponse:
    try:
        services.delete_translation(user_of(request), translation_id)
    except Translation.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("The translation was removed from your history."))
    return redirect("translate-history")


@login_required
@require_POST
def clear_history(request: HttpRequest) -> HttpResponse:
    count = services.clear_history(user_of(request))
    messages.success(
        request, _("Your history is cleared (%(count)s translations).") % {"count": count}
    )
    return redirect("translate-history")
