"""With DEBUG off (as `make run` and production run) errors answer with the site's own pages:
no URL pattern list, no traceback, and a page even when the database is down."""

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from toto import urls as site_urls

pytestmark = pytest.mark.django_db

DATABASE_DOWN = threading.Event()


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret-internal-detail")


def boom_and_database_down(request: HttpRequest) -> HttpResponse:
    DATABASE_DOWN.set()
    raise RuntimeError("secret-internal-detail")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("secret-internal-detail")


urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/boom-db/", boom_and_database_down),
    path("test-errors/forbidden/", forbidden),
    path("test-errors/suspicious/", suspicious),
    path("api/v1/test-errors/boom/", boom),
    *site_urls.urlpatterns,
]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500


@pytest.fixture
def client_(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    real_execute = CursorWrapper.execute

    def execute(self: CursorWrapper, *args: Any, **kwargs: Any) -> Any:
        if DATABASE_DOWN.is_set():
            raise OperationalError("connection refused: the database is down")
        return real_execute(self, *args, **kwargs)

    monkeypatch.setattr(CursorWrapper, "execute", execute)
    try:
        yield Client(raise_request_exception=False)
    finally:
        DATABASE_DOWN.clear()


def assert_branded(response: Any, status: int, heading: str) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert heading in html
    assert 'class="site-header"' in html  # base.html: the site's navigation and footer
    assert "secret-internal-detail" not in html
    assert "Traceback" not in html and "URLconf" not in html
    return html


def test_unknown_url_gets_the_branded_404(client_: Client) -> None:
    html = assert_branded(client_.get("/no/such/page/"), 404, "Page not found")
    assert "api/v1/" not in html  # Django's debug 404 lists every pattern


def test_a_crash_gets_the_branded_500(client_: Client, user_factory: Any) -> None:
    client_.force_login(user_factory(first_name="Ines"))
    html = assert_branded(client_.get("/test-errors/boom/"), 500, "Something went wrong")
    assert "Ines" in html  # the signed-in layout, as on every other page


def test_the_500_page_answers_while_the_database_is_down(
    client_: Client, user_factory: Any
) -> None:
    # Signed in: base.html needs the session and the user, which the database no longer gives.
    client_.force_login(user_factory())
    response = client_.get("/test-errors/boom-db/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html and "Toto" in html
    assert "secret-internal-detail" not in html and "OperationalError" not in html


def test_permission_denied_gets_the_branded_403(client_: Client) -> None:
    assert_branded(client_.get("/test-errors/forbidden/"), 403, "open this page")


def test_a_bad_request_gets_the_branded_400(client_: Client) -> None:
    assert_branded(
        client_.get("/test-errors/suspicious/"), 400, "We could not understand that request"
    )


def test_a_disallowed_host_still_gets_a_page(client_: Client) -> None:
    # The branded page reads the host (the site's settings), which is what is wrong here.
    response = client_.get("/no/such/page/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def test_a_form_without_its_csrf_token_gets_the_branded_403(settings: Any) -> None:
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "a@example.com", "password": "x"})
    assert_branded(response, 403, "This form has expired")
    api = client.post("/api/v1/no-such-endpoint/", {})
    assert api.status_code == 403 and api.json()["code"] == "csrf_failed"


def test_api_errors_stay_json(client_: Client) -> None:
    response = client_.get("/api/v1/test-errors/boom/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert client_.get("/api/v1/no-such-endpoint/").json()["code"] == "not_found"
