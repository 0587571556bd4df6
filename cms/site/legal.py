"""Legal documents and people's acceptance of them.

The current version of each document is the highest ``version`` among the live ``LegalPage``s
of the default locale (translations share it). It is cached (invalidated when a legal page is
published, unpublished or deleted) because the acceptance gate asks on every request.

The gate (``LegalAcceptanceMiddleware``, on when ``LEGAL_ACCEPTANCE_REQUIRED``): a signed-in
person who has not accepted every current version gets ``409 terms_not_accepted`` with the
documents' URLs from the API, and the acceptance page on the website, except on the sign-in,
legal, health and admin paths. With no legal page published there is nothing to accept.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from wagtail.models import Locale

from .models import LegalAcceptance, LegalDocument, LegalPage

CACHE_KEY = "legal:current:v1"

# Paths a person who has not accepted may still use: signing in and out, the documents
# themselves and the acceptance endpoints, health checks, the API's description, the admin.
EXEMPT_PREFIXES = (
    "/api/auth/",
    "/api/v1/legal/",
    "/api/v1/health/",
    "/api/v1/schema/",
    "/api/docs/",
    "/accounts/",
    "/legal/",
    "/admin/",
    "/django-admin/",
    "/static/",
    "/media/",
    "/i18n/",
    "/metrics",
    "/ws/",
    # Leaving and taking one's data never wait for an acceptance.
    "/api/v1/users/me/export/",
)


def current_documents() -> list[dict[str, Any]]:
    """``[{"document", "title", "version", "url", "effective_date"}]`` in document order."""
    cached = cache.get(CACHE_KEY)
    if cached is not None:
        return list(cached)
    documents = []
    pages = LegalPage.objects.live().filter(locale=Locale.get_default()).order_by("-version")
    seen: set[str] = set()
    for page in pages:
        if page.document in seen:
            continue
        seen.add(page.document)
        documents.append(
            {
                "document": page.document,
                "title": page.title,
                "version": page.version,
                "url": f"/legal/{page.document}/",
                "effective_date": page.effective_date.isoformat(),
            }
        )
    order = list(LegalDocument.values)
    documents.sort(key=lambda d: order.index(d["document"]))
    cache.set(CACHE_KEY, documents, None)
    return documents


def anything_to_accept(**kwargs: Any) -> bool:
    """The sign-up form's question (accounts.signals.terms_to_accept)."""
    return bool(current_documents())


def forget_current_documents(**kwargs: Any) -> None:
    cache.delete(CACHE_KEY)


def accepted_versions(user: Any) -> dict[str, set[int]]:
    accepted: dict[str, set[int]] = {}
    for document, version in LegalAcceptance.objects.filter(user=user).values_list(
        "document", "version"
    ):
        accepted.setdefault(document, set()).add(version)
    return accepted


def documents_for(user: Any) -> list[dict[str, Any]]:
    """The current documents, each with whether ``user`` accepted its current version
    (``None`` when nobody is signed in)."""
    documents = current_documents()
    if not documents:
        return []
    if user is None or not user.is_authenticated:
        return [{**d, "accepted": None} for d in documents]
    accepted = accepted_versions(user)
    return [
        {**d, "accepted": d["version"] in accepted.get(d["document"], set())} for d in documents
    ]


def pending_for(user: Any) -> list[dict[str, Any]]:
    return [d for d in documents_for(user) if d["accepted"] is False]


def accept(user: Any, documents: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Records ``user``'s acceptance of the current version of ``documents`` (every current
    document when None). Accepting again changes nothing. Returns ``documents_for(user)``."""
    wanted = set(documents) if documents is not None else None
    now = timezone.now()
    rows = [
        LegalAcceptance(user=user, document=d["document"], version=d["version"], accepted_at=now)
        for d in current_documents()
        if wanted is None or d["document"] in wanted
    ]
    with transaction.atomic():
        LegalAcceptance.objects.bulk_create(rows, ignore_conflicts=True)
    return documents_for(user)


def gate_on() -> bool:
    return bool(settings.LEGAL_ACCEPTANCE_REQUIRED)


def _api_user(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    if "Authorization" not in request.headers:
        return None
    from allauth.headless.contrib.rest_framework.authentication import (
        JWTTokenAuthentication,
    )
    from rest_framework.exceptions import APIException
    from rest_framework.request import Request

    try:
        found = JWTTokenAuthentication().authenticate(Request(request))
    except APIException:
        return None  # the view answers 401 itself
    return found[0] if found else None


class LegalAcceptanceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not gate_on() or request.path.startswith(EXEMPT_PREFIXES):
            return self.get_response(request)
        if request.method == "DELETE" and request.path == "/api/v1/users/me/":
            return self.get_response(request)
        if request.path.startswith("/api/"):
            user = _api_user(request)
            if user is not None:
                pending = pending_for(user)
                if pending:
                    return terms_not_accepted(pending)
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and pending_for(user):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"/legal/accept/?{query}")
        return self.get_response(request)


def terms_not_accepted(pending: list[dict[str, Any]]) -> JsonResponse:
    from core.api.errors import error_body

    body = error_body(
        "terms_not_accepted",
        _("Accept the updated terms to continue: POST /api/v1/legal/accept/."),
    )
    body["documents"] = [
        {key: d[key] for key in ("document", "title", "version", "url")} for d in pending
    ]
    return JsonResponse(body, status=409)


def accept_at_signup(sender: Any, user: Any, **kwargs: Any) -> None:
    """The sign-up form's "I accept" box was ticked: the versions current now are accepted."""
    accept(user)
