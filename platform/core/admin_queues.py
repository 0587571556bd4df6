"""One shape for the admin screens whose rows are made elsewhere and only looked at or
decided on in the Wagtail admin: the teacher verification queue, reported users and
messages, certificates, reviews, members, bookings, material packs, voice rooms.

Wagtail's ModelViewSet gives add, edit, copy, delete and usage views; here nothing is added,
copied or deleted (rows come from sign-up, the API, the services), "edit" is replaced by a
decision screen when there is one, and the history is Wagtail's audit log of those decisions.
"""

from collections.abc import Callable
from typing import Any

from django.urls import path
from wagtail.admin.viewsets.model import ModelViewSet


class ReviewQueueViewSet(ModelViewSet):
    #: The URL segment of the decision screen (``<prefix>/<decision_route>/<pk>/``), named
    #: "edit" so that Wagtail's listing links to it.
    decision_route = "edit"
    #: Whether the audit-log history of each row is offered.
    history = True
    #: A listing only looked at (with ``inspect_view_enabled`` for a detail page): no
    #: decision screen.
    read_only = False
    copy_view_enabled = False

    def get_decision_view(self) -> Callable[..., Any]:
        """The view that decides on one row (``view(request, pk)``), unless ``read_only``."""
        raise NotImplementedError(f"{type(self).__name__} names its decision view.")

    def extra_urlpatterns(self) -> list[Any]:
        return []

    def get_common_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        hidden: dict[str, Any] = {
            "add_url_name": None,
            "delete_url_name": None,
            "usage_url_name": None,
            "copy_url_name": None,
        }
        if self.read_only:
            hidden["edit_url_name"] = None
        if not self.history:
            hidden["history_url_name"] = None
        return super().get_common_view_kwargs(**{**hidden, **kwargs})

    def get_urlpatterns(self) -> list[Any]:
        urls = [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]
        if not self.read_only:
            urls.append(
                path(f"{self.decision_route}/<str:pk>/", self.get_decision_view(), name="edit")
            )
        if self.inspect_view_enabled:
            urls.append(path("inspect/<str:pk>/", self.inspect_view, name="inspect"))
        if self.history:
            urls += [
                path("history/<str:pk>/", self.history_view, name="history"),
                path(
                    "history-results/<str:pk>/",
                    self.history_results_view,
                    name="history_results",
                ),
            ]
        return urls + self.extra_urlpatterns()
