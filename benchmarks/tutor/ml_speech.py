"""Voice tutor, ML stages: end of speech → transcript, and TTS first chunk, through the
service versus the engines called directly, in the same run. Writes a markdown table.

    .venv/bin/python benchmarks/tutor/ml_speech.py [--rounds 12] [--out benchmarks/tutor/results-ml.md]

End of speech → transcript: real espeak-ng sentences go through the platform's own client
(``ai.speech_stream``) to ``WS /v1/realtime/transcription`` on a uvicorn process on loopback.
The speech is sent at once, then silence in 20 ms frames at real time (as a microphone
sends it), from the moment the last word ends (t0). Measured: the VAD's wait (t0 → speech
stopped, by design ≈ the silence budget), and speech stopped → completed transcript (Whisper
plus everything around it). Baseline: the same turn (cut by the same ``TurnDetector`` in this
process) given to ``WhisperEngine.transcribe`` directly, after the budget: the engines in
series. Ratio = socket's end of speech → transcript / (budget + Whisper direct), per round
(the two alternate so both see the same machine load). The service starts Whisper 400 ms
before the budget ends, so the ratio can be below 1.

TTS first chunk: ``POST /v1/audio/speech`` (``pcm``) for one tutor sentence, time to the
first byte of the body, against the engine's ``synthesize`` plus PCM encoding directly.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toto.settings.test")

import httpx

from ml.audio import DecodedAudio, encode
from ml.engines.stt import WhisperEngine
from ml.engines.tts import EspeakEngine, PiperEngine
from ml.realtime import Turn, TurnDetector
from ml.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.common import percentile

RATE = 16_000
FRAME = RATE * 20 // 1000 * 2  # 20 ms of PCM16
LEARNER_SENTENCES = [
    "Where is the train station?",
    "I would like a cup of coffee, please.",
    "My sister lives in a small town near the sea.",
    "Could you speak more slowly, please?",
]
TUTOR_SENTENCES = [
    "Great, and what would you like to drink with that?",
    "Good morning! Where are you flying to today?",
    "That sounds lovely. How long will you stay there?",
]
TTS_VOICES = ["en_US-joe-medium", "espeak:en-us+f3"]


def espeak_pcm(text: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        wav, raw = Path(folder) / "s.wav", Path(folder) / "s.raw"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(wav), text], check=True)
        subprocess.run(
            ["sox", str(wav), "-r", str(RATE), "-b", "16", "-c", "1", "-e", "signed-integer",
             "-t", "raw", str(raw),
             "silence", "1", "0.02", "0.5%", "reverse", "silence", "1", "0.02", "0.5%", "reverse"],
            check=True,
        )  # fmt: skip
        return raw.read_bytes()


def speech_text(index: int) -> str:
    return LEARNER_SENTENCES[index % len(LEARNER_SENTENCES)]


def silence(seconds: float) -> bytes:
    return bytes(int(seconds * RATE) * 2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def direct_turn(pcm: bytes, budget_ms: int) -> tuple[Turn, float]:
    """The turn the service would cut, cut here; and the VAD's own cost per second of audio."""
    detector = TurnDetector(silence_duration_ms=budget_ms)
    started = time.perf_counter()
    events = detector.feed(pcm)
    vad_seconds = time.perf_counter() - started
    turns = [event for event in events if isinstance(event, Turn)]
    assert len(turns) == 1, events
    return turns[0], vad_seconds / (len(pcm) / 2 / RATE)


async def through_socket(base_url: str, speech: bytes, budget_ms: int) -> tuple[float, float, str]:
    """(VAD wait, stopped → completed) in seconds, and the transcript."""
    from ai.speech_stream import open_speech_stream

    async with open_speech_stream(url=base_url, api_key="", open_timeout=10) as stream:
        await stream.configure(language="en", silence_duration_ms=budget_ms)
        await stream.send_audio(silence(0.3) + speech)
        t0 = time.perf_counter()
        stopped = completed = 0.0
        transcript = ""

        async def pace_silence() -> None:
            tail = silence(budget_ms / 1000 + 1.0)
            for index, start in enumerate(range(0, len(tail), FRAME)):
                delay = t0 + index * 0.02 - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                await stream.send_audio(tail[start : start + FRAME])

        sender = asyncio.create_task(pace_silence())
        async with asyncio.timeout(60):
            async for event in stream.events():
                if event["type"] == "input_audio_buffer.speech_stopped":
                    stopped = time.perf_counter()
                elif event["type"] == "conversation.item.input_audio_transcription.completed":
                    completed = time.perf_counter()
                    transcript = event["transcript"]
                    break
        sender.cancel()
    return stopped - t0, completed - stopped, transcript


async def concurrent_sessions(
    base_url: str, speeches: list[bytes], sessions: int, turns: int, budget_ms: int
) -> tuple[list[float], list[str]]:
    """``sessions`` learners at once, each speaking ``turns`` sentences in real time (20 ms
    frames, staggered starts). Returns each turn's end of speech → transcript, in seconds, and
    what came instead of a transcript for the others (error codes, "ignored", "timeout")."""
    import random

    from ai.speech_stream import open_speech_stream

    rng = random.Random(15)
    latencies: list[float] = []
    failures: list[str] = []

    async def learner(number: int) -> None:
        await asyncio.sleep(rng.uniform(0, 2.0))
        async with open_speech_stream(url=base_url, api_key="", open_timeout=30) as stream:
            await stream.configure(language="en", silence_duration_ms=budget_ms)
            speech_ends: list[float] = []

            async def speak() -> None:
                for turn in range(turns):
                    speech = speeches[(number + turn) % len(speeches)]
                    pcm = silence(0.3) + speech + silence(budget_ms / 1000 + 1.5)
                    speech_end = (len(silence(0.3)) + len(speech)) // FRAME
                    start = time.perf_counter()
                    for index, offset in enumerate(range(0, len(pcm), FRAME)):
                        delay = start + index * 0.02 - time.perf_counter()
                        if delay > 0:
                            await asyncio.sleep(delay)
                        await stream.send_audio(pcm[offset : offset + FRAME])
                        if index == speech_end:
                            speech_ends.append(time.perf_counter())

            sender = asyncio.create_task(speak())
            done = 0
            try:
                async with asyncio.timeout(180):
                    async for event in stream.events():
                        kind = event["type"]
                        if kind == "conversation.item.input_audio_transcription.completed":
                            latencies.append(time.perf_counter() - speech_ends[done])
                        elif kind == "error" or kind.endswith(".ignored"):
                            failures.append(event.get("error", {}).get("code", kind))
                        else:
                            continue
                        done += 1
                        if done == turns:
                            break
            except TimeoutError:
                failures.extend(["timeout"] * (turns - done))
            sender.cancel()

    await asyncio.gather(*(learner(number) for number in range(sessions)))
    return latencies, failures


def tts_first_byte(client: httpx.Client, text: str, voice: str) -> float:
    started = time.perf_counter()
    with client.stream(
        "POST", "/v1/audio/speech", json={"input": text, "voice": voice, "response_format": "pcm"}
    ) as response:
        response.raise_for_status()
        for _chunk in response.iter_raw():
            return time.perf_counter() - started
    raise RuntimeError("empty speech response")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(Path(__file__).with_name("results-ml.md")))
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--budgets", default="600,1200")
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--turns", type=int, default=3)
    args = parser.parse_args()
    import django

    django.setup()

    load_before = os.getloadavg()[0]
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "ML_API_KEY"}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "ml.main:app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        env={**env, "ML_LOG_LEVEL": "WARNING"},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    rows: list[str] = []
    try:
        client = httpx.Client(base_url=base, timeout=120)
        for _ in range(150):
            try:
                if client.get("/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        settings = Settings.from_env()
        whisper = WhisperEngine(settings)
        speeches = [espeak_pcm(text) for text in LEARNER_SENTENCES]

        # Warm both sides (model loads are not what is measured).
        turn, _ = direct_turn(silence(0.3) + speeches[0] + silence(1.5), 600)
        whisper.transcribe(DecodedAudio(turn.samples), model="tiny.en", language="en",
                           word_timestamps=True)  # fmt: skip
        asyncio.run(through_socket(base, speeches[0], 600))

        for budget in [int(b) for b in args.budgets.split(",")]:
            waits, sockets, directs, overheads, totals, vad_costs = [], [], [], [], [], []
            wrong = 0
            for index in range(args.rounds):
                speech = speeches[index % len(speeches)]
                turn, vad_cost = direct_turn(
                    silence(0.3) + speech + silence(budget / 1000 + 1), budget
                )
                started = time.perf_counter()
                whisper.transcribe(DecodedAudio(turn.samples), model="tiny.en", language="en",
                                   word_timestamps=True)  # fmt: skip
                direct = time.perf_counter() - started
                wait, after, transcript = asyncio.run(through_socket(base, speech, budget))
                said = {w.strip("?.,!").lower() for w in transcript.split()}
                expected = {w.strip("?.,!").lower() for w in speech_text(index).split()}
                wrong += len(expected & said) < 0.75 * len(expected)
                waits.append(wait)
                sockets.append(after)
                directs.append(direct)
                overheads.append((wait + after) / (budget / 1000 + direct))
                totals.append(wait + after)
                vad_costs.append(vad_cost)
            rows.append(
                f"| {budget} ms | {statistics.median(waits) * 1000:.0f} / "
                f"{percentile(waits, 0.95) * 1000:.0f} | "
                f"{statistics.median(directs) * 1000:.0f} | "
                f"{statistics.median(sockets) * 1000:.0f} / {percentile(sockets, 0.95) * 1000:.0f} | "
                f"{statistics.median(totals) * 1000:.0f} / {percentile(totals, 0.95) * 1000:.0f} | "
                f"{statistics.median(overheads):.2f} | "
                f"{statistics.median(vad_costs) * 1000:.1f} ms | {args.rounds - wrong}/{args.rounds} |"
            )

        concurrent_rows = []
        for sessions in sorted({1, args.sessions // 2, args.sessions} - {0}):
            concurrent, failures = asyncio.run(
                concurrent_sessions(base, speeches, sessions, args.turns, 1200)
            )
            timings = (
                f"{statistics.median(concurrent) * 1000:.0f} | "
                f"{percentile(concurrent, 0.95) * 1000:.0f} | {max(concurrent) * 1000:.0f}"
                if concurrent
                else "- | - | -"
            )
            concurrent_rows.append(
                f"| {sessions} | {sessions * args.turns} | 1200 ms | {timings} | "
                f"{sum(latency > 5 for latency in concurrent)} | "
                f"{', '.join(sorted(set(failures))) or 'none'} ({len(failures)}) |"
            )

        engines = {
            "en_US-joe-medium": PiperEngine(settings),
            "espeak:en-us+f3": EspeakEngine(settings),
        }
        tts_rows: list[str] = []
        for voice in TTS_VOICES:
            engine = engines[voice]
            tts_first_byte(client, "Hello there.", voice)
            engine.synthesize("Hello there.", voice=voice, speed=1.0)
            direct_times, http_times, overheads = [], [], []
            for index in range(args.rounds):
                text = TUTOR_SENTENCES[index % len(TUTOR_SENTENCES)]
                started = time.perf_counter()
                speech_out = engine.synthesize(text, voice=voice, speed=1.0)
                encode(speech_out.samples, speech_out.sample_rate, "pcm")
                direct = time.perf_counter() - started
                http = tts_first_byte(client, text, voice)
                direct_times.append(direct)
                http_times.append(http)
                overheads.append((http - direct) / direct)
            tts_rows.append(
                f"| {voice} | {statistics.median(direct_times) * 1000:.0f} / "
                f"{percentile(direct_times, 0.95) * 1000:.0f} | "
                f"{statistics.median(http_times) * 1000:.0f} / "
                f"{percentile(http_times, 0.95) * 1000:.0f} | "
                f"{(statistics.median(http_times) - statistics.median(direct_times)) * 1000:.1f} ms | "
                f"{statistics.median(overheads) * 100:+.1f} % |"
            )
    finally:
        server.terminate()
        server.wait(timeout=20)

    load_after = os.getloadavg()[0]
    out = [
        "# Voice tutor: ML stages (streaming transcription, tutor speech)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {args.rounds} rounds per "
        f"row, 2 CPU cores shared with other work (1-minute load average {load_before:.2f} "
        f"before, {load_after:.2f} after). Produced by `benchmarks/tutor/ml_speech.py`.",
        "",
        "## End of speech → transcript (`WS /v1/realtime/transcription` via `ai.speech_stream`)",
        "",
        "Times in ms as median / p95. *VAD wait*: from the end of the last word to "
        "`speech_stopped` (by design about the silence budget). *Whisper direct*: "
        "`WhisperEngine.transcribe` (tiny.en, word timestamps) on the same turn in this "
        "process. *Socket*: `speech_stopped` → `completed` over the socket. *Ratio*: "
        "median of the paired (end of speech → transcript) / (budget + Whisper direct): the "
        "service against the engines in series (below 1: Whisper ran inside the budget). "
        "*VAD cost*: the streaming VAD's "
        "CPU time per second of audio. *Transcripts right*: at least 3/4 of the sentence's "
        "words heard (tiny.en on espeak-ng speech).",
        "",
        "| silence budget | VAD wait | Whisper direct | socket (stopped → transcript) | "
        "end of speech → transcript | ratio to budget + Whisper direct | VAD cost per audio second | transcripts right |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "## Concurrent learners: end of speech → transcript",
        "",
        "Each learner streams its sentences in real time (20 ms frames, starts staggered over "
        "2 s) through its own socket; times in ms from the end of a turn's last word to its "
        "transcript (silence budget included). The STT engine runs one job at a time "
        "(`ML_STT_CONCURRENCY=1`), so turns that end together queue.",
        "",
        "| sessions | turns | silence budget | median | p95 | max | turns over 5 s | "
        "turns without a transcript |",
        "|---|---|---|---|---|---|---|---|",
        *concurrent_rows,
        "",
        "## Tutor speech: first chunk of one sentence (`POST /v1/audio/speech`, `pcm`)",
        "",
        "Times in ms as median / p95. *Direct*: the engine's `synthesize` plus PCM encoding "
        "in this process. *HTTP first byte*: httpx, request sent → first body byte.",
        "",
        "| voice | direct | HTTP first byte | added | overhead (paired median) |",
        "|---|---|---|---|---|",
        *tts_rows,
        "",
    ]
    Path(args.out).write_text("\n".join(out))
    print("\n".join(out))


if __name__ == "__main__":
    main()
