from django.urls import path

from . import views

urlpatterns = [
    path("payouts/", views.PayoutListCreateView.as_view(), name="payouts"),
    path("payouts/statement/", views.StatementView.as_view(), name="payouts-statement"),
]
