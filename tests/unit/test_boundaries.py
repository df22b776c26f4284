"""The layering holds: the Textual-free packages load without Textual or Rich, and no
module imports one that imports it back. (`lint-imports` checks the same contracts from
pyproject.toml; these tests make a plain `pytest` run fail too.)"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

import fleettui

ROOT = Path(__file__).resolve().parent.parent.parent
#: Packages allowed to import Textual: the app and the command line that starts it.
TEXTUAL_PACKAGES = {"fleettui.ui", "fleettui.cli"}


def textual_free_packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    return next(c["source_modules"] for c in contracts if c["id"] == "textual-free")


def modules_of(package: str) -> list[str]:
    module = __import__(package, fromlist=["__path__"])
    return [package] + sorted(
        info.name for info in pkgutil.walk_packages(module.__path__, package + ".")
    )


def test_every_package_is_on_one_side_of_the_line() -> None:
    """A new package must be named in the contract (or be the UI / CLI), so none escapes it."""
    packages = {
        f"fleettui.{info.name}" for info in pkgutil.iter_modules(fleettui.__path__) if info.ispkg
    }
    free = set(textual_free_packages())
    assert packages - TEXTUAL_PACKAGES == free
    assert not free & TEXTUAL_PACKAGES


#: Run in a fresh interpreter: Textual and Rich made unimportable (httpx imports Rich for
#: its own command line when it is installed, and copes when it is not), then every
#: module of the package imported. A module that needs an optional extra that is not
#: installed (the web mode's aiohttp) is left out. Prints what of Textual and Rich got
#: loaded anyway, and the modules left out.
_WITHOUT_TEXTUAL = """
import importlib, importlib.abc, json, sys

class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("textual", "rich"):
            raise ImportError(f"{name} is not importable here")
        return None

sys.meta_path.insert(0, Refuse())
left_out = []
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as exc:  # not Refuse's ImportError: a missing extra
        if (exc.name or "fleettui").split(".")[0] in ("fleettui", "textual", "rich"):
            raise
        left_out.append(name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
print(json.dumps([loaded, left_out]))
"""


@pytest.mark.parametrize("package", textual_free_packages())
def test_package_loads_without_textual(package: str) -> None:
    """Every module of the package imports in a fresh interpreter where Textual and Rich
    cannot be imported, and neither is in sys.modules afterwards."""
    modules = modules_of(package)
    assert len(modules) >= 2, modules
    out = subprocess.run(
        [sys.executable, "-c", _WITHOUT_TEXTUAL, *modules],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    loaded, left_out = json.loads(out.stdout)
    assert loaded == []
    assert len(left_out) < len(modules), f"nothing of {package} could be imported here"


def test_the_import_check_catches_textual() -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            _WITHOUT_TEXTUAL,
            "fleettui.ui.colours",
            "fleettui.ui.widgets.header",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0 and "is not importable here" in out.stderr


def strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """Groups of fleettui modules that import each other, directly or through others
    (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index or not root.startswith("fleettui"):
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if not child.startswith("fleettui"):
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return groups


def test_no_import_cycles() -> None:
    """Not even through an import made only for type checking, or inside a function:
    a package and its modules, and modules among themselves, form no cycle."""
    graph = grimp.build_graph("fleettui", exclude_type_checking_imports=False)
    assert strongly_connected(graph) == []


def test_the_cycle_finder_finds_cycles() -> None:
    graph = grimp.ImportGraph()
    for name in ("fleettui.a", "fleettui.b", "fleettui.c", "fleettui.d"):
        graph.add_module(name)
    graph.add_import(importer="fleettui.a", imported="fleettui.b")
    graph.add_import(importer="fleettui.b", imported="fleettui.c")
    graph.add_import(importer="fleettui.c", imported="fleettui.a")
    graph.add_import(importer="fleettui.c", imported="fleettui.d")
    assert strongly_connected(graph) == [["fleettui.a", "fleettui.b", "fleettui.c"]]


def test_psycopg_is_imported_only_when_a_desk_is_used() -> None:
    """The terminal app, the command line and the desk package's own modules load without
    psycopg; only connecting to a desk imports it (fleettui/desk/connection.py)."""
    modules = ["fleettui.ui.app", "fleettui.cli.main", *modules_of("fleettui.desk")]
    code = (
        "import importlib, sys, json\n"
        "for m in sys.argv[1:]: importlib.import_module(m)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'psycopg')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *modules],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []
    for path in (ROOT / "fleettui").rglob("*.py"):
        if "desk" in path.relative_to(ROOT / "fleettui").parts[:1]:
            continue
        assert "import psycopg" not in path.read_text(), path
