"""The voice tutor in a real browser: Chromium's fake microphone plays espeak-ng speech into
the live page (AudioWorklet → 16 kHz PCM frames → /ws/tutor/ on daphne → the real ML
service's streaming transcription), the tutor answers in writing and by voice, a typed turn
follows, and ending the session leads to the report. At desktop size and at 390 by 844 px, axe
clean and without sideways scrolling; screenshots of every step."""

from __future__ import annotations

import re
import subprocess
import wave
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SPEECH = "I am flying to London."


def microphone_wav(folder: Path) -> Path:
    """espeak-ng speech at 48 kHz 16-bit mono, with a second of silence before it (the
    capture starts a moment before the worklet runs) and two after (the end of the turn)."""
    raw = folder / "raw.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(raw), SPEECH], check=True)
    out = folder / "microphone.wav"
    subprocess.run(
        ["sox", str(raw), "-r", "48000", "-b", "16", "-c", "1", str(out), "pad", "1.0", "2.5"],
        check=True,
    )
    with wave.open(str(out)) as handle:
        assert handle.getnframes() > 48000
    return out


@pytest.fixture
def tutor_server(
    request: pytest.FixtureRequest, transactional_db: None, ml_service_url: str, settings: Any
) -> Iterator[str]:
    """daphne serving the site with the real ML service and the guided engine: the settings
    are set before the server process is forked, so it has them."""
    settings.ML_URL = ml_service_url
    settings.ML_API_KEY = ""
    settings.VOICE_TUTOR_ENGINE = "guided"
    yield request.getfixturevalue("asgi_live_server")


@pytest.fixture
def learner(demo_site: None) -> Any:
    from django.contrib.auth import get_user_model

    from credits.services import grant_credits

    user = get_user_model().objects.get(email="student@toto.localhost")
    grant_credits(user, Decimal("50"), idempotency_key=f"e2e-tutor:{user.pk}")
    return user


def _airport() -> tuple[Any, Any]:
    from voice_tutor.models import PracticeContext, VoiceAvatar

    context = PracticeContext.objects.filter(language="en", live=True, slug="at-the-airport")
    avatar = VoiceAvatar.objects.filter(language="en", live=True).order_by("sort_order")
    return avatar.first(), context.first()


def test_a_short_spoken_and_typed_session_to_the_report(
    learner: Any,
    tutor_server: str,
    browser_with_microphone: Any,
    signed_in_page: Any,
    axe: Any,
    no_sideways_scroll: Any,
    screenshot: Any,
    tmp_path: Path,
) -> None:
    """One whole session at desktop size, then another on a phone (one test: the demo data
    is loaded once; the first session is ended before the second starts)."""
    wav = microphone_wav(tmp_path)
    for name, viewport in (("desktop", (1280, 900)), ("phone", (390, 844))):
        walk_a_session(
            name, viewport, wav, learner, tutor_server, browser_with_microphone,
            signed_in_page, axe, no_sideways_scroll, screenshot,
        )  # fmt: skip


def walk_a_session(
    name: str,
    viewport: tuple[int, int],
    wav: Path,
    learner: Any,
    tutor_server: str,
    browser_with_microphone: Any,
    signed_in_page: Any,
    axe: Any,
    no_sideways_scroll: Any,
    screenshot: Any,
) -> None:
    avatar, context = _airport()
    assert avatar is not None and context is not None, "the demo ships an English airport context"
    browser = browser_with_microphone(wav)
    page = signed_in_page(browser, tutor_server, learner)
    width, height = viewport
    page.set_viewport_size({"width": width, "height": height})

    # The start page: tutors, situations by category, level, credits.
    page.goto(tutor_server + "/tutor/")
    expect(page.get_by_role("heading", name="Speak with a tutor", level=1)).to_be_visible()
    expect(page.locator("#credits-title")).to_be_visible()
    expect(page.locator("#guided-note")).to_contain_text("needs a language model")
    no_sideways_scroll(page)
    axe(page)
    screenshot(f"{name}-start", page=page)
    # Sam learns Spanish (the page starts there); this session practises English.
    page.get_by_label("Language to practise").select_option("en")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(f'input[name="context"][value="{context.pk}"]')).to_be_visible()
    page.locator(f'input[name="avatar"][value="{avatar.pk}"]').check()
    page.locator(f'input[name="context"][value="{context.pk}"]').check()
    page.get_by_role("button", name="Start", exact=True).click()

    # The live page: start, hear the greeting, then speak into the (fake) microphone.
    expect(page).to_have_url(re.compile(r"/tutor/session/"))
    state = page.locator("#tutor-state")
    expect(state).to_have_attribute("data-state", "idle")
    axe(page)
    page.get_by_role("button", name="Start the conversation").click()
    transcript = page.locator("#transcript")
    expect(transcript.locator(".turn-tutor").first).to_contain_text(
        "Where are you flying to today?", timeout=30_000
    )
    expect(state).to_have_attribute("data-state", re.compile("speaking|listening"))
    expect(page.locator("#tutor-mode-note")).to_be_visible()
    expect(state).to_have_attribute("data-state", "listening", timeout=30_000)
    screenshot(f"{name}-greeting", page=page)

    page.get_by_role("button", name="Turn microphone on").click()
    expect(page.get_by_role("button", name="Turn microphone off")).to_be_visible()
    expect(page.locator("#waveform")).to_be_visible()
    you = transcript.locator(".turn-you")
    expect(you.first).to_contain_text(re.compile("london", re.IGNORECASE), timeout=60_000)
    screenshot(f"{name}-spoken-turn", page=page)
    expect(transcript.locator(".turn-tutor").nth(1)).to_contain_text("passport", timeout=30_000)
    page.get_by_role("button", name="Turn microphone off").click()

    # A typed turn.
    expect(state).to_have_attribute("data-state", "listening", timeout=30_000)
    page.get_by_label("Or type your answer").fill("Here is my passport.")
    page.get_by_role("button", name="Send").click()
    expect(you.nth(1)).to_contain_text("Here is my passport.")
    expect(transcript.locator(".turn-tutor").nth(2)).to_contain_text("bags", timeout=30_000)
    no_sideways_scroll(page)
    axe(page)
    screenshot(f"{name}-typed-turn", page=page)

    # End: the report.
    page.get_by_role("button", name="End the session").click()
    expect(page).to_have_url(re.compile(r"/tutor/sessions/\d+/"), timeout=30_000)
    expect(page.get_by_role("heading", name=re.compile("Report:"), level=1)).to_be_visible()
    scores = page.locator(".tutor-score")
    expect(scores).to_have_count(5)
    expect(page.locator('[data-score="listening"]')).to_contain_text("What it is not")
    expect(page.locator(".tutor-cefr")).to_contain_text(re.compile("A1|A2"))
    expect(page.locator(".tutor-transcript audio")).to_have_count(1)  # the spoken turn
    expect(page.locator("[data-progress-chart]")).to_be_visible()
    no_sideways_scroll(page)
    axe(page)
    screenshot(f"{name}-report", page=page)

    page.goto(tutor_server + "/tutor/history/")
    expect(page.get_by_role("heading", name="Tutor history and progress")).to_be_visible()
    expect(page.locator("[data-progress-chart]").first).to_be_visible()
    no_sideways_scroll(page)
    axe(page)
    screenshot(f"{name}-history", page=page)
    page.context.close()
