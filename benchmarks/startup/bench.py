"""How long ``make run`` takes to serve on its second start, and what one Django process costs.

Run: ``make benchmarks ONLY=startup`` (or ``python benchmarks/startup/bench.py``). Writes
``benchmarks/startup/results.md``.

Both sequences run in the same session, alternating, on one SQLite database already migrated
and loaded (what a developer has after the first ``make run``), the ML service left out (it
starts in parallel and is not waited for):

* **before**: what ``make run`` did until this change — ``migrate``, ``load_demo_data``,
  ``runserver`` (with its system checks) until ``/api/v1/health/`` answers, ``list_demo_logins``:
  four Django processes.
* **after**: ``prepare_embedded --serve`` (skips a no-op migrate and an unchanged demo, then
  serves in the same process) until healthy, the logins read from a file: one Django process.

With ``BEFORE=<another checkout> PREPARED=<dir>``: the second start of that checkout against
this one on copies of one prepared database (``against_checkout``), without the first start.

Per process: ``manage.py check`` as it is (heavy libraries load on first use, ``core.lazy``)
against the same with those libraries imported up front, as before.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
ROUNDS = int(os.environ.get("ROUNDS", "5"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def serve_until_healthy(
    env: dict[str, str], *command: str, root: Path = ROOT, python: str = PYTHON
) -> None:
    """Runs ``manage.py <command> 127.0.0.1:<port>`` until /api/v1/health/ answers."""
    port = free_port()
    server = subprocess.Popen(
        [python, "manage.py", *command, f"127.0.0.1:{port}"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health/", timeout=2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the server never became healthy")
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)  # a loaded machine: daphne closes its connections first
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def before(env: dict[str, str]) -> None:
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo_data")
    serve_until_healthy(env, "runserver", "--noreload")
    manage(env, "list_demo_logins")


def after(env: dict[str, str]) -> None:
    serve_until_healthy(env, "prepare_embedded", "--serve")
    (Path(env["TOTO_VAR_DIR"]) / "demo-logins.txt").read_text()


EAGER = (
    "import sys, runpy; import openai, wordfreq, fpdf; "
    "sys.argv = ['manage.py', 'check']; runpy.run_path('manage.py', run_name='__main__')"
)


def check_lazy(env: dict[str, str]) -> None:
    manage(env, "check")


def check_eager(env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "-c", EAGER], cwd=ROOT, env=env, check=True, capture_output=True)


def timed(function, env: dict[str, str]) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    function(env)
    return time.perf_counter() - started


def pairs(a, b, env: dict[str, str]) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    first: list[float] = []
    second: list[float] = []
    for _ in range(ROUNDS):
        first.append(timed(a, env))
        second.append(timed(b, env))
    return first, second


def row(label: str, base: list[float], new: list[float]) -> str:
    ratios = [n / b for n, b in zip(new, base, strict=True)]
    return (
        f"| {label} | {statistics.median(base):.2f} s | {statistics.median(new):.2f} s | "
        f"{statistics.median(ratios):.2f}x (min {min(ratios):.2f}, max {max(ratios):.2f}) |"
    )


def against_checkout(before_root: Path, prepared: Path) -> None:
    """The second start of another checkout (``BEFORE=<its root>``, its own .venv) against
    this one, alternating, each on its own copy of one database already migrated and loaded
    (``PREPARED=<dir>`` holding ``toto.sqlite3`` and ``var/``): what this branch changed."""
    import shutil

    before_python = str(before_root / ".venv" / "bin" / "python")
    times: dict[str, list[float]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory() as tmp:
        envs = {}
        for name in times:
            shutil.copytree(prepared, Path(tmp) / name)
            # The demo state names the database it describes: name the copy.
            state = Path(tmp) / name / "var" / "demo-state.json"
            if state.exists():
                old = str(prepared / "toto.sqlite3")
                new = str(Path(tmp) / name / "toto.sqlite3")
                state.write_text(state.read_text().replace(old, new))
            envs[name] = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "toto.settings.dev",
                "TOTO_VAR_DIR": str(Path(tmp) / name / "var"),
                "DATABASE_URL": f"sqlite:///{tmp}/{name}/toto.sqlite3",
            }
        for round_number in range(ROUNDS + 1):  # the first round warms both up, not counted
            for name, root, python in (
                ("before", before_root, before_python),
                ("after", ROOT, PYTHON),
            ):
                started = time.perf_counter()
                serve_until_healthy(
                    envs[name], "prepare_embedded", "--serve", root=root, python=python
                )
                took = time.perf_counter() - started
                print(f"round {round_number} {name}: {took:.2f} s", flush=True)
                if round_number:
                    times[name].append(took)
    load = os.getloadavg()
    commit = subprocess.run(
        ["git", "-C", str(before_root), "log", "-1", "--format=%h"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    lines = [
        "# `make run` second start: this branch against the checkout before it",
        "",
        f"{ROUNDS} alternating rounds after a warm-up round, on {os.cpu_count()} cores shared "
        f"with other sessions; load average at the end {load[0]:.1f} / {load[1]:.1f} / "
        f"{load[2]:.1f} (1/5/15 min). `prepare_embedded --serve` until /api/v1/health/ answers, "
        "each on its own copy of one migrated and loaded SQLite database; the ML service left "
        "out (it starts beside it, niced).",
        "",
        f"| what | before ({commit or before_root}) | after | after / before |",
        "|---|---|---|---|",
        row("second start until healthy", times["before"], times["after"]),
        "",
    ]
    output = Path(os.environ.get("OUT", Path(__file__).with_name("results.md")))
    output.write_text("\n".join(lines))
    print("\n".join(lines))


def main() -> None:
    if os.environ.get("BEFORE") and os.environ.get("PREPARED"):
        against_checkout(Path(os.environ["BEFORE"]), Path(os.environ["PREPARED"]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "toto.settings.dev",
            "TOTO_VAR_DIR": str(Path(tmp) / "var"),
            "DATABASE_URL": f"sqlite:///{tmp}/toto.sqlite3",
        }
        started = time.perf_counter()
        manage(env, "prepare_embedded")
        first_start = time.perf_counter() - started
        check = pairs(check_eager, check_lazy, env)
        start = pairs(before, after, env)
    load = os.getloadavg()[0]
    lines = [
        "# `make run` second start and Django process start-up",
        "",
        f"{ROUNDS} alternating rounds on {os.cpu_count()} cores; load average at the end "
        f"{load:.1f}. Medians of wall time; the ratio is new/old pair by pair.",
        "",
        "| what | old | new | new / old |",
        "|---|---|---|---|",
        row("one process: `manage.py check` (heavy libraries eager → lazy)", *check),
        row("second start until healthy (4 processes → 1)", *start),
        "",
        f"First start (migrate a new SQLite database and load the demo): {first_start:.1f} s.",
        "",
    ]
    output = Path(__file__).with_name("results.md")
    output.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
