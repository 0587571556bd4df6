from django.urls import path

from . import views

urlpatterns = [
    path("refund-requests/", views.RefundRequestListView.as_view(), name="refund-requests"),
    path("disputes/", views.DisputeListView.as_view(), name="disputes"),
    path(
        "disputes/<uuid:pk>/evidence/",
        views.DisputeEvidenceView.as_view(),
        name="dispute-evidence",
    ),
]
