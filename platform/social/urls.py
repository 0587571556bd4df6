from django.urls import path

from . import views

urlpatterns = [
    path("social/", views.feed, name="social-feed-page"),
    path("social/discover/", views.discover, name="social-discover-page"),
    path("social/moments/<int:pk>/", views.moment_page, name="social-moment-page"),
    path("social/moments/<int:pk>/like/", views.like_toggle, name="social-like-page"),
    path("social/moments/<int:pk>/edit/", views.edit, name="social-edit-page"),
    path("social/moments/<int:pk>/save/", views.bookmark_toggle, name="social-bookmark-page"),
    path("social/moments/<int:pk>/delete/", views.delete, name="social-delete-page"),
    path("social/bookmarks/", views.bookmarks, name="social-bookmarks-page"),
    path("social/people/<uuid:pk>/", views.profile, name="social-profile-page"),
    path("social/people/<uuid:pk>/followers/", views.followers, name="social-followers-page"),
    path("social/people/<uuid:pk>/following/", views.following, name="social-following-page"),
    path("social/interests/", views.interests_page, name="social-interests-page"),
    path("social/report/", views.report, name="social-report-page"),
    path("social/appeals/", views.appeals, name="social-appeals-page"),
]
