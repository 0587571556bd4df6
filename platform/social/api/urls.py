from django.urls import path

from . import views

urlpatterns = [
    path("social/moments/", views.MomentListView.as_view(), name="social-moments"),
    path("social/moments/<int:pk>/", views.MomentDetailView.as_view(), name="social-moment"),
    path("social/moments/<int:pk>/likes/", views.MomentLikesView.as_view(), name="social-likes"),
    path(
        "social/moments/<int:pk>/comments/",
        views.MomentCommentsView.as_view(),
        name="social-comments",
    ),
    path(
        "social/moments/<int:pk>/bookmark/",
        views.MomentBookmarkView.as_view(),
        name="social-bookmark",
    ),
    path(
        "social/moments/<int:pk>/corrections/",
        views.MomentCorrectionsView.as_view(),
        name="social-corrections",
    ),
    path(
        "social/moments/<int:pk>/corrections/ai/",
        views.MomentAICorrectionView.as_view(),
        name="social-ai-correction",
    ),
    path(
        "social/corrections/<int:pk>/",
        views.CorrectionDetailView.as_view(),
        name="social-correction",
    ),
    path(
        "social/corrections/<int:pk>/accept/",
        views.CorrectionAcceptView.as_view(),
        name="social-correction-accept",
    ),
    path(
        "social/media/<int:pk>/transcript/",
        views.ClipTranscriptView.as_view(),
        name="social-clip-transcript",
    ),
    path("social/moments/<int:pk>/share/", views.MomentShareView.as_view(), name="social-share"),
    path("social/comments/<int:pk>/", views.CommentDetailView.as_view(), name="social-comment"),
    path("social/bookmarks/", views.BookmarkListView.as_view(), name="social-bookmarks"),
    path("social/media/<int:pk>/", views.MediaView.as_view(), name="social-media"),
    path("social/feed/", views.FeedView.as_view(), name="social-feed"),
    path("social/discover/", views.DiscoverView.as_view(), name="social-discover"),
    path("social/people/", views.PeopleToFollowView.as_view(), name="social-people"),
    path("social/users/<uuid:pk>/", views.PersonView.as_view(), name="social-person"),
    path("social/users/<uuid:pk>/follow/", views.FollowView.as_view(), name="social-follow"),
    path(
        "social/users/<uuid:pk>/followers/",
        views.FollowersView.as_view(),
        name="social-followers",
    ),
    path(
        "social/users/<uuid:pk>/following/",
        views.FollowingView.as_view(),
        name="social-following",
    ),
    path("social/settings/", views.SettingsView.as_view(), name="social-settings"),
    path("social/interests/", views.InterestsView.as_view(), name="social-interests"),
    path(
        "social/interests/suggestions/",
        views.InterestSuggestionsView.as_view(),
        name="social-interest-suggestions",
    ),
    path("social/reports/", views.ReportListView.as_view(), name="social-reports"),
    path("social/actions/", views.ActionListView.as_view(), name="social-actions"),
    path("social/appeals/", views.AppealListView.as_view(), name="social-appeals"),
]
