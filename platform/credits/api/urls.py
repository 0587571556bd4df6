from django.urls import path

from . import views

urlpatterns = [
    path("wallet/", views.WalletView.as_view(), name="wallet"),
    path("wallet/transactions/", views.TransactionListView.as_view(), name="wallet-transactions"),
    path("credit-packages/", views.CreditPackageListView.as_view(), name="credit-packages"),
    path("plans/", views.PlanListView.as_view(), name="plans"),
]
