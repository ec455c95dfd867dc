"""Statements, in execution order: assignments, imports, definitions, and the control flow that
the analysis follows on known values and summarises or joins on unknown ones (``paths``)."""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import libcst as cst

from ..ir import Layer, Model, Tensor
from ..shapes.base import KerasError, Opaque, Unknown, Unresolvable, describe
from . import budgets, keras_api, paths, repairs
from .control import Break, Budget, Continue, KerasErrorAt, Return
from .expressions import BUILTINS
from .result import ClassDefined, SummaryEvent
from .symbols import SymbolicShape
from .scans import (bound_names, dotted, import_names, is_dataclass_decorator, may_return, mutated_names,
                    restructured, summary_calls, walk)
from .values import BoundMethod, Function, Ref, Scope, UserClass, canonical


_DEBUG = bool(os.environ.get("KERASCHECK_DEBUG"))  # list what imported modules could not follow
_END = object()
# Built-in exceptions a handler also catches through a base class (besides Exception/BaseException).
_EXCEPTION_BASES = {
    "KeyError": ("LookupError",), "IndexError": ("LookupError",), "ZeroDivisionError": ("ArithmeticError",),
    "ModuleNotFoundError": ("ImportError",), "UnboundLocalError": ("NameError",),
    "NotImplementedError": ("RuntimeError",), "FileNotFoundError": ("OSError", "IOError", "EnvironmentError"),
}


class Statements:
    """The statement half of ``Interpreter`` (a mixin: ``self`` is the interpreter)."""

    def exec_block(self, body, scope: Scope) -> None:
        for stmt in body:
            try:
                self.exec_stmt(stmt, scope)
            except KerasErrorAt as exc:
                if not self.goes_on_after(exc):
                    raise
                self.record_error(exc)
                self.forget_failed(stmt, exc, scope)

    def goes_on_after(self, exc: KerasErrorAt) -> bool:
        """Whether the analysis goes on past a statement of a block that raised (the script stops
        there, and what follows is still checked): in the analysed file's own code, on a path that
        certainly runs, unless a ``try`` around it catches the error, or Keras runs the code (a
        traced ``call`` or Lambda, whose error Keras reports at the layer call)."""
        if self.file_stack[-1] is not None or self.replaying or self.speculative or self.keras.tracing or \
                self.keras_runs:
            return False
        return not any(self.catches(h, exc.error.kind, scope) for handlers, scope in self.try_handlers
                       for h in handlers)

    def record_error(self, exc: KerasErrorAt) -> None:
        """The first error is where the script stops; the later ones are reported too."""
        event = self.error_event(exc)
        if self.result.error is None:
            self.result.error = event
            self.stopped = True  # nothing after this is reached by the script
        elif all((e.loc.line, e.loc.column, e.message) != (event.loc.line, event.loc.column, event.message)
                 for e in [self.result.error, *self.result.later_errors]):
            self.result.later_errors.append(event)

    def forget_failed(self, stmt: cst.CSTNode, exc: KerasErrorAt, scope: Scope) -> None:
        """What the failed statement would have bound is unknown; what it changes (``model.add(...)``
        that raised) is uncertain: its later errors are consequences of this one, not new ones."""
        for name in bound_names(stmt):
            scope.assign(name, Unknown(f"`{name}` was not bound: line {exc.loc.line} raises"))
        self.taint_receivers(stmt, f"line {exc.loc.line} raises", scope)
        if self.frames and may_return(stmt):  # ``return f(x)`` that raised: the function's value is unknown
            raise Return(Unknown(f"what `{self.frames[-1][0].name}` returns is not known: line {exc.loc.line} raises"))

    def exec_stmt(self, stmt: cst.CSTNode, scope: Scope) -> None:
        self.steps += 1
        if self.file_stack[-1] is None:
            self.current_stmt = stmt
        if self.steps > budgets.MAX_STEPS:
            raise Budget("the script runs too long to follow (step budget used up)")
        if not self.steps % 1024 and time.thread_time() > self.deadline:
            raise Budget(f"the analysis took more than {budgets.MAX_SECONDS:.0f} s of CPU time")
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.exec_small(small, scope)
            return
        handler = STMT_HANDLERS.get(type(stmt))
        if handler is not None:
            try:
                handler(self, stmt, scope)
            except KerasError as exc:
                if self.file_stack[-1] is None:
                    exc.annotate(main_loc=self.loc(stmt))
                raise KerasErrorAt(exc.loc or self.loc(stmt), exc) from None

    def exec_small(self, node: cst.CSTNode, scope: Scope) -> None:
        try:
            if isinstance(node, cst.Expr):
                self.eval(node.value, scope)
            elif isinstance(node, cst.Assign):
                value = self.eval(node.value, scope)
                for target in node.targets:
                    self.assign(target.target, value, scope)
            elif isinstance(node, cst.AnnAssign):
                if node.value is not None:
                    self.assign(node.target, self.eval(node.value, scope), scope)
            elif isinstance(node, cst.AugAssign):
                current = self.eval(node.target, scope)
                value = self.binop(type(node.operator).__name__.replace("Assign", ""), current, self.eval(node.value, scope), node)
                self.assign(node.target, value, scope)
            elif isinstance(node, cst.Return):
                raise Return(self.eval(node.value, scope) if node.value else None)
            elif isinstance(node, (cst.Import, cst.ImportFrom)):
                self.do_import(node, scope)
            elif isinstance(node, cst.Break):
                raise Break()
            elif isinstance(node, cst.Continue):
                raise Continue()
            elif isinstance(node, cst.Assert):
                self.eval(node.test, scope)  # evaluated for its effects (e.g. a removed attribute)
            elif isinstance(node, cst.Global):
                scope.globals.update(n.name.value for n in node.names)
            elif isinstance(node, cst.Nonlocal):
                scope.nonlocals.update(n.name.value for n in node.names)
            elif isinstance(node, cst.Del):
                pass
        except KerasError as exc:
            if self.file_stack[-1] is None:
                exc.annotate(main_loc=self.loc(node))
            raise KerasErrorAt(exc.loc or self.loc(node), exc) from None
        except Unresolvable as exc:
            self.unresolved(node, exc.reason, scope)
            if isinstance(node, cst.Return):  # the function returns, with a value not known
                raise Return(Unknown(exc.reason)) from None

    def unresolved(self, node: cst.CSTNode, reason: str, scope: Scope) -> None:
        """Record why a statement could not be followed and make what it binds unknown.

        Only statements of the analysed file are listed; in imported modules the consequence
        shows where the analysed file uses what they define."""
        self.taint_receivers(node, reason, scope)
        if self.file_stack[-1] is not None:
            if _DEBUG:
                print(f"[kerascheck] {self.file_stack[-1]}: {reason}", file=sys.stderr)
            for name in bound_names(node):
                scope.assign(name, Unknown(reason))
            return
        for call in summary_calls(node):
            self.add_summary(SummaryEvent(self.loc(call), None, None, reason))
        key = (id(node), reason)
        if key not in self._unresolved_seen:
            self._unresolved_seen.add(key)
            self.result.unresolved.append((self.loc(node), reason))
        for name in bound_names(node):
            scope.assign(name, Unknown(reason))

    def taint_receivers(self, node: cst.CSTNode, reason: str, scope: Scope) -> None:
        """A statement that could not be followed may have changed what it calls a mutating method
        on (``model.add(Dense(n))``, ``blocks.append(...)``): a model or layer becomes uncertain, a
        list or dict unknown."""
        for name in mutated_names(node):
            try:
                value = scope.lookup(name)
            except KeyError:
                continue
            if isinstance(value, Layer):
                if value.uncertain is None:
                    value.uncertain = f"a statement that changes it could not be followed ({reason})"
            elif isinstance(value, (list, dict, set)):
                scope.assign(name, Unknown(reason))
        for base, attr in restructured(node):  # ``model.add(...)``, ``self.conv_model.add(...)`` that failed
            try:
                value = scope.lookup(base)
            except KeyError:
                continue
            value = getattr(value, "attrs", {}).get(attr) if attr is not None else value
            if isinstance(value, Layer):
                why = f"a statement that changes it could not be followed ({reason})"
                value.uncertain = value.uncertain or why
                value.incomplete = value.incomplete or why
        for base, attr in _attribute_targets(node):  # ``self._model = Model(...)`` that failed
            try:
                obj = scope.lookup(base)
            except KeyError:
                continue
            attrs = getattr(obj, "attrs", None)
            if isinstance(attrs, dict):
                attrs[attr] = Unknown(reason)

    def stmt_If(self, node: cst.If, scope: Scope) -> None:
        try:
            cond = self.truth(self.eval(node.test, scope))
        except Unresolvable as exc:
            cond = Unknown(exc.reason)
        if isinstance(cond, Unknown):
            reason = f"the condition {self.where(node)} is not known statically ({cond.reason})"
            self.note(node, f"{reason}: both branches followed")
            orelse = node.orelse
            other = None
            if isinstance(orelse, cst.If):
                other = lambda: self.stmt_If(orelse, scope)  # noqa: E731
            elif orelse is not None:
                other = lambda: self.exec_block(orelse.body.body, scope)  # noqa: E731
            self.follow_paths(scope, [lambda: self.exec_block(node.body.body, scope), other], reason)
            return
        if cond:
            self.exec_block(node.body.body, scope)
        elif isinstance(node.orelse, cst.If):
            self.stmt_If(node.orelse, scope)
        elif node.orelse is not None:
            self.exec_block(node.orelse.body.body, scope)

    def follow_paths(self, scope: Scope, branches: list, reason: str, replay: bool = False) -> paths.PathsResult:
        """Run paths the analysis cannot choose between and join them (``paths.run_paths``); what
        they return, or a ``break`` on one of them, reaches the enclosing call or loop."""
        outcome = paths.run_paths(self, scope, branches, reason, replay)
        if outcome.returned:
            if not outcome.fell_through:
                values = outcome.returned
                raise Return(values[0] if all(paths.same(values[0], v) for v in values)
                             else Unknown(f"the return value depends on a path ({reason})"))
            if self.pending_returns:
                self.pending_returns[-1].extend(outcome.returned)
        if outcome.broke and self.loop_exits:
            self.loop_exits[-1] = self.loop_exits[-1] or reason
        return outcome

    def stmt_For(self, node: cst.For, scope: Scope) -> None:
        try:
            iterable = self.iterate(self.eval(node.iter, scope))
        except Unresolvable as exc:
            self.unknown_loop(node, scope, f"the loop {self.where(node)} runs over values not known "
                                           f"statically ({exc.reason})", target=node.target)
            return
        self.run_loop(node, scope, iter(iterable), target=node.target)

    def stmt_While(self, node: cst.While, scope: Scope) -> None:
        self.run_loop(node, scope, None, target=None)

    def run_loop(self, node: cst.For | cst.While, scope: Scope, items, target) -> None:
        """A loop on known values, one iteration at a time. It is summarised (``unknown_loop`` from
        the state it reached) when its condition becomes unknown, a path may break out of it, or
        it exceeds its own budget of iterations and statements."""
        start = self.steps
        self.loop_exits.append(None)
        try:
            for count in range(budgets.MAX_ITERATIONS + 1):
                if count == budgets.MAX_ITERATIONS or self.steps - start > budgets.LOOP_STEPS:
                    self.summarise_loop(node, scope, f"the loop {self.where(node)} runs too long to follow")
                    return
                if items is None:
                    cond = self.truth(self.eval(node.test, scope))
                    if isinstance(cond, Unknown):
                        self.unknown_loop(node, scope, f"the condition of the loop {self.where(node)} is not known "
                                                       f"statically ({cond.reason})")
                        return
                    if not cond:
                        break
                else:
                    item = next(items, _END)
                    if item is _END:
                        break
                    self.assign(target, item, scope)
                try:
                    self.exec_block(node.body.body, scope)
                except Break:
                    return
                except Continue:
                    pass
                exit_reason = self.loop_exits[-1]
                if exit_reason is not None:
                    self.loop_exits[-1] = None
                    self.unknown_loop(node, scope, f"the loop {self.where(node)} may end early ({exit_reason})",
                                      target=target)
                    return
        finally:
            self.loop_exits.pop()
        if node.orelse is not None:
            self.exec_block(node.orelse.body.body, scope)

    def unknown_loop(self, node: cst.For | cst.While, scope: Scope, reason: str, target=None) -> None:
        """A loop that runs an unknown number of times: no iteration or some, joined. The body runs
        once from the state before the loop, then once from the join, so that what one iteration
        hands the next is unknown where it differs."""
        self.note(node, f"{reason}: followed for no iteration and for some")

        def body():
            if target is not None:
                self.assign(target, Unknown(reason), scope)
            self.exec_block(node.body.body, scope)

        self.loop_exits.append(None)
        try:
            first = self.follow_paths(scope, [None, body], reason)
            again = self.follow_paths(scope, [None, body], reason, replay=True)
        finally:
            self.loop_exits.pop()
        if node.orelse is not None:
            if first.broke or again.broke:
                self.follow_paths(scope, [None, lambda: self.exec_block(node.orelse.body.body, scope)], reason)
            else:
                self.exec_block(node.orelse.body.body, scope)

    def summarise_loop(self, node: cst.For | cst.While, scope: Scope, reason: str) -> None:
        """A loop past its budget: what it assigns or changes becomes unknown, and the analysis goes on."""
        self.note(node, reason)
        unknown = Unknown(reason)
        for name in bound_names(node.body) + mutated_names(node.body):
            value = scope.vars.get(name)
            if isinstance(value, Layer) and value.uncertain is None:
                value.uncertain = f"it changes in a loop the analysis summarised ({reason})"
            scope.assign(name, unknown)
        if isinstance(node, cst.For):
            for name in bound_names(node.target) if not isinstance(node.target, cst.Name) else [node.target.value]:
                scope.assign(name, unknown)

    def note(self, node: cst.CSTNode, reason: str) -> None:
        """Something the analysis summarised instead of following (listed with --show-unresolved)."""
        if self.file_stack[-1] is None and not self.replaying:
            key = (id(node), reason)
            if key not in self._unresolved_seen:
                self._unresolved_seen.add(key)
                self.result.unresolved.append((self.loc(node), reason))

    def stmt_With(self, node: cst.With, scope: Scope) -> None:
        for item in node.items:
            value = self.eval(item.item, scope)
            if item.asname is not None:
                entered = value if isinstance(value, (Model, Layer, Unknown)) else Opaque("context manager")
                self.assign(item.asname.name, entered, scope)
        self.exec_block(node.body.body, scope)

    def stmt_Try(self, node: cst.Try, scope: Scope) -> None:
        """The body runs; an error it certainly raises goes to the first handler that may catch it
        (whose names and body then run), else on up. ``else`` runs when nothing was raised."""
        try:
            try:
                self.try_handlers.append((node.handlers, scope))
                try:
                    self.exec_block(node.body.body, scope)
                finally:
                    self.try_handlers.pop()
            except KerasErrorAt as exc:
                handler = next((h for h in node.handlers if self.catches(h, exc.error.kind, scope)), None)
                if handler is None:
                    raise
                if handler.name is not None:
                    self.assign(handler.name.name, Opaque(f"{exc.error.kind}"), scope)
                self.exec_block(handler.body.body, scope)
            else:
                if node.orelse is not None:
                    self.exec_block(node.orelse.body.body, scope)
        finally:
            if node.finalbody is not None:
                self.exec_block(node.finalbody.body.body, scope)

    def catches(self, handler: cst.ExceptHandler, kind: str, scope: Scope) -> bool:
        if handler.type is None:
            return True
        names = [e.value for e in handler.type.elements] if isinstance(handler.type, cst.Tuple) else [handler.type]
        for name in names:
            caught = dotted(name).rsplit(".", 1)[-1]
            if caught in ("Exception", "BaseException", kind) or caught in _EXCEPTION_BASES.get(kind, ()):
                return True
        return False

    stmt_TryStar = stmt_Try

    def stmt_Match(self, node: cst.Match, scope: Scope) -> None:
        """``match``: which case matches is not decided here; every case body (its capture names
        unknown) and no case at all are followed as paths and joined."""
        self.eval(node.subject, scope)
        reason = f"the match {self.where(node)} is not decided statically"
        self.note(node, f"{reason}: every case followed")

        def case_path(case: cst.MatchCase):
            def run() -> None:
                for name in _capture_names(case.pattern):
                    scope.assign(name, Unknown(reason))
                self.exec_block(case.body.body, scope)
            return run

        self.follow_paths(scope, [case_path(c) for c in node.cases] + [None], reason)

    def stmt_FunctionDef(self, node: cst.FunctionDef, scope: Scope) -> None:
        """``def``: the function, through its decorators as Python applies them (innermost first).
        ``property``/``staticmethod``/``classmethod`` are read from the function itself; a library
        decorator (``tf.function``, ``functools.wraps(...)``) is taken to return the function; a
        ``@x.setter`` keeps the property's getter."""
        value: Any = Function(node, scope, node.name.value)
        for decorator in reversed(node.decorators):
            expr = decorator.decorator
            if isinstance(expr, cst.Name) and expr.value in ("property", "cached_property", "staticmethod", "classmethod"):
                continue
            if isinstance(expr, cst.Attribute) and expr.attr.value in ("setter", "deleter", "getter"):
                return
            try:
                decorate = self.eval(expr, scope)
            except Unresolvable as exc:
                decorate = Unknown(exc.reason)
            if isinstance(decorate, (Function, BoundMethod)):
                value = self.call(decorate, [value], {}, expr)
            elif isinstance(decorate, Unknown):
                value = Unknown(f"`{node.name.value}` through a decorator not known statically ({decorate.reason})")
        scope.assign(node.name.value, value)

    def stmt_ClassDef(self, node: cst.ClassDef, scope: Scope) -> None:
        bases = []
        for arg in node.bases:
            try:
                bases.append(self.eval(arg.value, scope))
            except Unresolvable as exc:
                bases.append(Unknown(exc.reason))
        cls = UserClass(node.name.value, bases)
        body_scope = Scope(scope, scope.module)
        self.exec_block(node.body.body, body_scope)
        if any(is_dataclass_decorator(d.decorator) for d in node.decorators):
            # @dataclass: __init__ takes the annotated fields, in order, with their defaults.
            cls.dataclass_fields = [
                stmt.target.value for line in node.body.body if isinstance(line, cst.SimpleStatementLine)
                for stmt in line.body if isinstance(stmt, cst.AnnAssign) and isinstance(stmt.target, cst.Name)
            ]
        for name, value in body_scope.vars.items():
            if isinstance(value, Function):
                value.owner = cls
            cls.attrs[name] = value
        scope.assign(node.name.value, cls)
        self.result.events.append(ClassDefined(self.loc(node.name), cls, node))

    # -- imports ------------------------------------------------------------------------------------
    def do_import(self, node: cst.Import | cst.ImportFrom, scope: Scope) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                name = dotted(alias.name)
                local = self.loader.find(name.split("."), 0, scope.module.file)
                if alias.asname is not None:
                    scope.assign(alias.asname.name.value, local if local is not None else Ref.of(name))
                else:
                    top = name.split(".")[0]
                    top_local = self.loader.find([top], 0, scope.module.file) if local is not None else None
                    scope.assign(top, top_local if top_local is not None else Ref(canonical(top)))
            return
        if node.relative or node.module is None:
            self.import_local(node, scope)
            return
        spelled = dotted(node.module)
        module = canonical(spelled)
        if isinstance(node.names, cst.ImportStar):
            local = self.loader.find(module.split("."), 0)
            names = dict(local.scope.vars) if local is not None else keras_api.star_import(module)
            if not names:
                scope.module.star_imports = True
            for name, value in names.items():
                scope.assign(name, value)
            return
        if self.loader.find(module.split("."), 0, load=False) is not None:
            self.import_local(node, scope)
            return
        if repairs.from_import(self, node, spelled, scope):  # a Keras 1/2 import: its Keras 3 objects bound
            return
        for imported, bound in import_names(node):
            builtin = _python2_builtin(module, imported)
            scope.assign(bound, builtin if builtin is not None else Ref.of(spelled).attr(imported))

    def import_local(self, node: cst.ImportFrom, scope: Scope) -> None:
        """``from .blocks import conv_block`` / ``from blocks import x``: a module next to this one."""
        level = len(node.relative)
        parts = dotted(node.module).split(".") if node.module is not None else []
        module = self.loader.find(parts, level, scope.module.file) if parts else None
        if isinstance(node.names, cst.ImportStar):
            if module is None:
                scope.module.star_imports = True
                return
            for name, value in module.scope.vars.items():
                if not name.startswith("_"):
                    scope.assign(name, value)
            return
        for imported, bound in import_names(node):
            value: Any = None
            if module is not None and imported in module.scope.vars:
                value = module.scope.vars[imported]
            else:  # ``from . import blocks`` or ``from .pkg import submodule``
                sub = self.loader.find(parts + [imported], level, scope.module.file)
                value = sub if sub is not None else Unknown(f"`{imported}` could not be imported from a local module")
            scope.assign(bound, value)

    # -- assignment ---------------------------------------------------------------------------------
    def assign(self, target: cst.BaseExpression, value: Any, scope: Scope) -> None:
        if isinstance(target, cst.Name):
            value = self.symbols.named(target.value, value)
            scope.assign(target.value, value)
            if isinstance(value, (Layer, Tensor)) and not isinstance(value, Tensor):
                self.result.labels.setdefault(id(value), target.value)
            if isinstance(value, Tensor) and value.label is None:
                value.label = target.value
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = target.elements
            if isinstance(value, (Unknown, Opaque, Ref)):
                # Unpacking a value the analysis cannot see: every target (a starred one too) is unknown.
                item = value if isinstance(value, Unknown) else Unknown(f"an item of {describe(value)}")
                for element in elements:
                    self.assign(element.value, item, scope)
                return
            elif isinstance(value, SymbolicShape) and not any(isinstance(e, cst.StarredElement) for e in elements):
                items = self.symbols.unpack(value, len(elements))
            else:
                items = list(self.iterate(value))
            starred = [i for i, e in enumerate(elements) if isinstance(e, cst.StarredElement)]
            if starred:
                i = starred[0]
                tail = len(elements) - i - 1
                items = items[:i] + [items[i:len(items) - tail]] + items[len(items) - tail:]
            if len(items) != len(elements):
                raise KerasError(f"cannot unpack {len(items)} values into {len(elements)} targets", "ValueError")
            for element, item in zip(elements, items):
                self.assign(element.value, item, scope)
        elif isinstance(target, cst.Attribute):
            obj = self.eval(target.value, scope)
            keras_api.set_attribute(self, obj, target.attr.value, value)
        elif isinstance(target, cst.Subscript):
            obj = self.eval(target.value, scope)
            if isinstance(obj, (list, dict)) and len(target.slice) == 1:
                index = self.eval_slice(target.slice[0].slice, scope)
                if not isinstance(index, Unknown):
                    try:
                        obj[index] = value
                    except (IndexError, TypeError):
                        pass



# Node type -> handler: a dict lookup per node instead of formatting and looking up a method name.
STMT_HANDLERS = {getattr(cst, name[5:]): fn for name, fn in vars(Statements).items() if name.startswith("stmt_")}


def _capture_names(pattern: cst.CSTNode) -> list[str]:
    """Names a match pattern binds (``case Point(x=a)``, ``case [first, *rest]``, ``case _ as y``)."""
    names = []
    for node in walk(pattern):
        if isinstance(node, cst.MatchAs) and node.name is not None:
            names.append(node.name.value)
        elif isinstance(node, cst.MatchStar) and node.name is not None:
            names.append(node.name.value)
        elif isinstance(node, cst.MatchMapping) and node.rest is not None:
            names.append(node.rest.value)
    return names


def _attribute_targets(node: cst.CSTNode) -> list[tuple[str, str]]:
    """``name.attr`` targets a small statement assigns: (name, attr)."""
    if isinstance(node, cst.Assign):
        targets = [t.target for t in node.targets]
    elif isinstance(node, (cst.AugAssign, cst.AnnAssign)):
        targets = [node.target]
    else:
        return []
    found = []
    while targets:
        target = targets.pop()
        if isinstance(target, (cst.Tuple, cst.List)):
            targets.extend(e.value for e in target.elements)
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            found.append((target.value.value, target.attr.value))
    return found


# Python 2/3 compatibility modules whose names are the builtins (``from six.moves import range``).
_BUILTIN_MODULES = {"six.moves", "six.moves.builtins", "builtins", "future.builtins", "past.builtins"}
_PYTHON2_NAMES = {"xrange": "range", "izip": "zip", "imap": "map", "ifilter": "filter"}


def _python2_builtin(module: str, name: str) -> Any:
    if module not in _BUILTIN_MODULES:
        return None
    return BUILTINS.get(_PYTHON2_NAMES.get(name, name))
