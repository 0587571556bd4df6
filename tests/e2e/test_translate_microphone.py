"""The translate page's microphone in a real browser: Chromium's fake capture device plays
speech made with espeak-ng, the page records it (drawing the live waveform), uploads it, and
the real ML service's transcript, translation and spoken translation appear."""

import re
import subprocess
import wave
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SPEECH = "Good morning, my friend. Where is the train station?"

# Rows of the waveform canvas with a drawn pixel: a flat line (silence) covers a few rows,
# speech swings across many.
WAVEFORM_ROWS = """(canvas) => {
  const { width, height } = canvas;
  const pixels = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  let rows = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (pixels[(y * width + x) * 4 + 3] > 0) { rows++; break; }
    }
  }
  return rows;
}"""


def speech_wav(folder: Path) -> tuple[Path, float]:
    """espeak-ng speech, resampled to 48 kHz 16-bit mono with half a second of silence
    before it (the capture starts a moment before the recorder does)."""
    raw = folder / "raw.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(raw), SPEECH], check=True)
    out = folder / "microphone.wav"
    subprocess.run(
        ["sox", str(raw), "-r", "48000", "-b", "16", "-c", "1", str(out), "pad", "0.5", "0.5"],
        check=True,
    )
    with wave.open(str(out)) as handle:
        seconds = handle.getnframes() / handle.getframerate()
    return out, seconds


def test_recording_from_the_microphone_is_transcribed_and_translated(
    browser_with_microphone: Any,
    live_server: Any,
    demo_site: Any,
    ml_service_url: str,
    settings: Any,
    tmp_path: Path,
    screenshot: Any,
) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    settings.ML_URL = ml_service_url
    settings.ML_API_KEY = ""
    wav, seconds = speech_wav(tmp_path)
    browser = browser_with_microphone(wav)

    client = Client()
    client.force_login(get_user_model().objects.get(email="student@toto.localhost"))
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(live_server.url + "/translate/")
    expect(page.locator("#target option[value=es]")).to_have_count(1)
    page.locator("#target").select_option("es")

    record = page.locator('.record-button[data-record="text"]')
    waveform = page.locator("#panel-text canvas.waveform")
    expect(waveform).to_be_hidden()
    record.click()
    expect(record).to_have_attribute("aria-pressed", "true")
    expect(record).to_have_text("🎙 Stop")
    expect(waveform).to_be_visible()
    # The waveform follows the voice: wait until it swings over many rows, not a flat line.
    # A function, not an expression: Playwright would eval() an expression in the page, which
    # the Content-Security-Policy refuses (no 'unsafe-eval').
    page.wait_for_function(
        f"() => ({WAVEFORM_ROWS})(document.querySelector('#panel-text .waveform')) > 8"
    )
    screenshot("recording", page=page)

    # Let the whole sentence play into the recorder, then stop and upload.
    page.wait_for_timeout(seconds * 1000)
    record.click()
    expect(record).to_have_attribute("aria-pressed", "false")
    expect(waveform).to_be_hidden()

    # Whisper's transcript of the recording is written into the text box.
    expect(page.locator("#source-text")).to_have_value(
        re.compile(r"good morning.*station", re.IGNORECASE), timeout=60_000
    )
    expect(page.locator("#translated-text")).to_contain_text("Buenos días")
    expect(page.locator("#translated-text")).to_contain_text("tren")
    expect(page.locator("#detected")).to_have_text("Detected: English. Translated by apertium.")
    expect(page.locator("#translated-audio")).to_be_visible()
    assert (
        page.locator("#translated-audio").get_attribute("src").startswith("data:audio/mpeg;base64,")
    )
    expect(page.locator("#status")).to_have_text("")
    screenshot("translated", page=page)
    context.close()
