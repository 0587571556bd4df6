"""STT/TTS real-time factor and MT sentences per second: through the HTTP service (uvicorn on
loopback) versus the engine called directly, in the same run. Writes a markdown table.

    .venv/bin/python benchmarks/ml/bench.py [--out benchmarks/ml/results.md]

MT is measured two ways. Throughput ("bulk"): 1,024 sentences (a course's strings) through the
platform's own bulk client, ``ai.client.translate_many`` (what the editors' machine
translation sends: the service's batch size, two requests in flight), against the same batches
given to the engine from two threads. Per request: 1, 8 or 32 sentences per request, one request at a time, which
shows the fixed cost of a request rather than a throughput.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import httpx

from ml.audio import decode
from ml.engines.mt import build_translation_service
from ml.engines.stt import WhisperEngine
from ml.engines.tts import EspeakEngine, PiperEngine, SpeechSynthesizer
from ml.settings import Settings

SENTENCES = [
    "Good morning, my friend.",
    "Where is the train station?",
    "I would like a cup of coffee, please.",
    "The weather is cold and rainy today.",
    "We visited the museum yesterday afternoon.",
    "How much does this ticket cost?",
    "My sister lives in a small town near the sea.",
    "Could you speak more slowly, please?",
]
SPEECH_TEXT = " ".join(SENTENCES[:4])


def interleaved(
    runs: int, direct: Callable[[], object], http: Callable[[], object]
) -> tuple[float, float, float]:
    """Alternate direct and HTTP runs so both see the same background load (other work on
    this shared machine shifts both, not one). Returns the best time of each side and the
    median over rounds of the HTTP run's extra time relative to the direct run beside it."""
    pairs: list[tuple[float, float]] = []
    for _ in range(runs):
        times = []
        for func in (direct, http):
            started = time.perf_counter()
            func()
            times.append(time.perf_counter() - started)
        pairs.append((times[0], times[1]))
    best_direct = min(d for d, _ in pairs)
    best_http = min(h for _, h in pairs)
    paired = statistics.median((h - d) / d for d, h in pairs)
    return best_direct, best_http, paired


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(Path(__file__).with_name("results.md")))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--only", default="", help="run only the jobs whose name contains this (e.g. MT)"
    )
    args = parser.parse_args()

    settings = Settings.from_env()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "ml.main:app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        env={**os.environ, "ML_LOG_LEVEL": "WARNING"},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}
    try:
        client = httpx.Client(base_url=base, timeout=120, headers=headers)
        for _ in range(100):
            try:
                if client.get("/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)

        with tempfile.TemporaryDirectory() as tmp:
            wav_path = Path(tmp) / "speech.wav"
            subprocess.run(
                ["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav_path), SPEECH_TEXT],
                check=True,
            )
            wav = wav_path.read_bytes()
        audio = decode(wav, max_seconds=600)

        # Engines called directly, in this process, with the same settings.
        stt = WhisperEngine(settings)
        piper = PiperEngine(settings)
        tts = SpeechSynthesizer(settings, [piper, EspeakEngine(settings)])
        mt = build_translation_service(settings)
        model = stt.resolve_model(None, "en")

        def stt_direct() -> None:
            stt.transcribe(decode(wav, max_seconds=600), model=model, language="en",
                           word_timestamps=False)  # fmt: skip

        def stt_http() -> None:
            r = client.post("/v1/audio/transcriptions", files={"file": ("a.wav", wav)},
                            data={"language": "en"})  # fmt: skip
            r.raise_for_status()

        speech = tts.synthesize(SPEECH_TEXT, voice=None, speed=1.0)

        def tts_direct() -> None:
            from ml.audio import encode

            s = tts.synthesize(SPEECH_TEXT, voice=None, speed=1.0)
            encode(s.samples, s.sample_rate, "wav")

        def tts_http() -> None:
            r = client.post("/v1/audio/speech",
                            json={"input": SPEECH_TEXT, "response_format": "wav"})  # fmt: skip
            r.raise_for_status()

        def mt_rows(size: int) -> tuple[Callable[[], None], Callable[[], None]]:
            """``size`` sentences per request as a list ``q``; direct = one engine call with the
            same list (1 → one sentence per call, 8 times)."""
            texts = (SENTENCES * 8)[: max(size, len(SENTENCES))]
            batches = [texts[i : i + size] for i in range(0, len(texts), size)]

            def direct() -> None:
                for batch in batches:
                    mt.translate(batch, "en", "es", "text")

            def http() -> None:
                for batch in batches:
                    q: str | list[str] = batch[0] if size == 1 else batch
                    r = client.post("/translate", json={"q": q, "source": "en", "target": "es"})
                    r.raise_for_status()

            return direct, http

        # The platform's bulk client, configured as the platform runs it, against this server.
        os.environ.update(
            DJANGO_SETTINGS_MODULE="toto.settings.dev", ML_URL=base, ML_API_KEY=settings.api_key
        )
        import gc

        import django

        django.setup()
        # Django and Wagtail bring ~320,000 long-lived objects into this process; every full
        # garbage collection would scan them, which made the direct whisper calls here 40 %
        # slower than the service's (whose heap is a fifth of that). Freeze them, as a
        # preloading server does, so the direct side is measured as fast as it really is.
        gc.freeze()
        from django.conf import settings as django_settings

        from ai import client as platform_client

        page = SENTENCES * 128  # a course's worth of strings: throughput, not one burst
        batch = django_settings.ML_TRANSLATE_BATCH
        in_flight = django_settings.ML_TRANSLATE_IN_FLIGHT
        page_batches = [page[i : i + batch] for i in range(0, len(page), batch)]
        engine_threads = ThreadPoolExecutor(max_workers=in_flight)

        def mt_bulk_direct() -> None:
            list(engine_threads.map(lambda b: mt.translate(b, "en", "es", "text"), page_batches))

        def mt_bulk_http() -> None:
            platform_client.translate_many(page, "en", "es")

        paragraph = " ".join(SENTENCES)

        def mt_direct_paragraph() -> None:
            mt.translate([paragraph], "en", "es", "text")

        def mt_http_paragraph() -> None:
            r = client.post("/translate", json={"q": paragraph, "source": "en", "target": "es"})
            r.raise_for_status()

        jobs: list[tuple[str, Callable[[], None], Callable[[], None], str, int, int]] = [
            # (name, direct, http, unit, sentences per timed run, requests per run)
            (f"STT (faster-whisper {model}, incl. VAD check over HTTP)", stt_direct, stt_http,
             "rtf", 0, 1),
            ("TTS (piper en_US-joe-medium, wav)", tts_direct, tts_http, "rtf", 0, 1),
            (f"MT en→es (apertium pipe), bulk: {len(page):,} sentences, {batch} per request, "
             f"{in_flight} in flight (`ai.client.translate_many`)", mt_bulk_direct, mt_bulk_http,
             "sps", len(page), len(page_batches)),
        ]  # fmt: skip
        for size in (1, 8, 32):
            direct, http = mt_rows(size)
            sentences = max(size, len(SENTENCES))
            jobs.append((f"MT en→es (apertium pipe), {size} sentence{'s' * (size > 1)}/request",
                         direct, http, "sps", sentences, sentences // size))  # fmt: skip
        jobs.append(("MT en→es (apertium pipe), one 8-sentence paragraph/request",
                     mt_direct_paragraph, mt_http_paragraph, "sps", len(SENTENCES), 1))  # fmt: skip

        jobs = [job for job in jobs if args.only in job[0]]
        load_before = os.getloadavg()
        rows = []
        for name, direct, http, unit, sentences, calls in jobs:
            direct(), http()  # warm up: load models, start pipes
            runs = args.runs if unit == "rtf" else args.runs * (4 if "bulk" in name else 20)
            t_direct, t_http, paired = interleaved(runs, direct, http)
            if unit == "rtf":
                seconds = audio.duration if name.startswith("STT") else speech.duration
                metric = ("real-time factor (lower is better)", t_direct / seconds,
                          t_http / seconds)  # fmt: skip
            else:
                metric = ("sentences/second (higher is better)", sentences / t_direct,
                          sentences / t_http)  # fmt: skip
            overhead = (t_http - t_direct) / t_direct * 100
            rows.append(
                (name, metric[0], metric[1], metric[2], (t_http - t_direct) / calls, overhead,
                 paired * 100)
            )  # fmt: skip
        load_after = os.getloadavg()
        engine_threads.shutdown()
        mt.close()
    finally:
        server.terminate()
        server.wait(timeout=10)

    lines = [
        "# ML service benchmark",
        "",
        f"Machine: {os.cpu_count()} CPU cores, shared (1-minute load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after the run); speech clip "
        f"{audio.duration:.1f} s (espeak-ng), synthesized clip {speech.duration:.1f} s.",
        "Through HTTP = uvicorn on 127.0.0.1 in a separate process, called with httpx (the "
        "platform's client); direct = the same engine class called in this process with the "
        f"same input. Direct and HTTP runs alternate: {args.runs} rounds (STT, TTS), "
        f"{args.runs * 4} (MT bulk) or {args.runs * 20} (MT per request).",
        "",
        "| job | measure | direct (best) | through HTTP (best) | added per request (best vs "
        "best) | overhead (best vs best) | overhead (median of paired rounds) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, measure, direct_value, http_value, added, overhead, paired in rows:
        lines.append(
            f"| {name} | {measure} | {direct_value:.3f} | {http_value:.3f} | "
            f"{added * 1000:.2f} ms | {overhead:+.1f} % | {paired:+.1f} % |"
        )
    table = "\n".join(lines) + "\n"
    out = Path(args.out)
    # Hand-written sections ("## …") after the table survive a rerun.
    previous = out.read_text() if out.exists() else ""
    notes = previous[previous.index("\n## ") :] if "\n## " in previous else ""
    out.write_text(table + notes)
    print(table)


if __name__ == "__main__":
    main()
