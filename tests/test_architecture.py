"""No cycle between the project's modules at import time (docs/architecture.md, "One stack").

import-linter checks the direction between apps; this checks each module pair inside them. Only
imports that run when a module is loaded count: a task that imports its service inside the
function body (STYLE rule 10) and imports under `if TYPE_CHECKING:` are not edges.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("club", "pages", "staff", "privacy", "health", "board", "missions", "members")
PACKAGES += ("notifications",)
PACKAGES += ("core", "tools")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _load_time_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Imports in the module body (and its try/if blocks), not in functions or classes."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If) and not _is_type_checking(node):
            pending += node.body + node.orelse
        elif isinstance(node, ast.Try):
            pending += node.body + node.orelse + node.finalbody
            for handler in node.handlers:
                pending += handler.body
    return found


def _edges(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in _load_time_imports(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            # `from pkg import sub` imports the module pkg.sub; `from mod import name` imports mod.
            submodule = f"{base}.{alias.name}"
            targets.add(submodule if submodule in modules else base)
    return {target for target in targets if target in modules and target != name}


def import_cycles(modules: dict[str, Path]) -> list[list[str]]:
    """Strongly connected groups of two or more modules (Tarjan), each sorted."""
    graph = {name: _edges(name, path, modules) for name, path in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return cycles


def test_no_import_cycle_between_project_modules():
    modules = _modules()
    assert "missions.services.applications" in modules  # the walk sees the packages
    assert import_cycles(modules) == []


@pytest.fixture
def cyclic_package(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "services.py").write_text("from pkg import tasks\n")
    (package / "tasks.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from pkg import views\n"
        "def run():\n    from pkg import services\n"
    )
    (package / "views.py").write_text("from pkg.services import x\n")
    return package


def test_the_check_sees_a_load_time_cycle_and_ignores_deferred_imports(cyclic_package, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", cyclic_package.parent)
    modules = {_module_name(path): path for path in cyclic_package.rglob("*.py")}
    # The task's body import and the TYPE_CHECKING import are no edges: no cycle yet.
    assert import_cycles(modules) == []

    (cyclic_package / "tasks.py").write_text("from pkg import services\n")
    assert import_cycles(modules) == [["pkg.services", "pkg.tasks"]]
