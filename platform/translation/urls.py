from django.urls import path

from . import views

urlpatterns = [
    path("translate/", views.TranslatePageView.as_view(), name="translate-page"),
    path("translate/history/", views.history, name="translate-history"),
    path(
        "translate/history/<int:translation_id>/delete/",
        views.delete_history_item,
        name="translate-history-delete",
    ),
    path("translate/history/clear/", views.clear_history, name="translate-history-clear"),
]
