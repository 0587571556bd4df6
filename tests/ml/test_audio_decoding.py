"""The service decodes uploads exactly as faster-whisper's ``decode_audio`` does, without the
full garbage collection that function runs after every file."""

from __future__ import annotations

import gc
import io
from collections.abc import Callable
from typing import Any
from unittest import mock

import numpy as np
import pytest
from fastapi.testclient import TestClient
from faster_whisper import decode_audio

from ml.audio import decode, encode


@pytest.mark.parametrize("fmt", ["wav", "mp3", "opus", "flac"])
def test_decoding_matches_faster_whisper_sample_for_sample(
    espeak_wav: Callable[..., bytes], fmt: str
) -> None:
    wav = espeak_wav("Where is the train station? I would like a coffee.")
    data = wav if fmt == "wav" else encode(decode(wav, max_seconds=60).samples, 16000, fmt)
    reference = decode_audio(io.BytesIO(data), sampling_rate=16000)
    decoded = decode(data, max_seconds=60).samples
    assert decoded.dtype == np.float32 and len(decoded) > 16000
    np.testing.assert_array_equal(decoded, reference)


def test_decoding_collects_only_the_young_generations(espeak_wav: Callable[..., bytes]) -> None:
    wav = espeak_wav("Good morning.")
    with mock.patch.object(gc, "collect", wraps=gc.collect) as collect:
        decode(wav, max_seconds=60)
    assert collect.call_args_list == [mock.call(1)]


def test_uploads_are_decoded_on_the_engine_worker_not_the_event_loop(
    ml_client: TestClient, espeak_wav: Callable[..., bytes]
) -> None:
    """A long upload takes a while to decode; on the event loop it would stall every request."""
    import threading

    import ml.audio

    threads: list[str] = []
    real_decode = ml.audio.decode

    def recording_decode(data: bytes, *, max_seconds: float) -> Any:
        threads.append(threading.current_thread().name)
        return real_decode(data, max_seconds=max_seconds)

    wav = espeak_wav("Good morning, my friend.")
    with mock.patch.object(ml.audio, "decode", recording_decode):
        heard = ml_client.post(
            "/v1/audio/transcriptions", files={"file": ("a.wav", wav)}, data={"language": "en"}
        )
        scored = ml_client.post(
            "/v1/assessments/pronunciation",
            files={"file": ("a.wav", wav)},
            data={"expected_text": "Good morning, my friend.", "language": "en"},
        )
    assert heard.status_code == 200 and scored.status_code == 200
    assert len(threads) == 2 and all(name.startswith("ml-stt") for name in threads), threads
