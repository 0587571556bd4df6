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
        "payments/<uuid:payment_id>/report/",
        views.report_problem,
        name="website-report-problem",
    ),
    path(
        "payments/<uuid:payment_id>/dispute/",
        views.dispute_of_payment,
        name="website-dispute-of-payment",
    ),
    path("disputes/<uuid:dispute_id>/", views.dispute_detail, name="website-dispute"),
    path(
        "disputes/<uuid:dispute_id>/evidence/<int:evidence_id>/file/",
        views.evidence_file,
        name="website-dispute-evidence-file",
    ),
    path(
        "disputes/<uuid:dispute_id>/evidence/",
        views.add_evidence,
        name="website-dispute-evidence",
    ),
]
