from django.urls import path

from . import views

urlpatterns = [
    path(
        "payments/<uuid:payment_id>/refund/",
        views.request_refund,
        name="website-request-refund",
    ),
    path("refunds/", views.refund_requests, name="website-refund-requests"),
    path("disputes/", views.disputes, name="website-disputes"),
    path(
        "disputes/<uuid:dispute_id>/evidence/",
        views.add_evidence,
        name="website-dispute-evidence",
    ),
]
