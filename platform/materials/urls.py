from django.urls import path

from . import views

urlpatterns = [
    path("materials/", views.my_materials, name="materials-mine"),
    path("materials/library/", views.library, name="materials-library"),
    path("materials/library/<uuid:pk>/share/", views.share, name="materials-share"),
    path("materials/packs/", views.marketplace, name="materials-marketplace"),
    path("materials/packs/<uuid:pk>/", views.pack_detail, name="materials-pack"),
    path("materials/packs/<uuid:pk>/buy/", views.buy, name="materials-buy"),
    path("materials/packs/<uuid:pk>/get/", views.get_free, name="materials-get"),
    path("materials/packs/<uuid:pk>/rate/", views.rate, name="materials-rate"),
]
