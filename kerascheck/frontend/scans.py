"""Syntax scans the interpreter needs besides evaluation: names a statement binds or mutates,
``summary()`` calls, generator functions, every name a module binds. Each is memoised per node:
a loop asks the same question of the same statement on every iteration."""

from __future__ import annotations

import ast
import builtins
import dataclasses
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
    # only the statement itself, not the body of an if/for
    return [n for n in walk(node, prune=(cst.IndentedBlock,)) if is_summary_call(n)]


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
    for n in walk(node):
        if isinstance(n, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For)):
            _names_in(n.target, names)
    return names


def _names_in(target: cst.BaseExpression, names: list[str]) -> None:
    if isinstance(target, cst.Name):
        names.append(target.value)
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            _names_in(element.value, names)


PY_BUILTINS = set(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__", "__loader__", "__builtins__",
                                      "__package__", "__path__", "__annotations__"}


class LazyTree:
    """The module as CPython's ``ast`` parses it, parsed on first use (most analyses never need it:
    it gives statement lines for messages and the names a module binds). ``None`` when CPython
    refuses the text."""

    __slots__ = ("_source", "_tree", "_parsed")

    def __init__(self, source: str | None, tree: ast.Module | None = None):
        self._source, self._tree, self._parsed = source, tree, tree is not None

    def get(self) -> ast.Module | None:
        if not self._parsed:
            self._parsed = True
            try:
                self._tree = ast.parse(self._source) if self._source is not None else None
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                self._tree = None
            self._source = None
        return self._tree


class LazyBoundNames:
    """``names_bound_in(module)``, computed on the first membership test."""

    __slots__ = ("_module", "_source", "_tree", "_names")

    def __init__(self, module: cst.Module, source: str | None, tree: "ast.Module | LazyTree | None" = None):
        self._module, self._source, self._tree, self._names = module, source, tree, None

    def __contains__(self, name: str) -> bool:
        if self._names is None:
            tree = self._tree.get() if isinstance(self._tree, LazyTree) else self._tree
            self._names = names_bound_in(self._module, self._source, tree)
            self._module = self._source = self._tree = None
        return name in self._names


def names_bound_in(module: cst.Module, source: str | None = None, tree: ast.Module | None = None) -> set[str]:
    """Every name any statement of the module could bind (assignments, defs, imports, params ...).

    Read with ``ast`` from the module's text: one C-level parse and walk is far cheaper than a
    libcst visit of the whole tree (which dominated the editor's latency)."""
    try:
        tree = tree if tree is not None else ast.parse(source if source is not None else module.code)
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
    # A nested function's yield makes it, not this one, a generator.
    return any(isinstance(n, cst.Yield) for n in walk(node.body, prune=(cst.FunctionDef, cst.Lambda, cst.ClassDef)))


def may_return(node: cst.CSTNode) -> bool:
    """Whether a statement of a function may return from it (a nested function's ``return`` does not)."""
    return any(isinstance(n, cst.Return) for n in walk(node, prune=(cst.FunctionDef, cst.Lambda, cst.ClassDef)))


_MUTATORS = {"append", "extend", "insert", "pop", "remove", "update", "add", "setdefault", "clear", "popitem",
             "discard", "sort", "reverse", "appendleft", "build"}
_MUTATED_CACHE: dict[int, tuple[cst.CSTNode, list[str]]] = {}


def mutated_names(node: cst.CSTNode) -> list[str]:
    """Names whose object a block changes in place (``xs.append(...)``, ``d[k] = v``, ``model.add(l)``)."""
    return _memoized(_MUTATED_CACHE, node, _collect_mutated_names)


def _collect_mutated_names(node: cst.CSTNode) -> list[str]:
    names: list[str] = []
    for n in walk(node):
        if isinstance(n, cst.Call):
            func = n.func
            if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.attr.value in _MUTATORS:
                names.append(func.value.value)
        elif isinstance(n, cst.AssignTarget) and isinstance(n.target, cst.Subscript) and isinstance(n.target.value, cst.Name):
            names.append(n.target.value.value)
    return names


_RESTRUCTURED_CACHE: dict[int, tuple[cst.CSTNode, list[tuple[str, str | None]]]] = {}


def restructured(node: cst.CSTNode) -> list[tuple[str, str | None]]:
    """(name, attr or None) of the models a block adds layers to or pops them from
    (``model.add(l)``, ``self.conv_model.add(l)``): what they output depends on it."""
    return _memoized(_RESTRUCTURED_CACHE, node, _collect_restructured)


def _collect_restructured(node: cst.CSTNode) -> list[tuple[str, str | None]]:
    found = []
    for n in walk(node):
        if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value in ("add", "pop"):
            owner = n.func.value
            if isinstance(owner, cst.Name):
                found.append((owner.value, None))
            elif isinstance(owner, cst.Attribute) and isinstance(owner.value, cst.Name):
                found.append((owner.value.value, owner.attr.value))
    return found


def find_all_summary_calls(module: cst.Module) -> list[cst.Call]:
    return [n for n in walk(module) if is_summary_call(n)]


# libcst node type -> its fields that can hold nodes. A plain iterative walk over them is many times
# faster than a CSTVisitor, whose dispatch looks up visit_/leave_ methods for every node.
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(kind: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        fields = _CHILD_FIELDS[kind] = tuple(
            f.name for f in dataclasses.fields(kind)
            if f.name not in ("lpar", "rpar") and not f.name.startswith("whitespace"))
    return fields


def walk(node: cst.CSTNode, prune: tuple[type, ...] = ()):
    """Every node under ``node`` (itself included), in no particular order; the children of a
    node of a ``prune`` type other than ``node`` itself are skipped."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if prune and current is not node and isinstance(current, prune):
            continue
        for name in _child_fields(type(current)):
            value = getattr(current, name)
            if isinstance(value, cst.CSTNode):
                stack.append(value)
            elif isinstance(value, (list, tuple)):
                stack.extend(v for v in value if isinstance(v, cst.CSTNode))


class StatementLines:
    """The line of a statement, read from the ``ast`` tree CPython parsed, without libcst's position
    pass (a codegen of the whole module, which a clean file otherwise never needs). Statements are
    paired block by block, in order; a block whose shapes differ is left out (the caller falls back
    to positions)."""

    def __init__(self, module: cst.Module, tree: "ast.Module | LazyTree | None"):
        self._module, self._tree, self._lines = module, tree, None

    def get(self, node: cst.CSTNode) -> int | None:
        if self._lines is None:
            self._lines = {}
            tree = self._tree.get() if isinstance(self._tree, LazyTree) else self._tree
            if tree is not None:
                try:
                    self._pair(self._module.body, tree.body)
                except (IndexError, AttributeError, TypeError):
                    pass  # an unexpected shape: what was paired so far stays
            self._module = self._tree = None
        return self._lines.get(id(node))

    def _pair(self, statements, nodes) -> None:
        i = 0
        for statement in statements:
            if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
                self._lines[id(statement)] = nodes[i].lineno
                for small in statement.body:
                    self._lines[id(small)] = nodes[i].lineno
                    i += 1
                continue
            node = nodes[i]
            i += 1
            self._lines[id(statement)] = node.lineno
            self._compound(statement, node)

    def _block(self, block, nodes) -> None:
        self._pair(block.body if isinstance(block, cst.IndentedBlock) else [block], nodes)

    def _compound(self, statement, node) -> None:
        if isinstance(statement, cst.If):
            self._block(statement.body, node.body)
            if isinstance(statement.orelse, cst.If):
                self._pair([statement.orelse], node.orelse)
            elif statement.orelse is not None:
                self._block(statement.orelse.body, node.orelse)
        elif isinstance(statement, (cst.For, cst.While)):
            self._block(statement.body, node.body)
            if statement.orelse is not None:
                self._block(statement.orelse.body, node.orelse)
        elif isinstance(statement, (cst.With, cst.FunctionDef, cst.ClassDef)):
            self._block(statement.body, node.body)
        elif isinstance(statement, (cst.Try, cst.TryStar)):
            self._block(statement.body, node.body)
            for handler, ast_handler in zip(statement.handlers, node.handlers):
                self._block(handler.body, ast_handler.body)
            if statement.orelse is not None:
                self._block(statement.orelse.body, node.orelse)
            if statement.finalbody is not None:
                self._block(statement.finalbody.body, node.finalbody)
        elif isinstance(statement, cst.Match):
            for case, ast_case in zip(statement.cases, node.cases):
                self._block(case.body, ast_case.body)
