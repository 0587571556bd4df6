"""Voice tutor end to end: end of the learner's speech → first tutor audio byte, through the
real ``/ws/tutor/`` socket (daphne, PostgreSQL, Redis) and the real ML service (uvicorn:
Silero VAD + Whisper tiny.en streaming transcription, Piper en_US-joe-medium speech).

    .venv/bin/python benchmarks/tutor/session.py [--turns 10] [--sessions 10]
    make benchmarks ONLY=tutor/session

Each learner streams espeak-ng speech in real time (20 ms frames, paced by the wall clock),
then keeps streaming silence as a microphone does. t0 is when the last frame holding speech
was sent (the end of the last word); the turn's latency is t0 → the first ``audio`` event.
Stages seen from the client: VAD wait (t0 → ``speech.stopped``: the learner's silence budget,
by design), STT (→ ``transcript.user``: what is left of Whisper, which starts inside the
budget), reply (→ the first ``transcript.tutor`` delta: storing the turn, the grammar check,
the guided script or the LLM's first sentence), TTS first chunk and transport (→ the first
``audio``: Piper on the first sentence, the HTTP hop, base64, the socket).

Baseline, in the same run and on the same audio: the engines called directly in this process,
one after the other: the silence budget + Whisper on the turn the VAD cuts + Piper on the reply's
first sentence (+ 300 ms to the LLM's first token in the LLM rows). Ratio = socket latency /
that sum (paired per turn, median): the platform's overhead; below 1 when Whisper ran inside
the silence budget.

Three runs: guided (offline script), LLM faked at a fixed 300 ms to first token (a local
OpenAI-compatible streaming server), and 10 concurrent guided sessions. Starts its own
PostgreSQL, Redis, ML service and daphne; writes benchmarks/tutor/results-session.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]

from benchmarks.common import percentile, prepare  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")

RATE = 16_000
FRAME = RATE * 20 // 1000 * 2  # 20 ms of PCM16
VOICE = "en_US-joe-medium"
LEVEL = "C1"  # silence budget 600 ms (A1: 1200 ms; the budget is in the VAD wait column)
LEARNER_SENTENCES = [
    "Where is the train station?",
    "I would like a cup of coffee, please.",
    "My sister lives in a small town near the sea.",
    "Could you speak more slowly, please?",
]
TUTOR_LINES = [
    "Good morning! Where are you flying to today?",
    "That sounds lovely. How long will you stay there?",
    "Great, and what would you like to drink with that?",
    "Do you have any luggage to check in?",
    "Would you like a window seat or an aisle seat?",
    "Here is your boarding pass. Do you need anything else?",
]
LLM_REPLY = [
    "That sounds ",
    "wonderful. ",
    "What will you ",
    "do there first?",
]
LLM_FIRST_TOKEN_S = 0.3
LOAD: list[tuple[str, tuple[float, float, float]]] = []


# --- the world -------------------------------------------------------------------------------


def make_world(learners: int) -> tuple[list[str], int, int]:
    """(session cookies of funded learners, avatar id, guided context id)."""
    import django

    django.setup()
    from decimal import Decimal

    from allauth.account.models import EmailAddress
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from wagtail.models import Locale

    from credits.services import grant_credits
    from voice_tutor.demo import ensure_price
    from voice_tutor.models import PracticeContext, VoiceAvatar

    Locale.objects.get_or_create(language_code="en")
    ensure_price()
    avatar = VoiceAvatar.objects.create(
        name="Joe", language="en", accent="en-US", gender="male", tts_voice=VOICE
    )
    steps = [
        {
            "tutor_lines": [TUTOR_LINES[n % len(TUTOR_LINES)]],
            "expected_keywords": [],
            "expected_patterns": [],
            "accept_any": True,
            "acknowledgement": "",
            "reask": "Could you say that again?",
            "hint": "Answer the question.",
            "suggested_responses": [],
        }
        for n in range(30)
    ]
    practice = PracticeContext(
        title="At the airport",
        slug="airport",
        language="en",
        category="travel",
        difficulty="beginner",
        scenario="You are a check-in agent at the airport.",
        goal="check in for a flight",
        vocabulary="passport\nboarding pass",
        suggested_responses="Here is my passport.",
        closing="Have a good flight, {name}!",
        script=[("step", step) for step in steps],
    )
    practice.full_clean()
    practice.save()
    cookies = []
    for n in range(learners):
        user = get_user_model().objects.create_user(
            email=f"learner{n}@example.com", password=None, first_name=f"Learner{n}"
        )
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        grant_credits(user, Decimal("500"), idempotency_key=f"bench:{user.pk}")
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        cookies.append(str(store.session_key))
    return cookies, avatar.pk, practice.pk


class FakeLLM(BaseHTTPRequestHandler):
    """An OpenAI-compatible streaming chat server: the first token after a fixed 300 ms."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, body: dict[str, Any], delta: dict[str, Any], finish: str | None) -> None:
        chunk = {
            "id": "chatcmpl-bench",
            "object": "chat.completion.chunk",
            "created": 1_760_000_000,
            "model": body.get("model", "bench"),
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }
        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.flush()

    def do_GET(self) -> None:
        data = json.dumps({"object": "list", "data": [{"id": "bench", "object": "model"}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data.encode())

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        self._send(body, {"role": "assistant", "content": ""}, None)
        time.sleep(LLM_FIRST_TOKEN_S)
        for delta in LLM_REPLY:
            self._send(body, {"content": delta}, None)
            time.sleep(0.02)  # ~50 tokens/s after the first
        self._send(body, {}, "stop")
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


def start_process(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w")
    )


# --- one learner -----------------------------------------------------------------------------


class Learner:
    def __init__(self, url: str, cookie: str, avatar: int, context: int) -> None:
        self.url, self.cookie, self.avatar, self.context = url, cookie, avatar, context
        self.events: asyncio.Queue[tuple[float, dict[str, Any]]] = asyncio.Queue()

    async def __aenter__(self) -> Learner:
        import websockets

        self.ws = await websockets.connect(
            self.url,
            additional_headers={"Origin": "http://127.0.0.1", "Cookie": f"sessionid={self.cookie}"},
            max_queue=None,
            max_size=None,
        )
        self.reader = asyncio.ensure_future(self._read())
        await self.ws.send(
            json.dumps(
                {
                    "type": "session.start",
                    "avatar": self.avatar,
                    "context": self.context,
                    "level": LEVEL,
                }
            )
        )
        started = await self.until("session.started", 60)
        self.budget_ms = int(started["settings"]["silence_duration_ms"])
        await self.until("response.done", 120)  # the greeting
        await self.ws.send(json.dumps({"type": "playback.done"}))
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            await self.ws.send(json.dumps({"type": "session.end"}))
            await self.until("session.ended", 60, errors=False)
        except Exception as exc:
            print(f"ending a session: {exc!r}", flush=True)
        finally:
            self.reader.cancel()
            await self.ws.close()

    async def _read(self) -> None:
        async for message in self.ws:
            if isinstance(message, str):
                self.events.put_nowait((time.perf_counter(), json.loads(message)))

    async def until(self, kind: str, timeout: float, errors: bool = True) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while True:
                _, event = await self.events.get()
                if event.get("type") == "error" and errors:
                    raise RuntimeError(event)
                if event.get("type") == kind:
                    return event

    async def turn(self, speech: bytes) -> dict[str, Any]:
        """Speech then silence at real time; the times of the turn's events from t0."""
        frames = [speech[i : i + FRAME] for i in range(0, len(speech), FRAME)]
        begin = time.perf_counter()
        for index, frame in enumerate(frames):
            delay = begin + index * 0.02 - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await self.ws.send(frame)
        t0 = time.perf_counter()  # the last word's audio is out
        marks: dict[str, Any] = {}
        silence = bytes(FRAME)

        async def keep_talking_silence() -> None:
            index = 1
            while True:
                delay = t0 + index * 0.02 - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                await self.ws.send(silence)
                index += 1

        mic = asyncio.ensure_future(keep_talking_silence())
        try:
            async with asyncio.timeout(120):
                while "audio" not in marks or "done" not in marks:
                    at, event = await self.events.get()
                    kind = event.get("type")
                    if kind == "error":  # a failed turn: counted, the session goes on
                        marks["error"] = event.get("code")
                        marks.setdefault("failed_at", at - t0)
                        break
                    if kind == "speech.stopped":
                        marks.setdefault("stopped", at - t0)
                    elif kind == "transcript.user":
                        marks.setdefault("user", at - t0)
                        marks["transcript"] = event["text"]
                    elif kind == "transcript.tutor" and "delta" in event:
                        marks.setdefault("delta", at - t0)
                    elif kind == "transcript.tutor" and event.get("final"):
                        marks["reply"] = event["text"]
                    elif kind == "audio":
                        marks.setdefault("audio", at - t0)
                        marks.setdefault("first_sentence", event.get("text") or "")
                    elif kind == "response.done":
                        marks["done"] = at - t0
        finally:
            mic.cancel()
        await self.ws.send(json.dumps({"type": "playback.done"}))
        return marks


# --- direct engines --------------------------------------------------------------------------


class Engines:
    """Whisper and Piper called directly in this process: the sum the socket is compared to."""

    def __init__(self) -> None:
        from ml.engines.stt import WhisperEngine
        from ml.engines.tts import PiperEngine
        from ml.settings import Settings

        settings = Settings.from_env()
        self.whisper = WhisperEngine(settings)
        self.piper = PiperEngine(settings)

    def stt(self, speech: bytes, budget_ms: int) -> float:
        from ml.audio import DecodedAudio
        from ml.realtime import Turn, TurnDetector

        detector = TurnDetector(silence_duration_ms=budget_ms)
        events = detector.feed(speech + bytes(int(RATE * (budget_ms / 1000 + 0.5)) * 2))
        turn = next(e for e in events if isinstance(e, Turn))
        started = time.perf_counter()
        self.whisper.transcribe(
            DecodedAudio(turn.samples), model="tiny.en", language="en", word_timestamps=True
        )
        return time.perf_counter() - started

    def tts(self, sentence: str) -> float:
        started = time.perf_counter()
        self.piper.synthesize(sentence, voice=VOICE, speed=1.0)
        return time.perf_counter() - started


def espeak_pcm(text: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        wav, raw = Path(folder) / "s.wav", Path(folder) / "s.raw"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(wav), text], check=True)
        subprocess.run(
            ["sox", str(wav), "-r", str(RATE), "-b", "16", "-c", "1", "-e", "signed-integer",
             "-t", "raw", str(raw),
             "silence", "1", "0.02", "0.5%", "reverse", "silence", "1", "0.02", "0.5%", "reverse",
             "pad", "0.3", "0"],
            check=True,
        )  # fmt: skip
        return raw.read_bytes()


async def one_session(
    url: str, cookie: str, avatar: int, context: int, turns: int, speeches: list[bytes]
) -> tuple[int, list[dict[str, Any]]]:
    async with Learner(url, cookie, avatar, context) as learner:
        results = []
        for index in range(turns):
            marks = await learner.turn(speeches[index % len(speeches)])
            marks["speech"] = index % len(speeches)
            results.append(marks)
            await asyncio.sleep(0.5)  # the learner listens a moment before answering
        return learner.budget_ms, results


async def concurrent(
    url: str, cookies: list[str], avatar: int, context: int, turns: int, speeches: list[bytes]
) -> list[dict[str, Any]]:
    async def staggered(n: int, cookie: str) -> list[dict[str, Any]]:
        await asyncio.sleep(n * 2.0 / len(cookies))
        _, marks = await one_session(url, cookie, avatar, context, turns, speeches)
        return marks

    results = await asyncio.gather(
        *(staggered(n, c) for n, c in enumerate(cookies)), return_exceptions=True
    )
    turns = []
    for session in results:
        if isinstance(session, BaseException):
            turns.append({"error": repr(session)})
        else:
            turns.extend(session)
    return turns


# --- report ----------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def stage_rows(name: str, turns: list[dict[str, Any]], baselines: list[float]) -> list[str]:
    kept = [n for n, t in enumerate(turns) if "error" not in t]
    turns = [turns[n] for n in kept]
    baselines = [baselines[n] for n in kept]
    if not turns:
        return [f"| {name} | 0 (every turn failed) | | | | | |"]
    totals = [t["audio"] for t in turns]
    stages = {
        "VAD wait": [t["stopped"] for t in turns],
        "STT": [t["user"] - t["stopped"] for t in turns],
        "reply": [t["delta"] - t["user"] for t in turns],
        "TTS first chunk + transport": [t["audio"] - t["delta"] for t in turns],
    }
    ratios = [total / base for total, base in zip(totals, baselines, strict=True)]
    share = " · ".join(
        f"{label} {ms(statistics.median(values))} ({statistics.median(values) / statistics.median(totals):.0%})"
        for label, values in stages.items()
    )
    return [
        f"| {name} | {len(turns)} | {ms(statistics.median(totals))} | "
        f"{ms(percentile(totals, 0.95))} | {ms(statistics.median(baselines))} | "
        f"{statistics.median(ratios):.2f} | {share} |"
    ]


def load(label: str) -> None:
    LOAD.append((label, os.getloadavg()))
    print(f"[{time.strftime('%H:%M:%S')}] {label}, load {os.getloadavg()[0]:.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=10, help="turns of the one-learner runs")
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--concurrent-turns", type=int, default=3)
    parser.add_argument("--skip", default="", help="comma list of runs to skip: llm,concurrent")
    parser.add_argument("--out", default=str(Path(__file__).with_name("results-session.md")))
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    load("start")

    root = Path(tempfile.mkdtemp(prefix="toto-bench-tutor-"))
    postgres, redis = prepare(root)
    processes: list[subprocess.Popen[bytes]] = []
    llm = ThreadingHTTPServer(("127.0.0.1", 0), FakeLLM)
    threading.Thread(target=llm.serve_forever, daemon=True).start()
    results: dict[str, tuple[list[dict[str, Any]], list[float]]] = {}
    budget_ms = 0
    try:
        load("migrated")
        cookies, avatar, context = make_world(args.sessions + 2)
        from core.testing.services import free_port, wait_for_port

        ml_port = free_port()
        env = {k: v for k, v in os.environ.items() if k != "ML_API_KEY"}
        processes.append(
            start_process(
                [sys.executable, "-m", "uvicorn", "ml.main:app", "--host", "127.0.0.1",
                 "--port", str(ml_port), "--log-level", "warning"],
                {**env, "ML_LOG_LEVEL": "WARNING"},
                root / "ml.log",
            )
        )  # fmt: skip
        wait_for_port(ml_port, 60, "ML service")
        web_env = {
            **env,
            "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}",
            "TOTO_TEST_ML_URL": f"http://127.0.0.1:{ml_port}",
            "ML_API_KEY": "",
        }
        daphnes = {}
        for mode, extra in (
            ("guided", {"VOICE_TUTOR_ENGINE": "guided"}),
            (
                "llm",
                {
                    "VOICE_TUTOR_ENGINE": "llm",
                    "AI_LLM_BASE_URL": f"http://127.0.0.1:{llm.server_address[1]}/v1",
                    "AI_LLM_API_KEY": "sk-bench",
                    "AI_LLM_MODEL": "bench",
                },
            ),
        ):
            port = free_port()
            processes.append(
                start_process(
                    [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                     "toto.asgi:application"],
                    {**web_env, **extra},
                    root / f"daphne-{mode}.log",
                )
            )  # fmt: skip
            wait_for_port(port, 60, "daphne")
            daphnes[mode] = f"ws://127.0.0.1:{port}/ws/tutor/"

        load("servers up")
        speeches = [espeak_pcm(text) for text in LEARNER_SENTENCES]
        engines = Engines()
        # Warm everything (model loads are not what is measured): one turn each way.
        asyncio.run(one_session(daphnes["guided"], cookies[-1], avatar, context, 1, speeches))
        if "llm" not in skip:
            asyncio.run(one_session(daphnes["llm"], cookies[-2], avatar, context, 1, speeches))
        budget_ms = 600
        for speech in speeches:
            engines.stt(speech, budget_ms)
        engines.tts(TUTOR_LINES[0])

        for mode in ("guided", "llm"):
            if mode in skip:
                continue
            load(f"{mode} run")
            budget_ms, turns = asyncio.run(
                one_session(daphnes[mode], cookies[0 if mode == "guided" else 1], avatar,
                            context, args.turns, speeches)
            )  # fmt: skip
            baselines = []
            for marks in turns:  # the engines in series on the same audio and sentence
                if "error" in marks:
                    baselines.append(0.0)
                    continue
                stt = engines.stt(speeches[marks["speech"]], budget_ms)
                tts = engines.tts(marks["first_sentence"])
                first_token = LLM_FIRST_TOKEN_S if mode == "llm" else 0.0
                baselines.append(budget_ms / 1000 + stt + first_token + tts)
            results[mode] = (turns, baselines)
            load(f"{mode} run end")

        if "concurrent" not in skip:
            load("concurrent start")
            turns = asyncio.run(
                concurrent(daphnes["guided"], cookies[: args.sessions], avatar, context,
                           args.concurrent_turns, speeches)
            )  # fmt: skip
            results["concurrent"] = (turns, [])
            load("concurrent end")
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        llm.shutdown()
        redis.stop()
        postgres.stop()
        for log in root.glob("*.log"):
            text = log.read_text()
            if "Traceback" in text:
                print(f"--- {log.name}\n{text[-8000:]}", file=sys.stderr)
    Path(args.out).with_suffix(".json").write_text(json.dumps([results, LOAD, budget_ms]))
    write(Path(args.out), args, results, budget_ms)


def write(
    out: Path,
    args: argparse.Namespace,
    results: dict[str, tuple[list[dict[str, Any]], list[float]]],
    budget_ms: int,
) -> None:
    lines = [
        "# Voice tutor: end of speech → first tutor audio, through /ws/tutor/",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, produced by "
        "`benchmarks/tutor/session.py`. One daphne process and one ML service process "
        f"(uvicorn) on loopback, {os.cpu_count()} CPU cores (other work may share "
        "them: read the load average); load average (1, 5, 15 min) during the run: "
        + "; ".join(f"{label} {a:.1f}/{b:.1f}/{c:.1f}" for label, (a, b, c) in LOAD)
        + ".",
        "",
        f"Level {LEVEL}: silence budget {budget_ms} ms. Learner speech: espeak-ng sentences, "
        "20 ms frames at real time, then silence. Tutor voice: Piper en_US-joe-medium. "
        "Times in ms. *Engines direct*: silence budget + Whisper tiny.en on the same turn + "
        "Piper on the reply's first sentence (+ 300 ms to first token with the LLM), called "
        "one after the other in this process right after the run; *ratio*: paired per turn, "
        "median (overhead target ≤ 1.15).",
        "",
        "| run | turns | p50 | p95 | engines direct (p50) | ratio | stages, p50 (share of the p50 total) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, label in (("guided", "guided (offline)"), ("llm", "LLM, first token at 300 ms")):
        if name in results:
            turns, baselines = results[name]
            lines += stage_rows(label, turns, baselines)
    if "concurrent" in results:
        every, _ = results["concurrent"]
        turns = [t for t in every if "error" not in t]
        errors = [str(t["error"]) for t in every if "error" in t]
        totals = [t["audio"] for t in turns] or [0.0]
        over = sum(total > 5 for total in totals) + len(errors)
        lines += [
            "",
            f"## {args.sessions} concurrent guided sessions",
            "",
            f"Each learner speaks {args.concurrent_turns} turns (starts staggered over 2 s); "
            "times from the end of its speech to its first tutor audio.",
            "",
            "| sessions | turns answered | failed turns | p50 | p95 | max | turns over 5 s (failed included) | VAD wait p50 | STT p50 | reply p50 | TTS + transport p50 |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
            f"| {args.sessions} | {len(turns)} | {len(errors)} ({', '.join(sorted(set(errors)))}) | {ms(statistics.median(totals))} | "
            f"{ms(percentile(totals, 0.95))} | {ms(max(totals))} | {over} | "
            f"{ms(statistics.median([t['stopped'] for t in turns] or [0]))} | "
            f"{ms(statistics.median([t['user'] - t['stopped'] for t in turns] or [0]))} | "
            f"{ms(statistics.median([t['delta'] - t['user'] for t in turns] or [0]))} | "
            f"{ms(statistics.median([t['audio'] - t['delta'] for t in turns] or [0]))} |",
        ]
    wrong = [
        t
        for turns, _ in results.values()
        for t in turns
        if "speech" in t
        and not set(LEARNER_SENTENCES[t["speech"]].lower().split()[:2])
        & set(t.get("transcript", "").lower().split())
    ]
    lines += ["", f"Transcripts missing the sentence's first words: {len(wrong)}."]
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
