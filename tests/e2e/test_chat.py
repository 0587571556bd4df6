"""Two people chat live in two browsers, over a real daphne server (HTTP + WebSockets) and
the session's Redis channel layer."""

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screenshots"


@pytest.fixture
def asgi_live_server(transactional_db: None) -> Iterator[str]:
    """daphne serving the real ASGI application (Django's live_server only speaks WSGI, so
    no WebSockets) in a forked process on the test database."""
    from channels.testing.live import make_application, set_database_connection
    from daphne.testing import DaphneProcess
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.db import connections

    connections.close_all()
    process = DaphneProcess(
        "127.0.0.1",
        partial(make_application, static_wrapper=ASGIStaticFilesHandler),
        setup=set_database_connection,
    )
    process.start()
    if not process.ready.wait(timeout=30):
        raise RuntimeError("daphne did not start")
    yield f"http://127.0.0.1:{process.port.value}"
    process.terminate()
    process.join(timeout=10)


def signed_in_page(browser, base_url: str, user):  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    return context.new_page()


def test_two_people_chat_live(browser, asgi_live_server, role_user) -> None:
    from accounts.roles import Role
    from messaging import services

    sam = role_user(Role.STUDENT, email="sam@example.com", first_name="Sam", last_name="Student")
    lena = role_user(Role.STUDENT, email="lena@example.com", first_name="Lena", last_name="Learner")
    services.start_conversation(sam, [lena])

    sam_page = signed_in_page(browser, asgi_live_server, sam)
    lena_page = signed_in_page(browser, asgi_live_server, lena)
    for page, other in ((sam_page, "Lena Learner"), (lena_page, "Sam Student")):
        page.goto(asgi_live_server + "/chat/")
        expect(page.locator("#connection-status")).to_have_text("Online")
        page.get_by_role("button", name=other).click()

    sam_page.get_by_role("textbox", name="Message").fill("¡Hola Lena! ¿Practicamos?")
    sam_page.get_by_role("textbox", name="Message").press("Enter")
    expect(lena_page.locator("#messages li.theirs")).to_have_text(["¡Hola Lena! ¿Practicamos?"])

    lena_page.get_by_role("textbox", name="Message").fill("¡Claro que sí!")
    lena_page.get_by_role("button", name="Send").click()
    expect(sam_page.locator("#messages li.theirs")).to_have_text(["¡Claro que sí!"])
    expect(sam_page.locator("#messages li")).to_have_count(2)
    expect(lena_page.locator("#messages li")).to_have_count(2)  # no duplicate of her own

    # The bell counts live: a notification for Sam shows up without a reload.
    from notifications.services import notify

    notify(sam, "system", "Your class starts in 10 minutes")
    expect(sam_page.locator(".bell-count")).to_have_text("1")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    sam_page.screenshot(path=str(ARTIFACTS / "chat-sam.png"), full_page=True)
    lena_page.screenshot(path=str(ARTIFACTS / "chat-lena.png"), full_page=True)
