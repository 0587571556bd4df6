"""Conversation mode with spoken turns, through the real ML service: the recording is
transcribed by a multilingual Whisper (which detects the language), the speaker follows from
that language, the text is translated for the other side and spoken back. Each turn is
charged once; with the service down nothing is charged and no turn is recorded."""

import base64
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ai.models import AIUsage, Outcome
from credits.models import Entry, UsageCharge
from translation.models import InterpreterTurn

URL = "/api/v1/translate/conversations/"
pytestmark = pytest.mark.django_db


def spoken(tmp_path: Path, text: str, voice: str) -> SimpleUploadedFile:
    out = tmp_path / f"{voice}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "140", "-w", str(out), text], check=True)
    return SimpleUploadedFile(f"turn-{voice}.wav", out.read_bytes(), content_type="audio/wav")


def transcribe_back(ml_url: str, audio: bytes, language: str) -> str:
    """What the synthesized answer says, heard by the service's own speech recogniser."""
    response = httpx.post(
        f"{ml_url}/v1/audio/transcriptions",
        files={"file": ("answer.mp3", audio)},
        data={"language": language},
        timeout=120,
    )
    response.raise_for_status()
    return str(response.json()["text"]).lower()


def test_spoken_turns_are_heard_detected_translated_and_spoken_for_the_other_side(
    api_client: Any, funded: Any, live_ml: str, tmp_path: Path, balance: Any
) -> None:
    api_client.force_login(funded)
    conversation = api_client.post(URL, {"language_a": "en", "language_b": "es"}).json()
    turns = f"{URL}{conversation['id']}/turns/"

    # No speaker is named: the Spanish voice must be recognised as side B by its language.
    spanish = spoken(tmp_path, "Buenos días, me llamo Juan.", "es")
    response = api_client.post(turns, {"audio": spanish}, format="multipart")
    assert response.status_code == 201, response.json()
    turn = response.json()
    assert (turn["speaker"], turn["spoken"]) == ("b", True)
    assert (turn["source_language"], turn["target_language"]) == ("es", "en")
    assert "juan" in turn["source_text"].lower()
    assert "morning" in turn["translated_text"].lower()
    answer = base64.b64decode(turn["audio"]["data"])
    assert turn["audio"]["content_type"] == "audio/mpeg"
    assert "morning" in transcribe_back(live_ml, answer, "en")

    charge = UsageCharge.objects.get(user=funded)
    assert charge.units >= 1  # seconds of speech
    assert balance(funded) == Decimal("10") - charge.units * Decimal("0.02")
    assert turn["usage"]["credits"] == str(charge.credits)

    english = spoken(tmp_path, "Where is the train station, please?", "en-us")
    response = api_client.post(turns, {"audio": english}, format="multipart")
    assert response.status_code == 201, response.json()
    turn = response.json()
    assert (turn["speaker"], turn["source_language"], turn["target_language"]) == ("a", "en", "es")
    assert "station" in turn["source_text"].lower()
    assert "tren" in turn["translated_text"].lower()

    # One charge per turn, no more.
    assert UsageCharge.objects.filter(user=funded).count() == 2
    detail = api_client.get(f"{URL}{conversation['id']}/").json()
    assert [(t["speaker"], t["spoken"]) for t in detail["turns"]] == [("b", True), ("a", True)]


def test_spoken_turn_with_the_service_down_is_503_and_free(
    api_client: Any, funded: Any, ml_down: str, tmp_path: Path, balance: Any
) -> None:
    api_client.force_login(funded)
    conversation = api_client.post(URL, {"language_a": "en", "language_b": "es"}).json()
    entries_before = Entry.objects.count()
    response = api_client.post(
        f"{URL}{conversation['id']}/turns/",
        {"audio": spoken(tmp_path, "Buenos días.", "es")},
        format="multipart",
    )
    assert response.status_code == 503, response.json()
    assert response.json()["code"] == "ai_unavailable"
    assert balance(funded) == Decimal("10")
    assert Entry.objects.count() == entries_before
    assert not UsageCharge.objects.exists()
    assert not InterpreterTurn.objects.exists()
    assert AIUsage.objects.get().outcome == Outcome.UNAVAILABLE
