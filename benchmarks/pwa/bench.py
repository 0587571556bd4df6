"""The app's performance budget on a throttled phone: home, lesson player, review session and
chat must show their main content within 2.5 s with Chromium's CPU slowed 4x on "fast 3G".

On a throwaway PostgreSQL and Redis (core.testing.services) with the demo data, one daphne
serving the ASGI application (static files by WhiteNoise, as under ``make run``), the demo
student signed in, Chromium (Playwright) at 390x844. Per page and profile, ``--samples`` loads
(median reported):

- **cold**: a fresh browser context (no HTTP cache, no service worker);
- **warm**: the same context loaded again after the service worker controls it (precached
  shell, runtime caches);
- profiles: **throttled** (a CDP session per page: ``Emulation.setCPUThrottlingRate`` 4 and
  ``Network.emulateNetworkConditions`` with DevTools' "Fast 3G": 562.5 ms latency, 180,000 B/s
  down, 84,375 B/s up) and **unthrottled** (the baseline, same run).

"Main content visible": the page's main selector matches an element with a box, timed by an
init script (a MutationObserver, then the next animation frame, i.e. once render-blocking CSS
allowed a frame) as ``performance.now()``, which counts from the navigation's start. Pages
whose script takes over server-rendered content also report when it has ("ready": the review
session's stage answers keys once review.js marks it ``data-card``).

``--before DIR``: another checkout of the project (e.g. ``git archive main | tar -x -C DIR``,
plus its ``static/dist`` and compiled ``.mo`` files) served by a second daphne on the same
database; every load is made on both, one after the other, so both see the same machine load.

    .venv/bin/python benchmarks/pwa/bench.py [--samples 5] [--before DIR] [--only "review session"]
        [--static production|source]

``--static``: ``production`` (the default) serves what ``collectstatic`` writes with
production's storage (hashed names cached for a year, gzip/brotli copies WhiteNoise sends to a
browser that accepts them) behind Caddy compressing the pages as ``deploy/Caddyfile`` does: the
shape the budget is for. ``source`` serves the source folders from daphne alone, as ``make run``
does; ``both`` serves this version both ways, each sample taken on both.

``--only``: measure only the named pages (repeatable), e.g. one page before/after on a busy
machine.

Writes benchmarks/pwa/results.md. Timings are for reading, not asserting.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from benchmarks.common import prepare, start_daphne  # noqa: E402

BUDGET_MS = 2500
CHROMIUM = os.environ.get("TOTO_CHROMIUM", "/usr/bin/chromium")
FAST_3G = {
    "offline": False,
    "latency": 562.5,
    "downloadThroughput": 180_000,
    "uploadThroughput": 84_375,
}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
WATCH = """(selector, key) => {
  const seen = () => {
    const element = document.querySelector(selector);
    return element && element.getClientRects().length > 0;
  };
  const observer = new MutationObserver(() => {
    if (window[key] !== undefined || !seen()) return;
    window[key] = null;
    observer.disconnect();
    requestAnimationFrame(() => { window[key] = performance.now(); });
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
}"""


def pages() -> dict[str, tuple[str, str, str]]:
    """name -> (path, the selector of its main content, of its script having taken over)."""
    from cms.learning.models import LessonPage

    lesson = LessonPage.objects.live().order_by("path").first()
    assert lesson is not None, "the demo data has lessons"
    return {
        "home": ("/", "main h1", "main h1"),
        "lesson player": (lesson.url, ".lesson .exercise", ".lesson .exercise"),
        # The card's word (or its challenge) on the stage, whoever rendered it; ready once
        # review.js answers keys on it.
        "review session": (
            "/vocabulary/review/",
            "#review-stage .vocab-front",
            "#review-stage[data-card] .vocab-front",
        ),
        "chat": ("/chat/", "#conversations li", "#conversations li"),
    }


def session_cookie() -> str:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(email="student@toto.localhost"))
    return client.cookies["sessionid"].value


def wait_until_true(page, expression: str, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    """Polls ``expression`` with ``page.evaluate`` (DevTools' Runtime.evaluate, which the
    page's Content Security Policy does not govern): Playwright's ``wait_for_function`` with a
    string compiles it inside the page, which our CSP (no 'unsafe-eval') refuses. The time
    measured is taken in the page, so the polling interval does not change it."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{expression} still false after {timeout} s on {page.url}")
        time.sleep(0.05)


def load(page, url: str, selectors: tuple[str, str], throttled: bool) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(main content visible, ready) in ms from the navigation's start."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    if throttled:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        cdp.send("Network.emulateNetworkConditions", FAST_3G)
    main, ready = selectors
    page.context.add_init_script(f"({WATCH})({main!r}, '__mainAt')")
    page.context.add_init_script(f"({WATCH})({ready!r}, '__readyAt')")
    page.goto(url, wait_until="commit")
    wait_until_true(page, "typeof window.__mainAt === 'number'")
    wait_until_true(page, "typeof window.__readyAt === 'number'")
    took = (float(page.evaluate("window.__mainAt")), float(page.evaluate("window.__readyAt")))
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    cdp.detach()
    return took


Row = tuple[str, str, str, str, list[float], list[float]]


def measure(
    bases: dict[str, str], targets: dict[str, tuple[str, str, str]], cookie: str, samples: int
) -> list[Row]:
    """(version, page, profile, cold/warm, main times, ready times) for every version served
    (``bases``: version -> base URL), each sample taken on every version in turn. Playwright's
    sync API runs an event loop: the ORM is done before it (targets, cookie)."""
    from playwright.sync_api import sync_playwright

    rows: list[Row] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        for name, (path, *selectors) in targets.items():
            watched = (selectors[0], selectors[1])
            for throttled in (True, False):
                times: dict[tuple[str, str], list[tuple[float, float]]] = {}
                for _ in range(samples):
                    for version, base in bases.items():
                        context = browser.new_context(**PHONE)
                        context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
                        page = context.new_page()
                        cold = load(page, base + path, watched, throttled)
                        page.evaluate("navigator.serviceWorker.ready")
                        wait_until_true(page, "navigator.serviceWorker.controller !== null")
                        page.wait_for_load_state("networkidle")
                        page.close()
                        warm = load(context.new_page(), base + path, watched, throttled)
                        context.close()
                        times.setdefault((version, "cold"), []).append(cold)
                        times.setdefault((version, "warm"), []).append(warm)
                profile = "throttled" if throttled else "unthrottled"
                for (version, kind), pairs in times.items():
                    main = [pair[0] for pair in pairs]
                    ready = [pair[1] for pair in pairs]
                    rows.append((version, name, profile, kind, main, ready))
                    print(version, name, profile, kind, round(statistics.median(main)))
        browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--out", default=str(Path(__file__).with_name("results.md")))
    parser.add_argument("--before", type=Path, help="a checkout of the version to compare with")
    parser.add_argument("--only", action="append", help="a page's name (home, chat, ...)")
    parser.add_argument(
        "--static",
        choices=("production", "source", "both"),
        default="production",
        help="production: collectstatic with hashed names and gzip/brotli copies (as deployed); "
        "source: the source folders, unhashed and uncompressed (as under `make run`); "
        "both: this version served both ways in one run",
    )
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="toto-bench-pwa-"))
    postgres, redis = prepare(root)
    servers: list[subprocess.Popen[bytes]] = []
    load_before = os.getloadavg()
    try:
        env = {**os.environ, "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}"}
        subprocess.run(
            [sys.executable, "manage.py", "load_demo_data", "-v0"], cwd=ROOT, env=env, check=True
        )
        import django

        django.setup()
        bases: dict[str, str] = {}
        # version -> (checkout, static files): --before and this version in one shape, or
        # this version in both shapes (--static both).
        shapes = ("source", "production") if args.static == "both" else (args.static,)
        trees: dict[str, tuple[Path, str]] = (
            {"before": (args.before.resolve(), shapes[-1])} if args.before else {}
        )
        for shape in shapes:
            label = f"this version, {shape} static" if len(shapes) > 1 else "this version"
            trees[label] = (ROOT, shape)
        for version, (tree, shape) in trees.items():
            n = len(servers)
            served = static_env(env, root, tree, n) if shape == "production" else env
            daphne, port = start_daphne(
                root / f"daphne-{n}.log", env=served, root=tree, extra_path=root
            )
            servers.append(daphne)
            if shape == "production":
                caddy, port = start_proxy(root, n, port)
                servers.append(caddy)
            bases[version] = f"http://127.0.0.1:{port}"
        started = time.monotonic()
        targets = pages()
        if args.only:
            unknown = set(args.only) - set(targets)
            if unknown:
                parser.error(f"no page named {sorted(unknown)}; pages: {sorted(targets)}")
            targets = {name: targets[name] for name in args.only}
        rows = measure(bases, targets, session_cookie(), args.samples)
        elapsed = time.monotonic() - started
    finally:
        for daphne in servers:
            daphne.terminate()
            daphne.wait(timeout=10)
        redis.stop()
        postgres.stop()
    load_after = os.getloadavg()
    write(args, rows, load_before, load_after, elapsed)


def static_env(env: dict[str, str], root: Path, tree: Path, n: int) -> dict[str, str]:
    """The environment of a daphne serving ``tree`` with production's static files: its own
    ``collectstatic`` output (hashed names, gzip and brotli copies) under ``root``. The
    settings module is copied beside it, so an older checkout (``--before``) is served alike."""
    shutil.copy(Path(__file__).with_name("settings.py"), root / "toto_bench_pwa_settings.py")
    served = {
        **env,
        "PYTHONPATH": f"{tree / 'platform'}:{tree}:{root}",
        "DJANGO_SETTINGS_MODULE": "toto_bench_pwa_settings",
        "TOTO_BENCH_STATIC_ROOT": str(root / f"static-{n}"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=tree,
        env=served,
        check=True,
    )
    return served


def start_proxy(root: Path, n: int, upstream: int) -> tuple[subprocess.Popen[bytes], int]:
    """Caddy in front of the daphne on ``upstream``, compressing as deploy/Caddyfile does
    (``encode zstd gzip``; what WhiteNoise sent compressed already passes as it is), over plain
    HTTP on loopback. Returns the process and its port."""
    from core.testing.services import free_port, wait_for_port

    port = free_port()
    config = root / f"Caddyfile-{n}"
    config.write_text(
        "{\n\tadmin off\n\tauto_https off\n}\n"
        f"http://127.0.0.1:{port} {{\n\tencode zstd gzip\n"
        f"\treverse_proxy 127.0.0.1:{upstream}\n}}\n"
    )
    process = subprocess.Popen(
        ["caddy", "run", "--config", str(config), "--adapter", "caddyfile"],
        stdout=subprocess.DEVNULL,
        stderr=(root / f"caddy-{n}.log").open("w"),
    )
    wait_for_port(port, 30, "caddy")
    return process, port


def write(
    args: argparse.Namespace,
    rows: list[Row],
    load_before: tuple[float, ...],
    load_after: tuple[float, ...],
    elapsed: float,
) -> None:
    medians = {(v, n, p, k): statistics.median(main) for v, n, p, k, main, _ in rows}
    ready = {(v, n, p, k): statistics.median(times) for v, n, p, k, _, times in rows}
    versions = list(dict.fromkeys(v for v, *_ in rows))
    lines = [
        "# The app on a throttled phone (performance budget)",
        "",
        f"Machine: {os.cpu_count()} CPU cores (shared), Python {platform.python_version()}, "
        f"Chromium at 390x844; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after "
        f"({elapsed:.0f} s of loads). One daphne on 127.0.0.1 with PostgreSQL and Redis on",
        "loopback, the demo student. Static files: "
        + (
            "collected as in production (hashed names, gzip/brotli copies, served by WhiteNoise), "
            "behind Caddy compressing the rest as deploy/Caddyfile does (`encode zstd gzip`)."
            if args.static == "production"
            else "the source folders, unhashed and uncompressed (as under `make run`)."
            if args.static == "source"
            else "both ways, side by side: the source folders from daphne alone (as under "
            "`make run`), and collected as in production (hashed names, gzip/brotli copies) "
            "behind Caddy compressing the rest as deploy/Caddyfile does."
        ),
        "Throttled: CPU 4x slower (`Emulation.setCPUThrottlingRate`), DevTools' Fast 3G "
        "(562.5 ms latency, 180,000 B/s down, 84,375 B/s up; `Network.emulateNetworkConditions`).",
        f"Time from navigation start to the main content visible; median of {args.samples}. "
        f"Budget: {BUDGET_MS / 1000} s throttled.",
        "",
        *(
            [
                f"Two versions served side by side on the same database (before: {args.before}),",
                "each sample taken on both one after the other.",
            ]
            if args.before
            else [
                "The same version served both ways on the same database, each sample taken on",
                "both one after the other.",
            ]
            if len(versions) > 1
            else []
        ),
        "",
        "| version | page | load | unthrottled (ms) | throttled (ms) | ratio | within 2.5 s "
        "| ready, throttled (ms) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in dict.fromkeys(n for _, n, *_ in rows):
        for kind in ("cold", "warm"):
            for version in versions:
                fast = medians[(version, name, "unthrottled", kind)]
                slow = medians[(version, name, "throttled", kind)]
                verdict = "yes" if slow <= BUDGET_MS else "**no**"
                lines.append(
                    f"| {version} | {name} | {kind} | {fast:.0f} | {slow:.0f} | "
                    f"{slow / fast:.1f}x | {verdict} | {ready[(version, name, 'throttled', kind)]:.0f} |"
                )
    lines += [
        "",
        "Warm loads: the page's CDP session throttles the page's own requests; the service",
        "worker is another target, so what it fetches from the network (NetworkFirst HTML, API",
        "reads) is not slowed by the emulated 3G, only what it answers from its caches is local",
        "anyway. Warm numbers therefore flatter the network part of the HTML request.",
        "",
    ]
    Path(args.out).write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
