"""Syntax scans the interpreter needs besides evaluation: names a statement binds or mutates,
``summary()`` calls, generator functions, every name a module binds. Each is memoised per node:
a loop asks the same question of the same statement on every iteration."""

from __future__ import annotations

import ast
import builtins
from typing import Any

import libcst as cst


def is_dataclass_decorator(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Call):
        node = node.func
    return dotted(node) in ("dataclass", "dataclasses.dataclass")


def _memoized(cache: dict, node: cst.CSTNode, compute):
    """``compute(node)``, remembered per node: a loop re-reports the same statement on every iteration.
    Keyed by id (nodes hash by id anyway) and checked by identity, as ids are reused after a tree dies."""
    cached = cache.get(id(node))
    if cached is not None and cached[0] is node:
        return cached[1]
    if len(cache) > 50_000:
        cache.clear()
    value = compute(node)
    cache[id(node)] = (node, value)
    return value


_SUMMARY_CACHE: dict[int, tuple[cst.CSTNode, list[cst.Call]]] = {}


def summary_calls(node: cst.CSTNode) -> list[cst.Call]:
    """``x.summary()`` calls in a statement that could not be followed: each is a summary not predicted."""
    return _memoized(_SUMMARY_CACHE, node, _find_summary_calls)


def _find_summary_calls(node: cst.CSTNode) -> list[cst.Call]:
    found: list[cst.Call] = []

    class Finder(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            if is_summary_call(call):
                found.append(call)

        def visit_IndentedBlock(self, block) -> bool:
            return False  # only the statement itself, not the body of an if/for

    node.visit(Finder())
    return found


def is_summary_call(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "summary"


def hashable(value: Any) -> bool:
    try:
        hash(value)
        return True
    except TypeError:
        return False


def dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted(node.value)}.{node.attr.value}"
    return ""


def import_names(node: cst.ImportFrom) -> list[tuple[str, str]]:
    if isinstance(node.names, cst.ImportStar):
        return []
    out = []
    for alias in node.names:
        imported = dotted(alias.name)
        bound = alias.asname.name.value if alias.asname is not None else imported
        out.append((imported, bound))
    return out


_BOUND_CACHE: dict[int, tuple[cst.CSTNode, list[str]]] = {}


def bound_names(node: cst.CSTNode) -> list[str]:
    """Names a statement assigns (so they become unknown when it cannot be followed)."""
    return _memoized(_BOUND_CACHE, node, _collect_bound_names)


def _collect_bound_names(node: cst.CSTNode) -> list[str]:
    names: list[str] = []

    class Collector(cst.CSTVisitor):
        def visit_AssignTarget(self, t):
            _names_in(t.target, names)

        def visit_AnnAssign(self, t):
            _names_in(t.target, names)

        def visit_AugAssign(self, t):
            _names_in(t.target, names)

        def visit_For(self, t):
            _names_in(t.target, names)

    node.visit(Collector())
    return names


def _names_in(target: cst.BaseExpression, names: list[str]) -> None:
    if isinstance(target, cst.Name):
        names.append(target.value)
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            _names_in(element.value, names)


PY_BUILTINS = set(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__", "__loader__", "__builtins__",
                                      "__package__", "__path__", "__annotations__"}


class LazyBoundNames:
    """``names_bound_in(module)``, computed on the first membership test."""

    __slots__ = ("_module", "_source", "_names")

    def __init__(self, module: cst.Module, source: str | None):
        self._module, self._source, self._names = module, source, None

    def __contains__(self, name: str) -> bool:
        if self._names is None:
            self._names = names_bound_in(self._module, self._source)
            self._module = self._source = None
        return name in self._names


def names_bound_in(module: cst.Module, source: str | None = None) -> set[str]:
    """Every name any statement of the module could bind (assignments, defs, imports, params ...).

    Read with ``ast`` from the module's text: one C-level parse and walk is far cheaper than a
    libcst visit of the whole tree (which dominated the editor's latency)."""
    try:
        tree = ast.parse(source if source is not None else module.code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
    return names




_GENERATOR_CACHE: dict[int, tuple[cst.CSTNode, bool]] = {}


def is_generator(node: cst.FunctionDef) -> bool:
    return _memoized(_GENERATOR_CACHE, node, _has_yield)


def _has_yield(node: cst.FunctionDef) -> bool:
    found = []

    class Finder(cst.CSTVisitor):
        def visit_Yield(self, _node) -> None:
            found.append(True)

        def visit_FunctionDef(self, inner) -> bool:
            return inner is node  # a nested function's yield makes it, not this one, a generator

        def visit_Lambda(self, _node) -> bool:
            return False

        def visit_ClassDef(self, _node) -> bool:
            return False

    node.visit(Finder())
    return bool(found)


_MUTATORS = {"append", "extend", "insert", "pop", "remove", "update", "add", "setdefault", "clear", "popitem",
             "discard", "sort", "reverse", "appendleft", "build"}
_MUTATED_CACHE: dict[int, tuple[cst.CSTNode, list[str]]] = {}


def mutated_names(node: cst.CSTNode) -> list[str]:
    """Names whose object a block changes in place (``xs.append(...)``, ``d[k] = v``, ``model.add(l)``)."""
    return _memoized(_MUTATED_CACHE, node, _collect_mutated_names)


def _collect_mutated_names(node: cst.CSTNode) -> list[str]:
    names: list[str] = []

    class Collector(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            func = call.func
            if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.attr.value in _MUTATORS:
                names.append(func.value.value)

        def visit_AssignTarget(self, t) -> None:
            if isinstance(t.target, cst.Subscript) and isinstance(t.target.value, cst.Name):
                names.append(t.target.value.value)

    node.visit(Collector())
    return names


def find_all_summary_calls(module: cst.Module) -> list[cst.Call]:
    found: list[cst.Call] = []

    class Finder(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            if is_summary_call(call):
                found.append(call)

    module.visit(Finder())
    return found
