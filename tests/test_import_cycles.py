"""No import cycles between kerascheck's modules (issue 16).

The modules are read with ``ast``, never imported. Every import counts, at the top of a module or
inside a function (a function-level import that breaks a cycle at run time is still a cycle in the
design); imports under ``if TYPE_CHECKING:`` do not (they never run). ``from pkg import name``
depends on the submodule ``pkg.name`` when there is one, else on ``pkg`` itself; importing
``a.b.c`` is a dependency on ``a.b.c`` only (not on the packages above it, whose ``__init__`` would
otherwise put every package that re-exports its submodules in a cycle).
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kerascheck"

# Import edges (importer, imported) inside a cycle in code others are changing right now: the lead
# removes each entry once the issue named beside it is merged and the cycle is gone. Nothing else
# belongs here: a new cycle is fixed, not listed.
KNOWN_CYCLE_EDGES: frozenset[tuple[str, str]] = frozenset()
# The same between packages (a subpackage or a top-level module is one node): every module of the
# first imports nothing of the second.
KNOWN_PACKAGE_CYCLE_EDGES: frozenset[tuple[str, str]] = frozenset()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every Import / ImportFrom node, skipping the bodies of ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def dependencies(name: str, path: Path, known: set[str]) -> set[str]:
    """The kerascheck modules ``name`` imports."""
    is_package = path.name == "__init__.py"
    deps: set[str] = set()
    for node in _imports(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            deps.update(alias.name for alias in node.names if alias.name in known)
            continue
        if node.level:
            base = name.split(".") if is_package else name.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        for alias in node.names:
            if f"{target}.{alias.name}" in known:
                deps.add(f"{target}.{alias.name}")
            elif target in known:
                deps.add(target)
    deps.discard(name)
    return deps


@functools.lru_cache(maxsize=1)
def import_graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: dependencies(name, path, known) for name, path in found.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return sorted(components)


def package_of(module: str) -> str:
    """The unit of the package-level graph: ``kerascheck.shapes.base`` -> ``kerascheck.shapes``."""
    return ".".join(module.split(".")[:2])


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    packages: dict[str, set[str]] = {}
    for a, deps in graph.items():
        packages.setdefault(package_of(a), set()).update(
            package_of(b) for b in deps if package_of(b) != package_of(a))
    return packages


def describe(component: list[str], graph: dict[str, set[str]]) -> str:
    members = set(component)
    edges = sorted(f"{a} -> {b}" for a in component for b in graph[a] if b in members)
    return "cycle between " + ", ".join(component) + ":\n    " + "\n    ".join(edges)


def test_no_import_cycles():
    graph = import_graph()
    pruned = {a: {b for b in deps if (a, b) not in KNOWN_CYCLE_EDGES} for a, deps in graph.items()}
    found = cycles(pruned)
    assert not found, "import cycles:\n" + "\n".join(describe(c, pruned) for c in found)


def test_no_package_cycles():
    graph = package_graph(import_graph())
    pruned = {a: {b for b in deps if (a, b) not in KNOWN_PACKAGE_CYCLE_EDGES} for a, deps in graph.items()}
    found = cycles(pruned)
    assert not found, "import cycles between packages:\n" + "\n".join(describe(c, pruned) for c in found)


@pytest.mark.parametrize("graph_of, allowed", [
    (lambda g: g, KNOWN_CYCLE_EDGES), (package_graph, KNOWN_PACKAGE_CYCLE_EDGES)], ids=["modules", "packages"])
def test_known_cycle_edges_still_exist(graph_of, allowed):
    """An allow-listed edge that is gone (or no longer in a cycle) is removed from the list."""
    graph = graph_of(import_graph())
    in_cycle = {(a, b) for component in cycles(graph) for a in component for b in graph[a] if b in component}
    stale = sorted((a, b) for a, b in allowed - in_cycle if a in graph and b in graph)
    assert not stale, f"remove from the allow-list (no longer part of a cycle): {stale}"


def test_rules_do_not_import_each_other():
    """A helper two rules share lives in a ``rules/_*.py`` module, not in one of the rules."""
    graph = import_graph()
    rule = re.compile(r"kerascheck\.rules\.kc\d{3}_\w+$")
    crossing = sorted((a, b) for a, deps in graph.items() if rule.match(a) for b in deps if rule.match(b))
    assert not crossing, crossing


@pytest.mark.parametrize("source, expected", [
    ("from . import b\n", {"pkg.b"}),
    ("from .b import f\n", {"pkg.b"}),
    ("def f():\n    from .b import g\n", {"pkg.b"}),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import T\n", set()),
    ("import pkg.b\n", {"pkg.b"}),
    ("from .. import c\n", set()),
])
def test_dependencies(tmp_path, source, expected):
    path = tmp_path / "a.py"
    path.write_text(source)
    assert dependencies("pkg.a", path, {"pkg", "pkg.a", "pkg.b"}) == expected


def _packages() -> list[Path]:
    return sorted(PACKAGE.rglob("__init__.py"))


def declared_imports(docstring: str) -> set[str] | None:
    """The kerascheck packages and modules a ``May import:`` paragraph names (None without one)."""
    start = docstring.find("May import:")
    if start < 0:
        return None
    paragraph = docstring[start + len("May import:"):].split("\n\n")[0].strip()
    if paragraph.startswith("nothing"):
        return set()
    return set(re.findall(r"\bkerascheck(?:\.\w+)*", paragraph))


# Packages that another branch creates without the paragraph yet (the lead writes it when merging).
PENDING_DOCSTRINGS: frozenset[str] = frozenset()


@pytest.mark.parametrize("init", _packages(), ids=lambda p: module_name(p))
def test_package_says_what_it_owns_and_may_import(init):
    """Every package's docstring says what it owns and what it may import, and the imports keep to it."""
    docstring = ast.get_docstring(ast.parse(init.read_text("utf-8"))) or ""
    if module_name(init) in PENDING_DOCSTRINGS and "May import:" not in docstring:
        pytest.skip("issue 18's package: its docstring gets the paragraph when merged")
    assert "May import:" in docstring, f"{module_name(init)}: the docstring says what it owns and may import"
    allowed = declared_imports(docstring)
    package = module_name(init)
    graph = import_graph()
    inside = (lambda m: m == package) if package == "kerascheck" else (
        lambda m: m == package or m.startswith(package + "."))
    used = {package_of(b) for a, deps in graph.items() if inside(a) for b in deps if not inside(b)}
    assert used <= allowed, f"{package} imports {sorted(used - allowed)}, which its docstring does not allow"
