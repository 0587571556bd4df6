"""The website's payout method page for teachers and vendors: the bank account a bank
transfer goes to (encrypted at rest, shown masked) and the tax forms the payout provider
needs (private files, served only to their owner)."""

from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.requests import user_of
from accounts.roles import VENDOR_ROLES, Role
from accounts.selectors import roles_of
from core.api.errors import ServiceError
from core.downloads import PrivateFile, serve_private_file

from . import selectors, services
from .forms import BankAccountForm, TaxDocumentForm

PAYEE_ROLES = frozenset({Role.TEACHER}) | VENDOR_ROLES


def payee_required(view: Any) -> Any:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not roles_of(user_of(request)) & PAYEE_ROLES:
            raise PermissionDenied(_("Only teachers and vendors are paid out."))
        return view(request, *args, **kwargs)

    return wrapped


@payee_required
def payout_method(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    payee = selectors.payee_profile_of(user)
    masked = payee.masked_account_number() if payee and payee.account_number else ""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    initial = (
        {
            "account_holder": payee.account_holder,
            "bank_name": payee.bank_name,
            "bank_country": payee.bank_country,
            "bank_details": payee.bank_details,
        }
        if payee
        else {}
    )
    bank_form = BankAccountForm(
        request.POST if action == "bank" else None, initial=initial, masked_number=masked
    )
    tax_form = TaxDocumentForm(
        request.POST if action == "tax" else None, request.FILES if action == "tax" else None
    )
    if action == "bank" and bank_form.is_valid():
        data = bank_form.cleaned_data
        services.save_bank_account(
            user,
            holder=data["account_holder"],
            number=data["account_number"] or (payee.account_number if payee else ""),
            bank_name=data["bank_name"],
            country=data["bank_country"],
            details=data["bank_details"],
        )
        messages.success(request, _("Your bank account is saved."))
        return redirect("payouts-method")
    if action == "tax" and tax_form.is_valid():
        try:
            services.upload_tax_document(
                user, kind=tax_form.cleaned_data["kind"], upload=tax_form.cleaned_data["file"]
            )
        except ServiceError as error:
            tax_form.add_error("file", str(error.detail))
        else:
            messages.success(request, _("Your document is uploaded."))
            return redirect("payouts-method")
    status = 400 if action and (bank_form.errors or tax_form.errors) else 200
    return TemplateResponse(
        request,
        "payouts/method.html",
        {
            "payee": payee,
            "bank_form": bank_form,
            "tax_form": tax_form,
            "tax_documents": selectors.tax_documents_of(user),
            "is_teacher": Role.TEACHER in roles_of(user),
        },
        status=status,
    )


@payee_required
@require_POST
def remove_bank_account(request: HttpRequest) -> HttpResponse:
    services.remove_bank_account(user_of(request))
    messages.success(request, _("Your bank account is removed."))
    return redirect("payouts-method")


@payee_required
@require_POST
def delete_tax_document(request: HttpRequest, document_id: str) -> HttpResponse:
    services.delete_tax_document(user_of(request), document_id)
    messages.success(request, _("The document is deleted."))
    return redirect("payouts-method")


@payee_required
def tax_document_file(request: HttpRequest, document_id: str) -> HttpResponseBase:
    document = selectors.tax_document_for(user_of(request), document_id)
    extension = (document.file.name or "").rsplit(".", 1)[-1]
    item = PrivateFile(
        document.file, document.content_type, f"{document.kind}.{extension}", inline=False
    )
    return serve_private_file(request, item)
