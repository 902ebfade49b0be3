"""The shape of the package: imports run down the stages, no circles, one module touches vobject.

    core  <-  understand, read  <-  contacts  <-  deliver  <-  the application (cli, batch, watch, filing, ...)

``understand`` (text in, a contact out) and ``read`` (a photo in, OCR lines out) stand side by side and do
not import each other. The imports are read from the source (ast), those inside functions too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "pipeline"
# the rank of each stage: a module may import its own stage and those of a lower rank only
STAGES = {"core": 0, "understand": 1, "read": 1, "contacts": 2, "deliver": 3}
APPLICATION = 4  # pipeline/*.py: cli, batch, watch, filing, refile, report, meeting, workers


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str, top_level_only: bool = False) -> Iterator[str]:
    """The modules of cardscan that ``name`` imports (``from . import x`` as the module x when there is one)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "pipeline":
                    yield _known(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            elif node.module and node.module.split(".")[0] == "pipeline":
                target = node.module
            else:
                continue
            for alias in node.names:
                yield f"{target}.{alias.name}" if f"{target}.{alias.name}" in MODULES else _known(target)


def _known(name: str) -> str:
    while name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def stage(name: str) -> tuple[str, int]:
    parts = name.split(".")
    if len(parts) > 2 or (len(parts) == 2 and parts[1] in STAGES):
        return parts[1], STAGES[parts[1]]
    return "application", APPLICATION


def test_every_import_runs_down_the_stages():
    wrong = []
    for name in MODULES:
        where, rank = stage(name)
        for target in imports(name):
            their, their_rank = stage(target)
            if their != where and (their_rank > rank or (their_rank == rank and where != "application")):
                wrong.append(f"{name} ({where}) imports {target} ({their})")
    assert wrong == []


def test_no_circles_among_the_modules():
    graph = {name: set(imports(name, top_level_only=True)) - {name} for name in MODULES}
    seen: dict[str, int] = {}  # 1: on the current path, 2: done
    circles = []

    def visit(name: str, path: list[str]) -> None:
        seen[name] = 1
        for target in sorted(graph[name]):
            if target.startswith(name + ".") or name.startswith(target + "."):
                continue  # a package and its own modules
            if seen.get(target) == 1:
                circles.append(" -> ".join([*path[path.index(target):], target]))
            elif target not in seen:
                visit(target, [*path, target])
        seen[name] = 2

    for name in MODULES:
        if name not in seen:
            visit(name, [name])
    assert circles == []


@pytest.mark.parametrize("folder", ["pipeline", "tools"])
def test_only_the_vcard_wrapper_imports_vobject(folder: str):
    """Tests may use vobject: it is the third-party reader that checks what cardscan writes."""
    importers = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n.split(".")[0] == "vobject" for n in names):
                importers.append(str(path.relative_to(ROOT)))
    assert sorted(set(importers)) == (["pipeline/core/vcard.py"] if folder == "pipeline" else [])


def test_the_stages_are_the_packages_the_test_knows():
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert packages == set(STAGES)


@pytest.mark.parametrize("folder", ["pipeline", "tools"])
def test_no_module_imports_another_ones_private_names(folder: str):
    private = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                private += [f"{path.relative_to(ROOT)}: {node.module}.{a.name}" for a in node.names
                            if a.name.startswith("_") and not a.name.startswith("__")]
    assert private == []
