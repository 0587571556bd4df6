"""The dependency rules of docs/architecture.md, checked on the source: no import cycle
between apps (function-level imports count), the base apps import no app above them, and no
app imports the real-time layer (its consumers import the apps, never the reverse)."""

from pathlib import Path

from core.testing.import_graph import (
    Import,
    cycles,
    find_apps,
    imports_between_apps,
    imports_between_modules,
)

ROOT = Path(__file__).resolve().parent.parent
IMPORTS = imports_between_apps(ROOT)


def _edges(matching) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(edge) for edge in IMPORTS if matching(edge)]


def test_the_graph_is_read_from_the_source():
    # The check can't pass by finding nothing: known edges are there.
    targets = {(edge.source, edge.target) for edge in IMPORTS}
    assert ("tutoring", "payments") in targets and ("realtime", "messaging") in targets
    assert ("learning", "cms.learning") in targets


def test_no_import_cycle_between_apps():
    found = cycles(IMPORTS)
    assert not found, "\n".join(
        [f"Cycle: {' <-> '.join(component)}" for component in found]
        + [
            str(edge)
            for component in found
            for edge in IMPORTS
            if edge.source in component and edge.target in component
        ]
    )


def test_no_import_cycle_between_the_modules_of_an_app():
    """Inside an app, services enqueue tasks by name through ``core.dispatch`` and tasks call
    services; modules that two others share (``tutoring.services.rows``) sit below both."""
    edges = imports_between_modules(ROOT)
    assert any(edge.source == "tutoring.tasks" for edge in edges)  # the graph is not empty
    found = cycles(edges)
    assert not found, "\n".join(
        [f"Cycle: {' <-> '.join(component)}" for component in found]
        + [
            str(edge)
            for component in found
            for edge in edges
            if edge.source in component and edge.target in component
        ]
    )


def test_core_imports_no_app_and_accounts_only_core():
    assert not _edges(lambda edge: edge.source == "core")
    assert not _edges(lambda edge: edge.source == "accounts" and edge.target != "core")


def test_no_app_imports_the_realtime_layer():
    """Fan-out and group names live in core.fanout; consumers call the apps' services."""
    assert not _edges(lambda edge: edge.target == "realtime")


def test_a_cycle_is_found_when_there_is_one():
    edges = [Import("a", "b", "a.py", 1), Import("b", "c", "b.py", 1), Import("c", "a", "c.py", 1)]
    assert cycles(edges) == [["a", "b", "c"]]
    assert cycles(edges[:2]) == []


def test_test_modules_have_unique_names():
    """pytest imports test modules by file name (no __init__.py in tests/): two modules of
    the same name in one run stop the whole run at collection. Browser tests run apart."""
    from collections import Counter

    names = Counter(
        path.name for path in (ROOT / "tests").rglob("test_*.py") if "e2e" not in path.parts
    )
    assert not [name for name, count in names.items() if count > 1]


def test_the_architecture_page_matches_the_imports():
    """docs/architecture.md's table and drawing of the apps say what each app imports; both
    are compared with the source so that a newcomer's map is the real one."""
    import re

    page = (ROOT / "docs" / "architecture.md").read_text()
    base = {"core", "accounts"}
    actual: dict[str, set[str]] = {app: set() for app in find_apps(ROOT)}
    for edge in IMPORTS:
        if edge.source in actual and edge.target != edge.source:
            actual[edge.source].add(edge.target)
    wanted = {app: targets - base for app, targets in actual.items()}

    table: dict[str, set[str]] = {}
    layers: dict[str, int] = {}
    for layer, app, targets in re.findall(r"^\| (\d+) \| `([\w.]+)` \| (.+?) \|$", page, re.M):
        table[app] = set() if targets == "—" else {t.strip() for t in targets.split(",")}
        layers[app] = int(layer)
    assert table == wanted, "\n".join(
        f"{app}: the page says {sorted(table.get(app, set()))}, the code imports {sorted(wanted.get(app, set()))}"
        for app in sorted(set(table) | set(wanted))
        if table.get(app) != wanted.get(app)
    )
    for app, targets in wanted.items():
        for target in targets:
            assert layers[target] < layers[app], f"{app} (layer {layers[app]}) imports {target}"

    drawn: dict[str, set[str]] = {app: set() for app in wanted}
    for source, target in re.findall(r"^  \w+\[([\w.]+)\] --> \w+\[([\w.]+)\]$", page, re.M):
        drawn.setdefault(source, set()).add(target)
    assert drawn == wanted, "the drawing differs from the imports"
