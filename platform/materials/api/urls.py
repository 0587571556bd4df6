from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("materials", views.MaterialViewSet, basename="material")
router.register("material-packs", views.PackViewSet, basename="material-pack")

urlpatterns = [
    path(
        "materials/shared/",
        views.SharedMaterialListView.as_view(),
        name="materials-shared",
    ),
    path("materials/debts/", views.EarningsDebtListView.as_view(), name="materials-debts"),
    path(
        "materials/<uuid:pk>/download/",
        views.MaterialDownloadView.as_view(),
        name="material-download",
    ),
    path(
        "materials/<uuid:pk>/shares/<uuid:learner_id>/",
        views.MaterialUnshareView.as_view(),
        name="material-unshare",
    ),
    path("", include(router.urls)),
]
