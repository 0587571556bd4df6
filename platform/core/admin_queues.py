"""One shape for the admin screens whose rows are made elsewhere and only looked at or
decided on in the Wagtail admin: the teacher verification queue, reported users and
messages, certificates, reviews, members, bookings, material packs, voice rooms.

Wagtail's ModelViewSet gives add, edit, copy, delete and usage views; here nothing is added,
copied or deleted (rows come from sign-up, the API, the services), "edit" is replaced by a
decision screen when there is one, and the history is Wagtail's audit log of those decisions.

A decision screen is a ``DecisionView``: the queue's permission, the row (404 if absent), a
POST that calls the owning app's service and goes back to the queue with a message, and
otherwise the page with the forms again. The decisions themselves stay in the services, which
check permissions again, log and notify.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views import View
from wagtail.admin.viewsets.model import ModelViewSet

from core.api.errors import ServiceError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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
    #: The screen that decides on one row (a ``DecisionView``), unless ``read_only``.
    decision_view_class: "type[DecisionView] | None" = None

    def get_decision_view(self) -> Callable[..., Any]:
        """The view that decides on one row (``view(request, pk)``), unless ``read_only``:
        ``decision_view_class`` bound to this viewset, or Wagtail's own edit view."""
        if self.decision_view_class is None:
            raise NotImplementedError(f"{type(self).__name__} names its decision view.")
        return self.decision_view_class.as_view(viewset=self)

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


class DecisionView(View):
    """One row's decision screen in a ``ReviewQueueViewSet``, bound to its viewset by
    ``decision_view_class``.

    A subclass names its ``template_name``, narrows ``get_queryset`` (the related rows the
    page shows), builds its forms in ``prepare``, and in ``decide`` calls the owning app's
    service and returns ``self.decided(message)``, or ``None`` to show the page again (with
    the bound forms and their errors). A ``ServiceError`` from the service becomes an error
    message on the page. ``get_context_data`` adds what the template needs to the row and
    the queue's links (``index_url``, ``history_url`` when the queue keeps a history).
    """

    viewset: Any = None
    template_name = ""
    #: The template's name for the row.
    context_object_name = "object"
    #: The viewset permission the screen needs.
    permission = "change"
    http_method_names = ["get", "head", "post"]

    request: HttpRequest
    object: Any

    def has_permission(self) -> bool:
        return bool(
            self.viewset.permission_policy.user_has_permission(self.request.user, self.permission)
        )

    def get_queryset(self) -> QuerySet[Any]:
        return self.viewset.model._default_manager.all()

    def get_object(self) -> Any:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def prepare(self) -> None:
        """Builds the page's unbound forms (``decide`` may replace them with bound ones)."""

    def decide(self) -> HttpResponse | None:
        raise NotImplementedError(f"{type(self).__name__} decides on a POST.")

    def get_context_data(self) -> dict[str, Any]:
        return {}

    def response_status(self) -> int:
        return 200

    @cached_property
    def index_url(self) -> str:
        return reverse(self.viewset.get_url_name("index"))

    def url(self, name: str) -> str:
        """The URL of one of the viewset's per-row screens for this row."""
        return reverse(self.viewset.get_url_name(name), args=[self.object.pk])

    def decided(self, message: "StrOrPromise", *, to: str | None = None) -> HttpResponse:
        messages.success(self.request, message)
        return redirect(to or self.index_url)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.has_permission():
            raise PermissionDenied
        self.object = self.get_object()
        self.prepare()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = self.decide()
        except ServiceError as error:
            messages.error(request, str(error.detail))
            response = None
        return response if response is not None else self.render()

    def render(self) -> HttpResponse:
        context: dict[str, Any] = {
            self.context_object_name: self.object,
            "index_url": self.index_url,
        }
        if self.viewset.history:
            context["history_url"] = self.url("history")
        context.update(self.get_context_data())
        return TemplateResponse(
            self.request, self.template_name, context, status=self.response_status()
        )
