"""accounts.requests.user_of: the signed-in user of a guarded view, refused (403) rather than
trusted when a view is ever mounted without its login guard."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from rest_framework.request import Request

from accounts.requests import user_of


@pytest.mark.django_db
def test_the_signed_in_user_of_a_django_or_drf_request(student):
    request = RequestFactory().get("/")
    request.user = student
    assert user_of(request) == student
    api_request = Request(RequestFactory().get("/"))
    api_request.user = student
    assert user_of(api_request) == student


def test_an_anonymous_request_is_refused():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        user_of(request)
