"""Toto's URLs plus the two baselines the API benchmark compares against (benchmark settings
only): a bare JSON view (no authentication, no database) and a bare view doing one indexed
query. Both pass through the whole middleware stack, as every request does."""

from django.contrib.auth import get_user_model
from django.http import HttpRequest, JsonResponse
from django.urls import path

from toto.urls import handler400, handler403, handler404, handler500  # noqa: F401
from toto.urls import urlpatterns as toto_urlpatterns


def bare_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def bare_query(request: HttpRequest) -> JsonResponse:
    email = (
        get_user_model()
        .objects.filter(pk=request.GET.get("id"))
        .values_list("email", flat=True)
        .first()
    )
    return JsonResponse({"email": email})


urlpatterns = [
    path("bench/json/", bare_json),
    path("bench/query/", bare_query),
    *toto_urlpatterns,
]
