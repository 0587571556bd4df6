"""Browser tests: Playwright driving Debian's Chromium against a live server.

Run in their own pytest invocation (`make test` does): pytest-playwright and pytest-asyncio
cannot share one process. Screenshots are written to var/test-artifacts/screenshots/.
"""

import os
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
def screenshot(page, request):  # type: ignore[no-untyped-def]
    """Saves a full-page screenshot named after the test: ``screenshot("after-login")``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(label: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def demo_site(transactional_db):  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    call_command("load_demo_data", verbosity=0)
