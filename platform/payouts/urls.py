from django.urls import path

from . import views

urlpatterns = [
    path("payouts/method/", views.payout_method, name="payouts-method"),
    path("payouts/method/remove/", views.remove_bank_account, name="payouts-method-remove"),
    path(
        "payouts/tax-documents/<uuid:document_id>/",
        views.tax_document_file,
        name="payouts-tax-document",
    ),
    path(
        "payouts/tax-documents/<uuid:document_id>/delete/",
        views.delete_tax_document,
        name="payouts-tax-document-delete",
    ),
]
