"""No import cycle inside the khronika package.

Every `import` and `from ... import` in khronika/**/*.py counts, the ones
inside functions too: a deferred import only hides a cycle from the
interpreter, the two modules still depend on each other. An edge goes to the
most specific module the statement names (`from khronika.web import auth` ->
khronika.web.auth, `from khronika.web import create_app` -> khronika.web).
Importing a submodule also runs its package's __init__, but that implicit
step is not counted: it is how packages work, not a dependency anyone wrote.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent / "khronika"


def module_files(root: Path = PACKAGE_ROOT) -> dict[str, Path]:
    modules = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _owning_module(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imported_modules(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that `module` imports anywhere in its file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(_owning_module(alias.name, modules) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:                               # relative: from . / from ..x
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules else _owning_module(base, modules))
    found.discard(None)
    found.discard(module)
    return found


def import_graph(root: Path = PACKAGE_ROOT) -> dict[str, set[str]]:
    modules = module_files(root)
    return {module: imported_modules(module, path, modules) for module, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = lowlink[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = lowlink[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    lowlink[node] = min(lowlink[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                lowlink[parent] = min(lowlink[parent], lowlink[node])
            if lowlink[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def test_khronika_has_no_import_cycle():
    graph = import_graph()
    assert "khronika.web.app" in graph and "khronika.web.api" in graph["khronika.web.app"]
    found = cycles(graph)
    assert not found, "import cycles (each a set of modules that import one another): " + "; ".join(
        " <-> ".join(component) for component in found)


def test_the_checker_sees_a_cycle_through_a_function_level_import(tmp_path):
    # The check itself must catch what it guards against, deferred imports included.
    package = tmp_path / "khronika"
    (package / "web").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "web" / "__init__.py").write_text("")
    (package / "web" / "app.py").write_text("def build():\n    from khronika.web import pages\n")
    (package / "web" / "pages.py").write_text("from khronika.web.app import build\n")
    (package / "web" / "service.py").write_text("from . import app\n")
    graph = import_graph(package)
    assert graph["khronika.web.service"] == {"khronika.web.app"}
    assert cycles(graph) == [["khronika.web.app", "khronika.web.pages"]]
