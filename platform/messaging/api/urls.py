from django.urls import path

from . import views

urlpatterns = [
    path("conversations/", views.ConversationListView.as_view(), name="conversation-list"),
    path(
        "conversations/<uuid:conversation_id>/",
        views.ConversationDetailView.as_view(),
        name="conversation-detail",
    ),
    path(
        "conversations/<uuid:conversation_id>/messages/",
        views.MessageListView.as_view(),
        name="conversation-messages",
    ),
    path(
        "conversations/<uuid:conversation_id>/messages/<uuid:message_id>/",
        views.MessageDetailView.as_view(),
        name="conversation-message",
    ),
    path(
        "conversations/<uuid:conversation_id>/messages/<uuid:message_id>/attachment/",
        views.AttachmentView.as_view(),
        name="conversation-message-attachment",
    ),
    path(
        "conversations/<uuid:conversation_id>/read/",
        views.ReadView.as_view(),
        name="conversation-read",
    ),
    path("messages/search/", views.SearchView.as_view(), name="message-search"),
    path("blocks/", views.BlockListView.as_view(), name="block-list"),
    path("blocks/<uuid:user_id>/", views.BlockDetailView.as_view(), name="block-detail"),
    path("reports/", views.ReportCreateView.as_view(), name="report-create"),
    path("messaging/preferences/", views.PreferencesView.as_view(), name="messaging-preferences"),
    path("people/", views.PeopleSearchView.as_view(), name="people-search"),
    path("presence/", views.PresenceView.as_view(), name="presence"),
]
