"""Website: /legal/<document>/ (the current page in the visitor's language) and the page that
asks a signed-in person to accept updated documents."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from wagtail.models import Locale

from . import legal
from .models import LegalDocument, LegalPage


def document(request: HttpRequest, document: str) -> HttpResponse:
    if document not in LegalDocument.values:
        raise Http404
    current = {d["document"]: d for d in legal.current_documents()}.get(document)
    if current is None:
        raise Http404
    pages = LegalPage.objects.live().filter(document=document, version=current["version"])
    page = pages.filter(locale__language_code=get_language()).first()
    page = page or pages.filter(locale=Locale.get_default()).first()
    if page is None:
        raise Http404
    return redirect(page.url)


@login_required
def accept(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    pending = legal.pending_for(request.user)
    error = False
    if request.method == "POST":
        if request.POST.get("accept") == "yes":
            legal.accept(request.user)
            return redirect(next_url)
        error = True
    if not pending:
        return redirect(next_url)
    return TemplateResponse(
        request,
        "cms_site/legal_accept.html",
        {"pending": pending, "next": next_url, "error": error},
        status=400 if error else 200,
    )


urlpatterns = [
    path("legal/accept/", accept, name="legal-accept-page"),
    path("legal/<slug:document>/", document, name="legal-document"),
]
