"""Two people chat live in two browsers, over a real daphne server (HTTP + WebSockets) and
the session's Redis channel layer."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screenshots"


def test_two_people_chat_live(browser, asgi_live_server, signed_in_page, role_user) -> None:
    from accounts.roles import Role
    from messaging import services

    sam = role_user(Role.STUDENT, email="sam@example.com", first_name="Sam", last_name="Student")
    lena = role_user(Role.STUDENT, email="lena@example.com", first_name="Lena", last_name="Learner")
    conversation, _ = services.start_conversation(sam, [lena])

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

    # Opened by its address (a profile's "Message" button): the page comes with the newest
    # messages rendered, and chat.js takes them over: sending goes on from there, once.
    sam_page.goto(f"{asgi_live_server}/chat/?conversation={conversation.pk}")
    expect(sam_page.locator("#conversation-title")).to_have_text("Lena Learner")
    expect(sam_page.locator("#messages li")).to_have_count(2)
    expect(sam_page.locator("#connection-status")).to_have_text("Online")
    sam_page.get_by_role("textbox", name="Message").fill("¿A las cinco?")
    sam_page.get_by_role("textbox", name="Message").press("Enter")
    expect(lena_page.locator("#messages li.theirs")).to_have_text(
        ["¡Hola Lena! ¿Practicamos?", "¿A las cinco?"]
    )
    expect(sam_page.locator("#messages li")).to_have_count(3)

    # The bell counts live: a notification for Sam shows up without a reload.
    from notifications.services import notify

    notify(sam, "system", "Your class starts in 10 minutes")
    expect(sam_page.locator(".bell-count")).to_have_text("1")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    sam_page.screenshot(path=str(ARTIFACTS / "chat-sam.png"), full_page=True)
    lena_page.screenshot(path=str(ARTIFACTS / "chat-lena.png"), full_page=True)
