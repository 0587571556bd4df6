"""The review page preloads review.js's whole module graph (one round trip instead of one per
import level on a slow phone, benchmarks/pwa): the list in the template follows the imports."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

STATIC = (Path(settings.BASE_DIR) / "static").resolve()
IMPORT = re.compile(r'^import\s[^"\']*["\'](\.{1,2}/[^"\']+)["\'];?', re.MULTILINE)


def module_graph(entry: Path) -> set[str]:
    seen: set[Path] = set()
    todo = [entry]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        for target in IMPORT.findall(module.read_text(encoding="utf-8")):
            todo.append((module.parent / target).resolve())
    return {"/static/" + str(path.relative_to(STATIC)) for path in seen}


def test_every_module_review_js_imports_is_preloaded(client, student) -> None:  # type: ignore[no-untyped-def]
    graph = module_graph(STATIC / "js/vocabulary/review.js")
    assert "/static/dist/idb.js" in graph  # four levels deep
    client.force_login(student)
    html = client.get("/vocabulary/review/").content.decode()
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)"[^>]*>', html))
    assert preloaded == graph
