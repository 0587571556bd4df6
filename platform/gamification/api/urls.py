from django.urls import path

from . import views

urlpatterns = [
    path("gamification/me/", views.MeView.as_view(), name="gamification-me"),
    path("gamification/me/freezes/", views.FreezeView.as_view(), name="gamification-freezes"),
    path("gamification/me/repair/", views.RepairView.as_view(), name="gamification-repair"),
    path("gamification/leaderboard/", views.LeaderboardView.as_view(), name="gamification-board"),
    path("gamification/badges/", views.BadgeListView.as_view(), name="gamification-badges"),
    path("gamification/xp/", views.XPHistoryView.as_view(), name="gamification-xp"),
]
