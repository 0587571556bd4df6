"""Website pages of gamification, mounted at /achievements/."""

from django.urls import path

from . import views

app_name = "gamification"

urlpatterns = [
    path("", views.achievements, name="achievements"),
    path("settings/", views.save_settings, name="settings"),
    path("freezes/", views.buy_freeze, name="buy-freeze"),
    path("repair/", views.repair, name="repair"),
    path("badges/<slug:slug>/", views.badge, name="badge"),
    path("badges/<slug:slug>/card.png", views.badge_card_image, name="badge-card"),
    path("badges/<slug:slug>/share/", views.share_badge, name="share-badge"),
    path("people/<uuid:user_id>/badges/<slug:slug>/", views.public_badge, name="public-badge"),
    path(
        "people/<uuid:user_id>/badges/<slug:slug>/card.png",
        views.public_badge_card,
        name="public-badge-card",
    ),
]
