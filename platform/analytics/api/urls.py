from django.urls import path

from . import views

urlpatterns = [
    path("analytics/charts/<str:key>/", views.ChartView.as_view(), name="analytics-chart"),
    path(
        "analytics/charts/<str:key>/csv/",
        views.ChartCsvView.as_view(),
        name="analytics-chart-csv",
    ),
]
