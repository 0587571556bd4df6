from django.urls import path

from . import views

urlpatterns = [
    path("wallet/", views.wallet, name="website-wallet"),
    path("payments/checkout/", views.checkout, name="website-checkout"),
    path("payments/", views.history, name="website-payments"),
    path("payments/<uuid:payment_id>/invoice/", views.invoice, name="website-invoice"),
]
