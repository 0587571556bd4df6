from django.urls import path

from . import views

urlpatterns = [
    path("payments/", views.PaymentListView.as_view(), name="payments"),
    path("payments/billing/", views.BillingDetailsView.as_view(), name="payments-billing"),
    path("payments/checkout/", views.CheckoutView.as_view(), name="payments-checkout"),
    path("payments/webhooks/stripe/", views.StripeWebhookView.as_view(), name="webhook-stripe"),
    path(
        "payments/webhooks/razorpay/", views.RazorpayWebhookView.as_view(), name="webhook-razorpay"
    ),
    path("payments/<uuid:pk>/", views.PaymentDetailView.as_view(), name="payment-detail"),
    path(
        "payments/<uuid:pk>/razorpay/confirm/",
        views.RazorpayConfirmView.as_view(),
        name="payment-razorpay-confirm",
    ),
    path(
        "payments/<uuid:pk>/demo/confirm/",
        views.DemoConfirmView.as_view(),
        name="payment-demo-confirm",
    ),
    path(
        "payments/subscriptions/<int:pk>/cancel/",
        views.SubscriptionCancelView.as_view(),
        name="subscription-cancel",
    ),
    path("payments/<uuid:pk>/invoice/", views.InvoicePdfView.as_view(), name="payment-invoice"),
]
