"""Browser tests: Playwright driving Debian's Chromium against a live server.

Run in their own pytest invocation (`make test` does): pytest-playwright and pytest-asyncio
cannot share one process. Screenshots are written to var/test-artifacts/screenshots/.
"""

import os
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("TOTO_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def screenshot(request):  # type: ignore[no-untyped-def]
    """Saves a full-page screenshot named after the test: ``screenshot("after-login")``; of
    another page than the ``page`` fixture's with ``screenshot("label", page=other)``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(label: str, page=None) -> Path:  # type: ignore[no-untyped-def]
        page = page or request.getfixturevalue("page")
        path = ARTIFACTS / f"{request.node.name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def browser_with_microphone(browser_type, browser_type_launch_args):  # type: ignore[no-untyped-def]
    """``browser_with_microphone(wav)``: a separate Chromium whose microphone plays ``wav``
    (once, then silence) and grants microphone access without asking. Only the test that
    asks for it gets these flags; the session's shared browser is untouched."""
    browsers = []

    def launch(wav: Path):  # type: ignore[no-untyped-def]
        args = [
            *browser_type_launch_args["args"],
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}%noloop",
        ]
        browser = browser_type.launch(**{**browser_type_launch_args, "args": args})
        browsers.append(browser)
        return browser

    yield launch
    for browser in browsers:
        browser.close()


@pytest.fixture
def demo_site(transactional_db):  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    call_command("load_demo_data", verbosity=0)


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


@pytest.fixture
def signed_in_page():  # type: ignore[no-untyped-def]
    """``signed_in_page(browser, base_url, user)``: a page in a fresh browser context (its
    own cookies) signed in as ``user``."""
    from django.test import Client

    def open_page(browser, base_url: str, user):  # type: ignore[no-untyped-def]
        client = Client()
        client.force_login(user)
        context = browser.new_context()
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
        )
        return context.new_page()

    return open_page
