"""``make benchmarks`` (``python -m benchmarks [NAME ...]``): runs every benchmark script, or
those whose path contains one of the NAMEs (``ml``, ``realtime``, ``tutor`` …), one after the
other in their own process, so that each measures a quiet machine. Each script writes its
results table next to itself (``results*.md``); this only runs them and reports failures.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def scripts() -> list[Path]:
    """Every benchmark script: a module under benchmarks/<area>/ that runs as a program."""
    return sorted(
        path
        for path in ROOT.glob("*/*.py")
        if path.name != "__init__.py" and 'if __name__ == "__main__":' in path.read_text()
    )


def main(names: list[str]) -> int:
    # Matched against the path inside benchmarks/ (a checkout under a folder named "pwa"
    # would otherwise match every script).
    chosen = [
        path
        for path in scripts()
        if not names or any(n in str(path.relative_to(ROOT)) for n in names)
    ]
    if not chosen:
        print(
            f"No benchmark matches {names}; there are: {[str(p.relative_to(ROOT)) for p in scripts()]}"
        )
        return 2
    failed = []
    for path in chosen:
        name = path.relative_to(ROOT.parent)
        print(f"== {name}", flush=True)
        started = time.monotonic()
        result = subprocess.run([sys.executable, str(name)], cwd=ROOT.parent)
        print(f"== {name}: exit {result.returncode} in {time.monotonic() - started:.0f} s")
        if result.returncode:
            failed.append(str(name))
    if failed:
        print("Failed: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
