"""Website pages: server time and SQL queries per page (anonymous and signed in), requests/s
of anonymous pages from the page cache against a static file on the same server, and the
time to the main content in Chromium.

A throwaway PostgreSQL and Redis with the demo data (benchmarks.common), the production-like
settings of the API benchmark with the page cache on (benchmarks.pages.settings). Pages: home,
lesson catalogue, a lesson, the teacher directory, a teacher's page.

1. **Server time** in process (Django's test client, the whole middleware stack, PostgreSQL
   and Redis on loopback): p50 of ``--samples`` requests after a warm-up, and the SQL queries
   of one request; anonymous without the cache (``PAGE_CACHE_SECONDS=0``: the render the
   cache saves), anonymous from the cache, and signed in as a demo learner.
2. **Requests/s** through daphne (as ``make run`` and the image serve), a closed loop of
   ``--clients`` connections (benchmarks.loadgen) for ``--seconds`` per cell, ``--rounds``
   interleaved rounds, medians: anonymous pages answered from the cache at the front
   (core.page_cache_front), from the cache through the middleware (a second daphne with
   ``PAGE_CACHE_FRONT=0``) and not cached, against a static file served by WhiteNoise in the
   same process, the baseline, measured first and last in every round.
3. **Chromium** (Playwright, Debian's chromium, 1280x800, no throttling): a fresh context per
   load, time from navigation start to ``main h1`` visible (as benchmarks/pwa), median of
   ``--browser-samples``, anonymous and signed in.

    .venv/bin/python benchmarks/pages/bench.py [--samples 30] [--seconds 3] [--clients 10]
        [--rounds 3]

Writes benchmarks/pages/results.md. Timings are for reading, not asserting.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]

from benchmarks.common import percentile, prepare, start_daphne  # noqa: E402
from benchmarks.loadgen import build_request, run_cell  # noqa: E402

HOST = "127.0.0.1"
CHROMIUM = os.environ.get("TOTO_CHROMIUM", "/usr/bin/chromium")
LEARNER = "priya@toto.localhost"
STATIC_FILE = "/static/dist/icons.svg"  # 25 kB, about the size of a page
TARGET_RATIO = 0.8
TARGET_SIGNED_IN_MS = 50
WATCH = """(selector) => {
  const seen = () => {
    const element = document.querySelector(selector);
    return element && element.getClientRects().length > 0;
  };
  const observer = new MutationObserver(() => {
    if (window.__mainAt !== undefined || !seen()) return;
    window.__mainAt = null;
    observer.disconnect();
    requestAnimationFrame(() => { window.__mainAt = performance.now(); });
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
}"""


def pages() -> dict[str, str]:
    from cms.learning.models import LearningIndexPage, LessonPage
    from tutoring.models import TeacherListing
    from tutoring.selectors import discovery

    catalogue = LearningIndexPage.objects.live().order_by("path").first()
    lesson = LessonPage.objects.live().order_by("path").first()
    teacher = discovery.listed_teachers().order_by("-rating_count").first()
    assert catalogue and lesson and teacher, "the demo data has lessons and teachers"
    assert isinstance(teacher, TeacherListing)
    return {
        "home": "/",
        "lesson catalogue": catalogue.url,
        "lesson page": lesson.url,
        "teacher directory": "/tutoring/",
        "teacher profile": f"/tutoring/teachers/{teacher.pk}/",
    }


def signed_in_client() -> Any:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(email=LEARNER))
    return client


def server_times(targets: dict[str, str], samples: int) -> list[tuple[str, str, float, int]]:
    """(page, who, p50 ms, queries) measured in this process."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    def timed(client: Any, path: str, expect_hit: bool | None) -> tuple[float, int]:
        for _ in range(3):  # templates, code and the cache entry warmed up
            client.get(path)
        took = []
        for _ in range(samples):
            started = time.perf_counter()
            answer = client.get(path)
            took.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200, (path, answer.status_code)
        if expect_hit is not None:
            assert (answer.get("X-Page-Cache") == "hit") == expect_hit, (path, answer.headers)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        return percentile(took, 0.5), len(queries)

    rows = []
    member = signed_in_client()
    for name, path in targets.items():
        with override_settings(PAGE_CACHE_SECONDS=0):
            rows.append((name, "anonymous, not cached", *timed(Client(), path, None)))
        rows.append((name, "anonymous, page cache", *timed(Client(), path, True)))
        rows.append((name, "signed in", *timed(member, path, False)))
        print(rows[-3:], flush=True)
    return rows


BYPASS = {"Cookie": "bench=uncached"}  # a cookie the page cache does not know: rendered
VARIANTS = (
    ("front", "page cache, answered at the front (core.page_cache_front)"),
    ("middleware", "page cache, through the middleware (PAGE_CACHE_FRONT=0)"),
    ("uncached", "not cached (rendered anonymously)"),
)


def throughput(
    ports: dict[str, int], targets: dict[str, str], clients: int, seconds: float, rounds: int
) -> list[tuple[str, str, float, float, int]]:
    """(page, variant, requests/s, p50 ms, errors), medians over ``rounds`` rounds; each round
    measures the static file first and last and every page in every variant, interleaved, so
    that the machine's load moves them all alike."""
    cells: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    for round_number in range(rounds):
        listed = [("static file", "baseline", "front", STATIC_FILE, None)]
        for name, path in targets.items():
            listed += [(name, "front", "front", path, None)]
            listed += [(name, "middleware", "middleware", path, None)]
            listed += [(name, "uncached", "front", path, BYPASS)]
        listed.append(("static file", "baseline", "front", STATIC_FILE, None))
        for name, variant, server, path, headers in listed:
            port = ports[server]
            request = [build_request("GET", path, HOST, headers)]
            asyncio.run(run_cell(HOST, port, request, 1, 0.0, warmup=0.5))
            cell = asyncio.run(run_cell(HOST, port, request, clients, seconds, warmup=0.5))
            cells.setdefault((name, variant), []).append((cell.rate, cell.p(0.5), cell.errors))
            print(
                f"round {round_number + 1} {name:18s} {variant:10s} {cell.rate:7.1f}/s "
                f"p50 {cell.p(0.5):6.1f} ms {cell.statuses}",
                flush=True,
            )
    rows = []
    for (name, variant), runs in cells.items():
        rows.append(
            (
                name,
                variant,
                statistics.median(r for r, _, _ in runs),
                statistics.median(p for _, p, _ in runs),
                sum(e for _, _, e in runs),
            )
        )
    return rows


def browser_times(
    base: str, targets: dict[str, str], cookie: str, samples: int
) -> list[tuple[str, str, float]]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        for name, path in targets.items():
            for who in ("anonymous", "signed in"):
                took = []
                for _ in range(samples):
                    context = browser.new_context(viewport={"width": 1280, "height": 800})
                    if who == "signed in":
                        context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
                    context.add_init_script(f"({WATCH})('main h1')")
                    page = context.new_page()
                    page.goto(base + path, wait_until="commit")
                    deadline = time.monotonic() + 60
                    while not page.evaluate("typeof window.__mainAt === 'number'"):
                        if time.monotonic() > deadline:
                            raise TimeoutError(f"no main h1 on {path} ({who})")
                        time.sleep(0.02)
                    took.append(float(page.evaluate("window.__mainAt")))
                    context.close()
                rows.append((name, who, statistics.median(took)))
                print(rows[-1], flush=True)
        browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--browser-samples", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", default=str(Path(__file__).with_name("results.md")))
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="toto-bench-pages-"))
    os.environ["TOTO_BENCH_MEDIA_ROOT"] = str(root / "media")
    postgres, redis = prepare(root, "benchmarks.pages.settings")
    servers: list[Any] = []
    load_before = os.getloadavg()
    try:
        subprocess.run(
            [sys.executable, "manage.py", "load_demo_data", "-v0"],
            cwd=ROOT,
            check=True,
            env={**os.environ, "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}"},
        )
        import django

        django.setup()
        targets = pages()
        started = time.monotonic()
        times = server_times(targets, args.samples)
        cookie = signed_in_client().cookies["sessionid"].value
        ports = {}
        for variant, front in (("front", "1"), ("middleware", "0")):
            server, ports[variant] = start_daphne(
                root / f"daphne-{variant}.log",
                env={**os.environ, "PAGE_CACHE_FRONT": front},
                timeout=120,
            )
            servers.append(server)
        rates = throughput(ports, targets, args.clients, args.seconds, args.rounds)
        browser = browser_times(
            f"http://{HOST}:{ports['front']}", targets, cookie, args.browser_samples
        )
        elapsed = time.monotonic() - started
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
        redis.stop()
        postgres.stop()
    write(args, times, rates, browser, load_before, os.getloadavg(), elapsed)


def write(
    args: argparse.Namespace,
    times: list[tuple[str, str, float, int]],
    rates: list[tuple[str, str, float, float, int]],
    browser: list[tuple[str, str, float]],
    load_before: tuple[float, ...],
    load_after: tuple[float, ...],
    elapsed: float,
) -> None:
    static = [rate for name, _v, rate, *_ in rates if name == "static file"]
    baseline = statistics.mean(static)
    lines = [
        "# Website pages: server time, page cache throughput, Chromium",
        "",
        f"Machine: {os.cpu_count()} CPU cores (shared with other sessions), Python "
        f"{platform.python_version()}; load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after ({elapsed:.0f} s of measuring). PostgreSQL and Redis on",
        "loopback with the demo data; production-like settings (persistent connections, legal",
        f"gate) with the anonymous page cache on. Signed in: the demo learner {LEARNER}.",
        "",
        f"## Server time (in process, p50 of {args.samples}; queries of one request)",
        "",
        f"Target: signed-in pages <= {TARGET_SIGNED_IN_MS} ms p50.",
        "",
        "| page | visitor | p50 (ms) | SQL queries |",
        "|---|---|---|---|",
    ]
    for name, who, p50, queries in times:
        mark = " **over**" if who == "signed in" and p50 > TARGET_SIGNED_IN_MS else ""
        lines.append(f"| {name} | {who} | {p50:.1f}{mark} | {queries} |")
    lines += [
        "",
        f"## Requests/s through daphne ({args.clients} clients, closed loop, "
        f"{args.seconds:.0f} s per cell, median of {args.rounds} interleaved rounds)",
        "",
        "Anonymous visitors. Two daphnes on the same PostgreSQL and Redis, as deployed "
        "(`toto.asgi:application`): one with the front (`PAGE_CACHE_FRONT=1`, the default), one "
        "without (every hit through the middleware, as before). Not cached: the same page with "
        "a cookie the cache does not know, rendered every time. Baseline: the static file "
        f"`{STATIC_FILE}` served by WhiteNoise in the first daphne, measured first and last "
        f"in every round (median {baseline:.0f}/s). Target: page cache >= "
        f"{TARGET_RATIO}x the baseline.",
        "",
        "| page | variant | requests/s | p50 (ms) | x static | errors |",
        "|---|---|---|---|---|---|",
    ]
    labels = dict(VARIANTS)
    for name, variant, rate, p50, errors in rates:
        label = labels.get(variant, variant)
        mark = " **under**" if variant == "front" and rate / baseline < TARGET_RATIO else ""
        lines.append(
            f"| {name} | {label} | {rate:.0f} | {p50:.1f} | {rate / baseline:.2f}{mark} "
            f"| {errors} |"
        )
    lines += [
        "",
        f"## Chromium: main content (`main h1`) visible, median of {args.browser_samples}",
        "",
        "Fresh context per load (no HTTP cache, no service worker), 1280x800, no throttling;",
        "milliseconds from navigation start (benchmarks/pwa has the throttled phone).",
        "",
        "| page | anonymous (ms) | signed in (ms) |",
        "|---|---|---|",
    ]
    by = {(name, who): took for name, who, took in browser}
    for name in dict.fromkeys(name for name, *_ in browser):
        lines.append(f"| {name} | {by[(name, 'anonymous')]:.0f} | {by[(name, 'signed in')]:.0f} |")
    lines.append("")
    Path(args.out).write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
