"""The import graph between Toto's apps, read from the source (every import statement,
function-level and TYPE_CHECKING ones included: a cycle through a function-level import is
still a cycle in the design, and the next refactor turns it into a module-level one).

Apps are the packages under ``platform/`` (except the project package ``toto``, which wires
them all), each Wagtail app under ``cms/`` (``cms.learning``, ``cms.site`` …) and
``realtime``. Migrations are left out: they name other apps' migrations by design.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

PROJECT_PACKAGE = "toto"


@dataclass(frozen=True)
class Import:
    source: str  # the importing app
    target: str  # the imported app
    path: str  # file, relative to the repository root
    line: int

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} ({self.path}:{self.line})"


def find_apps(root: Path) -> dict[str, Path]:
    apps: dict[str, Path] = {}
    for folder in sorted((root / "platform").iterdir()):
        if (folder / "__init__.py").exists() and folder.name != PROJECT_PACKAGE:
            apps[folder.name] = folder
    for folder in sorted((root / "cms").iterdir()):
        if (folder / "__init__.py").exists():
            apps[f"cms.{folder.name}"] = folder
    apps["realtime"] = root / "realtime"
    return apps


def app_of(module: str, apps: dict[str, Path]) -> str | None:
    parts = module.split(".")
    if parts[0] == "cms" and len(parts) > 1:
        name = f"cms.{parts[1]}"
        return name if name in apps else None
    return parts[0] if parts[0] in apps else None


def imports_between_apps(root: Path) -> list[Import]:
    apps = find_apps(root)
    found: list[Import] = []
    for app, folder in apps.items():
        for path in sorted(folder.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    target = app_of(module, apps)
                    if target is not None and target != app:
                        found.append(Import(app, target, str(path.relative_to(root)), node.lineno))
    return found


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[0] == "platform":
        parts = parts[1:]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imported_names(node: ast.AST, package: str) -> list[str]:
    """The dotted names an import statement may refer to (module and module.attribute)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = package.split(".")
        if node.level > 1:
            base = base[: -(node.level - 1)]
        module = ".".join(base) + (f".{node.module}" if node.module else "")
    else:
        module = node.module or ""
    return [module] + [f"{module}.{alias.name}" for alias in node.names]


def imports_between_modules(root: Path) -> list[Import]:
    """Imports between the modules of one app (``tutoring.services.bookings`` ->
    ``tutoring.tasks``), function-level ones included; a package's ``__init__`` importing its
    own submodules is left out (re-exports are not a dependency of the design)."""
    apps = find_apps(root)
    modules: dict[str, Path] = {}
    for folder in apps.values():
        for path in folder.rglob("*.py"):
            if "migrations" not in path.parts:
                modules[_module_name(path, root)] = path
    found: list[Import] = []
    for module, path in sorted(modules.items()):
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        app = app_of(module, apps)
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            for name in _imported_names(node, package):
                parts = name.split(".")
                while parts and ".".join(parts) not in modules:
                    parts.pop()
                target = ".".join(parts)
                if (
                    target
                    and target != module
                    and app_of(target, apps) == app
                    and not target.startswith(f"{module}.")
                    and not module.startswith(f"{target}.")
                ):
                    found.append(
                        Import(module, target, str(path.relative_to(root)), node.lineno)  # type: ignore[attr-defined]
                    )
    return found


def cycles(imports: list[Import]) -> list[list[str]]:
    """The strongly connected components with more than one app (Tarjan), each sorted."""
    graph: dict[str, set[str]] = defaultdict(set)
    for edge in imports:
        graph[edge.source].add(edge.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(components)
