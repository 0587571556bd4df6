from django.urls import path

from . import views

urlpatterns = [
    path("wallet/", views.wallet, name="website-wallet"),
    path("wallet/billing/", views.billing_details, name="website-billing"),
    path(
        "wallet/subscriptions/<int:pk>/cancel/",
        views.cancel_subscription,
        name="website-subscription-cancel",
    ),
    path("payments/checkout/", views.checkout, name="website-checkout"),
    path("payments/<uuid:payment_id>/done/", views.payment_done, name="website-payment-done"),
    path("payments/", views.history, name="website-payments"),
    path("payments/<uuid:payment_id>/invoice/", views.invoice, name="website-invoice"),
]
