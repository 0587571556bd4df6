"""Website pages of the notification centre: the list, opening one (which marks it read and
goes to what it is about), and marking read. Every read goes through the selectors, so a
user only ever reaches their own notifications (another's id is a 404)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.requests import user_of

from . import selectors, services

PAGE_SIZE = 20


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    unread_only = request.GET.get("unread") == "1"
    queryset = selectors.notifications_of(user).order_by("-created_at", "-pk")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "notifications/list.html",
        {
            "page_obj": page,
            "unread_count": selectors.unread_count(user),
            "unread_only": unread_only,
        },
    )


def _safe_target(request: HttpRequest, url: str) -> str | None:
    """A notification's link, if it points into this site (a stored URL must never send
    the reader elsewhere)."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


@login_required
def notification_open(request: HttpRequest, notification_id: str) -> HttpResponse:
    """Following a notification reads it."""
    user = user_of(request)
    notification = get_object_or_404(selectors.notifications_of(user), pk=notification_id)
    if notification.read_at is None:
        services.mark_read(user, notification.pk)
    return redirect(_safe_target(request, notification.url) or "notification-list")


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: str) -> HttpResponse:
    try:
        services.mark_read(user_of(request), notification_id)
    except services.NotificationNotFound as error:
        raise Http404 from error
    return redirect(_back(request))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(user_of(request))
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    asked = request.POST.get("next", "")
    return _safe_target(request, asked) or "/notifications/"
