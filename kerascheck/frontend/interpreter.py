"""An abstract interpreter over libcst: runs a module's statements in execution order.

It evaluates what model building needs (constants, containers, arithmetic, user functions and
classes, loops and conditionals on known values) and hands everything Keras-specific to
``keras_api``. It never imports or executes the user's code: every value is computed here.
What cannot be known becomes ``Unknown(reason)``; a Keras error ends the run, as it would the
script.
"""

from __future__ import annotations

import ast
import builtins
import operator
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..ir import Layer, Loc, Model, Tensor
from ..models import Keras
from ..parsing import parse_module
from ..shapes.base import KerasError, Opaque, Unknown, Unresolvable
from ..shapes.symbolic import Sym
from . import keras_api, paths
from .control import Break, Budget, Continue, KerasErrorAt, Return
from .classes import is_instance
from .symbols import SymbolicShape, Symbols, has_symbol
from .symbols import compare as symbolic_compare
from .values import BoundMethod, Builtin, Function, ModuleValue, Ref, Scope, Super, UserClass, canonical

_DEBUG = bool(os.environ.get("KERASCHECK_DEBUG"))  # list what imported modules could not follow
MAX_STEPS = 400_000  # statements per file: the last resort, reported as an analysis cut short
MAX_DEPTH = 60  # user-function call depth: bounds recursion
MAX_ITERATIONS = 10_000  # iterations of one loop before it is summarised
LOOP_STEPS = 25_000  # statements one loop may run before it is summarised
MAX_SECONDS = 6.0  # wall-clock time of one file's interpretation: the last resort, like MAX_STEPS

BUILTINS = {
    name: Builtin(name)
    for name in (
        "len range list tuple dict set int float str bool print enumerate zip sum min max abs "
        "isinstance sorted reversed round super any all hasattr getattr map filter iter next type chr ord divmod"
    ).split()
}


_Return, _Break, _Continue, _Budget = Return, Break, Continue, Budget


@dataclass
class SummaryEvent:
    loc: Loc
    model: Any  # the Model, or Unknown when it could not be resolved
    snapshot: Any = None  # summary.rows.Snapshot taken at the call
    reason: str | None = None


@dataclass
class ErrorEvent:
    """Keras (or Python) would raise here: the script stops at this line."""

    loc: Loc
    kind: str
    message: str
    error: KerasError | None = None  # with the engine's context: stage, layer, input tensors


@dataclass
class Event:
    """Something rules may want to know that does not stop the script (``kind`` names it)."""

    # "ambiguous_io", "method_call", "class_def", "ref_call", "layer_created", "layer_call"
    kind: str
    loc: Loc
    data: dict = field(default_factory=dict)


@dataclass
class Result:
    path: str
    summaries: list[SummaryEvent] = field(default_factory=list)
    error: ErrorEvent | None = None
    # Errors on paths that may not run (a branch of an unknown condition, a loop body): Keras raises
    # there whenever that path runs. The script does not necessarily stop.
    conditional_errors: list[ErrorEvent] = field(default_factory=list)
    cut_short: tuple[Loc, str] | None = None  # where and why the analysis of the file stopped early
    unresolved: list[tuple[Loc, str]] = field(default_factory=list)
    keras: Keras = field(default_factory=Keras)
    # ``name = expression`` bindings of models, for messages: model -> variable name
    labels: dict[int, str] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    symbol_names: list[str] = field(default_factory=list)  # data-dependent sizes left symbolic
    # [module, file, positions]: the analysed module's entry of ``Interpreter.sources``, so that the
    # rules reuse its positions instead of making a second pass over the module.
    main_source: list | None = field(default=None, repr=False, compare=False)
    # Files besides the analysed one whose presence or contents the result depends on (for caches).
    dependencies: set[str] = field(default_factory=set, repr=False, compare=False)

    def events_of(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.kind == kind]

    def positions(self, module: cst.Module):
        """Node -> CodeRange when ``module`` is the analysed module (resolved on first use), else None."""
        if self.main_source is None or self.main_source[0] is not module:
            return None
        return _resolve_positions(self.main_source)


class Interpreter:
    def __init__(self, module: cst.Module, path: str, overlay: dict[str, str] | None = None, source: str | None = None,
                 dims: dict[str, int] | None = None):
        self._unresolved_seen: set = set()
        self.module = module
        self.result = Result(path)
        self.symbols = Symbols(dims, self.result.symbol_names)  # data-dependent sizes, and the values bound
        self.keras = self.result.keras
        self.keras.runner = lambda layer: keras_api.layer_runner(self, layer)
        self.steps = 0
        self.deadline = time.monotonic() + MAX_SECONDS
        self.depth = 0
        self.current_stmt: cst.CSTNode | None = None  # the analysed file's statement running now
        self.globals = self.module_scope(module, None, source)
        self.globals.vars["__name__"] = "__main__"  # the analysed file is the script being run
        self.globals.vars["__file__"] = path
        self.frames: list[tuple[Function, Scope]] = []  # user-function calls in progress (for super())
        self.speculative: list[str] = []  # why each enclosing path may not run (paths.run_paths)
        self.replaying = 0  # > 0: a loop's second pass, whose reports the first pass made already
        self.pending_returns: list[list] = []  # per call: values returned on paths that may not run
        self.training_context: list[Any] = []  # ``training`` of the enclosing user-layer calls (Keras's call context)
        self.loop_exits: list[str | None] = []  # per running loop: why it may end early (a path's break)
        # Modules whose positions a Loc may need: (module, file, positions computed on first use).
        self.sources: list[list] = [[module, None, None]]
        self.result.main_source = self.sources[0]
        self.loader = ModuleLoader(self, path, overlay or {})
        self.result.dependencies = self.loader.probed
        self.file_stack: list[str | None] = [None]  # the file whose code runs now (None: the analysed one)

    @staticmethod
    def module_scope(module: cst.Module, file: str | None, source: str | None = None,
                     names: "_LazyBoundNames | None" = None) -> Scope:
        scope = Scope()
        scope.file = file
        # Names some statement of the module binds; a name bound nowhere is a certain NameError,
        # unless a star import from a module we cannot enumerate might bind it. Computed at the
        # first name not found: most modules never need it, and it costs a walk of the whole tree.
        scope.bound_names = names if names is not None else _LazyBoundNames(module, source)
        return scope

    # -- driver -------------------------------------------------------------------------------------
    def run(self) -> Result:
        try:
            self.exec_block(self.module.body, self.globals)
        except KerasErrorAt as exc:
            self.result.error = self.error_event(exc)
        except Budget as exc:
            self.cut_short(str(exc))
        except (Return, Break, Continue):
            pass
        return self.result

    @property
    def current_loc(self) -> Loc | None:
        return self.loc(self.current_stmt) if self.current_stmt is not None else None

    def cut_short(self, reason: str) -> None:
        """The analysis stops here: summaries the script would still reach are named, not lost."""
        loc = self.current_loc or Loc(1, 1)
        self.result.cut_short = (loc, reason)
        self.result.unresolved.append((loc, f"analysis stopped: {reason}"))
        reached = {(e.loc.line, e.loc.column) for e in self.result.summaries}
        for call in _find_all_summary_calls(self.module):
            where = self.loc(call)
            if where.line >= loc.line and (where.line, where.column) not in reached:
                self.result.summaries.append(SummaryEvent(where, None, None, f"the analysis stopped at line {loc.line}: {reason}"))

    def add_summary(self, event: "SummaryEvent") -> None:
        if not self.replaying:
            self.result.summaries.append(event)

    def conditional_error(self, exc: KerasErrorAt) -> None:
        """An error on a path that may not run: reported, and the analysis goes on."""
        event = self.error_event(exc)
        if all((e.loc.line, e.loc.column, e.message) != (event.loc.line, event.loc.column, event.message)
               for e in self.result.conditional_errors):
            self.result.conditional_errors.append(event)

    @staticmethod
    def error_event(exc: KerasErrorAt) -> "ErrorEvent":
        loc = exc.loc
        if loc.file is not None and exc.error.main_loc is not None:
            if "(raised in " not in exc.error.message:
                exc.error.message += f" (raised in {Path(loc.file).name}:{loc.line})"
            loc = exc.error.main_loc
        return ErrorEvent(loc, exc.error.kind, exc.error.message, exc.error)

    def loc(self, node: cst.CSTNode | None) -> Loc:
        # The node belongs to the module whose code runs now, so the file is known without positions.
        return Loc.lazy(node, self._position, self.file_stack[-1] if node is not None else False)

    def _position(self, node: cst.CSTNode) -> tuple:
        for source in self.sources:
            pos = _resolve_positions(source).get(node)
            if pos is not None:
                return (pos.start.line, pos.start.column + 1, pos.end.line, pos.end.column + 1, source[1])
        return (1, 1, 1, 1, None)

    # -- statements ---------------------------------------------------------------------------------
    def exec_block(self, body, scope: Scope) -> None:
        for stmt in body:
            self.exec_stmt(stmt, scope)

    def exec_stmt(self, stmt: cst.CSTNode, scope: Scope) -> None:
        self.steps += 1
        if self.file_stack[-1] is None:
            self.current_stmt = stmt
        if self.steps > MAX_STEPS:
            raise Budget("the script runs too long to follow (step budget used up)")
        if not self.steps % 1024 and time.monotonic() > self.deadline:
            raise Budget(f"the analysis took more than {MAX_SECONDS:.0f} s")
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.exec_small(small, scope)
            return
        handler = _STMT_HANDLERS.get(type(stmt))
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
                raise _Return(self.eval(node.value, scope) if node.value else None)
            elif isinstance(node, (cst.Import, cst.ImportFrom)):
                self.do_import(node, scope)
            elif isinstance(node, cst.Break):
                raise _Break()
            elif isinstance(node, cst.Continue):
                raise _Continue()
            elif isinstance(node, cst.Assert):
                self.eval(node.test, scope)  # evaluated for its effects (e.g. a removed attribute)
            elif isinstance(node, cst.Global):
                scope.globals.update(n.name.value for n in node.names)
            elif isinstance(node, cst.Del):
                pass
        except KerasError as exc:
            if self.file_stack[-1] is None:
                exc.annotate(main_loc=self.loc(node))
            raise KerasErrorAt(exc.loc or self.loc(node), exc) from None
        except Unresolvable as exc:
            self.unresolved(node, exc.reason, scope)

    def unresolved(self, node: cst.CSTNode, reason: str, scope: Scope) -> None:
        """Record why a statement could not be followed and make what it binds unknown.

        Only statements of the analysed file are listed; in imported modules the consequence
        shows where the analysed file uses what they define."""
        self.taint_receivers(node, reason, scope)
        if self.file_stack[-1] is not None:
            if _DEBUG:
                print(f"[kerascheck] {self.file_stack[-1]}:{self.loc(node).line}: {reason}", file=sys.stderr)
            for name in _bound_names(node):
                scope.assign(name, Unknown(reason))
            return
        for call in _summary_calls(node):
            self.add_summary(SummaryEvent(self.loc(call), None, None, reason))
        key = (id(node), reason)
        if key not in self._unresolved_seen:
            self._unresolved_seen.add(key)
            self.result.unresolved.append((self.loc(node), reason))
        for name in _bound_names(node):
            scope.assign(name, Unknown(reason))

    def taint_receivers(self, node: cst.CSTNode, reason: str, scope: Scope) -> None:
        """A statement that could not be followed may have changed what it calls a mutating method
        on (``model.add(Dense(n))``, ``blocks.append(...)``): a model or layer becomes uncertain, a
        list or dict unknown."""
        for name in _mutated_names(node):
            try:
                value = scope.lookup(name)
            except KeyError:
                continue
            if isinstance(value, Layer):
                if value.uncertain is None:
                    value.uncertain = f"a statement that changes it could not be followed ({reason})"
            elif isinstance(value, (list, dict, set)):
                scope.assign(name, Unknown(reason))

    def stmt_If(self, node: cst.If, scope: Scope) -> None:
        try:
            cond = self.truth(self.eval(node.test, scope))
        except Unresolvable as exc:
            cond = Unknown(exc.reason)
        if isinstance(cond, Unknown):
            reason = f"the condition at line {self.loc(node.test).line} is not known statically ({cond.reason})"
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
            self.unknown_loop(node, scope, f"the loop at line {self.loc(node).line} runs over values not known "
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
        line = self.loc(node).line
        self.loop_exits.append(None)
        try:
            for count in range(MAX_ITERATIONS + 1):
                if count == MAX_ITERATIONS or self.steps - start > LOOP_STEPS:
                    self.summarise_loop(node, scope, f"the loop at line {line} runs too long to follow")
                    return
                if items is None:
                    cond = self.truth(self.eval(node.test, scope))
                    if isinstance(cond, Unknown):
                        self.unknown_loop(node, scope, f"the condition of the loop at line {line} is not known "
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
                    self.unknown_loop(node, scope, f"the loop at line {line} may end early ({exit_reason})",
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
        for name in _bound_names(node.body) + _mutated_names(node.body):
            value = scope.vars.get(name)
            if isinstance(value, Layer) and value.uncertain is None:
                value.uncertain = f"it changes in a loop the analysis summarised ({reason})"
            scope.assign(name, unknown)
        if isinstance(node, cst.For):
            for name in _bound_names(node.target) if not isinstance(node.target, cst.Name) else [node.target.value]:
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
                self.exec_block(node.body.body, scope)
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
            caught = _dotted(name).rsplit(".", 1)[-1]
            if caught in ("Exception", "BaseException", kind) or caught in _EXCEPTION_BASES.get(kind, ()):
                return True
        return False

    stmt_TryStar = stmt_Try

    def stmt_FunctionDef(self, node: cst.FunctionDef, scope: Scope) -> None:
        scope.assign(node.name.value, Function(node, scope, node.name.value))

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
        if any(_is_dataclass_decorator(d.decorator) for d in node.decorators):
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
        self.result.events.append(Event("class_def", self.loc(node.name), {"cls": cls, "node": node}))

    # -- imports ------------------------------------------------------------------------------------
    def do_import(self, node: cst.Import | cst.ImportFrom, scope: Scope) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                dotted = _dotted(alias.name)
                local = self.loader.find(dotted.split("."), 0, scope.module.file)
                if alias.asname is not None:
                    scope.assign(alias.asname.name.value, local if local is not None else Ref.of(dotted))
                else:
                    top = dotted.split(".")[0]
                    top_local = self.loader.find([top], 0, scope.module.file) if local is not None else None
                    scope.assign(top, top_local if top_local is not None else Ref(canonical(top)))
            return
        if node.relative or node.module is None:
            self.import_local(node, scope)
            return
        spelled = _dotted(node.module)
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
        for imported, bound in _import_names(node):
            scope.assign(bound, Ref.of(spelled).attr(imported))

    def import_local(self, node: cst.ImportFrom, scope: Scope) -> None:
        """``from .blocks import conv_block`` / ``from blocks import x``: a module next to this one."""
        level = len(node.relative)
        parts = _dotted(node.module).split(".") if node.module is not None else []
        module = self.loader.find(parts, level, scope.module.file) if parts else None
        if isinstance(node.names, cst.ImportStar):
            if module is None:
                scope.module.star_imports = True
                return
            for name, value in module.scope.vars.items():
                if not name.startswith("_"):
                    scope.assign(name, value)
            return
        for imported, bound in _import_names(node):
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
                item = value if isinstance(value, Unknown) else Unknown(f"an item of {_describe(value)}")
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

    # -- expressions --------------------------------------------------------------------------------
    def eval(self, node: cst.BaseExpression, scope: Scope) -> Any:
        handler = _EXPR_HANDLERS.get(type(node))
        if handler is None:
            return Unknown(f"{type(node).__name__} expressions are not evaluated")
        return handler(self, node, scope)

    def expr_Integer(self, node, scope):
        return node.evaluated_value

    expr_Float = expr_Integer

    def expr_Imaginary(self, node, scope):
        return node.evaluated_value

    def expr_SimpleString(self, node, scope):
        return node.evaluated_value

    def expr_ConcatenatedString(self, node, scope):
        value = node.evaluated_value
        return value if value is not None else Unknown("byte string")

    def expr_FormattedString(self, node, scope):
        parts = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(part.value)
            else:
                value = self.eval(part.expression, scope)
                if isinstance(value, Unknown) or not isinstance(value, (int, float, str, bool, type(None), tuple)):
                    return Unknown("f-string with a value not known statically")
                spec = ""
                if part.format_spec:
                    spec = "".join(p.value for p in part.format_spec if isinstance(p, cst.FormattedStringText))
                conv = {"r": repr, "s": str, "a": ascii}.get(part.conversion or "", None)
                parts.append(format(conv(value) if conv else value, spec))
        return "".join(parts)

    def expr_Ellipsis(self, node, scope):
        return Ellipsis

    def expr_Name(self, node, scope):
        name = node.value
        try:
            return scope.lookup(name)
        except KeyError:
            pass
        if name in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[name]
        if name in BUILTINS:
            return BUILTINS[name]
        module = scope.module
        if name not in _PY_BUILTINS and not module.star_imports and name not in module.bound_names:
            raise KerasError(f"name '{name}' is not defined", "NameError").annotate(stage="name", loc=self.loc(node))
        return Unknown(f"`{name}` is not defined here")

    def expr_Attribute(self, node, scope):
        obj = self.eval(node.value, scope)
        if isinstance(obj, (Unknown, Opaque)) and node.attr.value == "shape":
            return self.symbols.shape(node)
        loc = self.loc(node)
        try:
            return keras_api.get_attribute(self, obj, node.attr.value, loc)
        except KerasError as exc:
            raise exc.annotate(loc=loc)

    def expr_Tuple(self, node, scope):
        return tuple(self.eval_elements(node.elements, scope))

    def expr_List(self, node, scope):
        return self.eval_elements(node.elements, scope)

    def expr_Set(self, node, scope):
        items = self.eval_elements(node.elements, scope)
        if any(isinstance(i, Unknown) or not _hashable(i) for i in items):
            return Unknown("a set element is not known statically")
        return set(items)

    def expr_Dict(self, node, scope):
        result = {}
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                value = self.eval(element.value, scope)
                if isinstance(value, dict):
                    result.update(value)
                continue
            key = self.eval(element.key, scope)
            if isinstance(key, Unknown) or not _hashable(key):
                return Unknown("a dict key is not known statically")
            result[key] = self.eval(element.value, scope)
        return result

    def eval_elements(self, elements, scope) -> list:
        items: list = []
        for element in elements:
            value = self.eval(element.value, scope)
            if isinstance(element, cst.StarredElement):
                items.extend(self.iterate(value))
            else:
                items.append(value)
        return items

    def expr_Subscript(self, node, scope):
        obj = self.eval(node.value, scope)
        if len(node.slice) == 1:
            index = self.eval_slice(node.slice[0].slice, scope)
        else:
            index = tuple(self.eval_slice(s.slice, scope) for s in node.slice)
        if isinstance(obj, SymbolicShape):
            return self.symbols.item(obj, index)
        return keras_api.subscript(self, obj, index, self.loc(node))

    def eval_slice(self, node, scope):
        if isinstance(node, cst.Index):
            return self.eval(node.value, scope)
        parts = [self.eval(p, scope) if p is not None else None for p in (node.lower, node.upper, node.step)]
        if any(isinstance(p, Unknown) for p in parts):
            return Unknown("slice bounds not known statically")
        return slice(*parts)

    def expr_BinaryOperation(self, node, scope):
        left, right = self.eval(node.left, scope), self.eval(node.right, scope)
        return self.binop(type(node.operator).__name__, left, right, node)

    def binop(self, op: str, left: Any, right: Any, node: cst.CSTNode) -> Any:
        if isinstance(left, Unknown):
            return left
        if isinstance(right, Unknown):
            return right
        if isinstance(left, Tensor) or isinstance(right, Tensor):
            return keras_api.tensor_binop(self, op, left, right, self.loc(node))
        if isinstance(left, str) and has_symbol(right):
            return Unknown("a string formatted with a symbolic dimension")
        fn = _BINOPS.get(op)
        if fn is None:
            return Unknown(f"operator {op}")
        if isinstance(left, (Opaque, Ref)) or isinstance(right, (Opaque, Ref)):
            return Unknown(f"operator {op} on a library object")
        too_big = _too_big(op, left, right)
        if too_big:
            return Unknown(too_big)
        try:
            return fn(left, right)
        except Exception as exc:  # the user's arithmetic, e.g. a TypeError: Python would raise
            return Unknown(f"{op} raised {type(exc).__name__}")

    def expr_UnaryOperation(self, node, scope):
        value = self.eval(node.expression, scope)
        if isinstance(value, Unknown):
            return value
        op = type(node.operator).__name__
        if op == "Not":
            truth = self.truth(value)
            return truth if isinstance(truth, Unknown) else not truth
        if isinstance(value, (int, float, Sym)):
            return {"Minus": operator.neg, "Plus": operator.pos, "BitInvert": operator.invert}[op](value)
        if isinstance(value, Tensor):
            if op == "Minus":
                return keras_api.tensor_negative(self, value, self.loc(node))
            return value
        return Unknown(f"unary {op}")

    def expr_BooleanOperation(self, node, scope):
        left = self.eval(node.left, scope)
        truth = self.truth(left)
        if isinstance(truth, Unknown):
            return truth
        is_and = isinstance(node.operator, cst.And)
        if (is_and and not truth) or (not is_and and truth):
            return left
        return self.eval(node.right, scope)

    def expr_Comparison(self, node, scope):
        left = self.eval(node.left, scope)
        for target in node.comparisons:
            right = self.eval(target.comparator, scope)
            if isinstance(left, Unknown) or isinstance(right, Unknown):
                return Unknown("comparison of values not known statically")
            op = type(target.operator).__name__
            if (isinstance(left, Sym) or isinstance(right, Sym)) and op in _SYMBOLIC_COMPARISONS:
                result = symbolic_compare(_SYMBOLIC_COMPARISONS[op], left, right)
                if isinstance(result, Unknown):
                    return result
            elif op in ("Is", "IsNot"):
                result = (left is right) if op == "Is" else (left is not right)
            else:
                fn = _COMPARISONS.get(op)
                if fn is None or isinstance(left, Tensor) or isinstance(right, Tensor):
                    return Unknown(f"comparison {op}")
                try:
                    result = fn(left, right)
                except Exception:
                    return Unknown(f"comparison {op} failed")
            if not result:
                return False
            left = right
        return True

    def expr_IfExp(self, node, scope):
        cond = self.truth(self.eval(node.test, scope))
        if isinstance(cond, Unknown):
            return cond
        return self.eval(node.body if cond else node.orelse, scope)

    def expr_Lambda(self, node, scope):
        return Function(node, scope, "<lambda>")

    def expr_ListComp(self, node, scope):
        return self.comprehension(node.for_in, lambda s: [self.eval(node.elt, s)], scope)

    expr_GeneratorExp = expr_ListComp

    def expr_DictComp(self, node, scope):
        pairs = self.comprehension(node.for_in, lambda s: [(self.eval(node.key, s), self.eval(node.value, s))], scope)
        if isinstance(pairs, Unknown):
            return pairs
        if any(isinstance(k, Unknown) or not _hashable(k) for k, _ in pairs):
            return Unknown("a dict key is not known statically")
        return dict(pairs)

    def comprehension(self, for_in: cst.CompFor, produce, scope: Scope) -> Any:
        inner = Scope(scope, scope.module)
        out: list = []

        def loop(clause: cst.CompFor | None) -> None:
            if clause is None:
                out.extend(produce(inner))
                return
            for item in self.iterate(self.eval(clause.iter, inner)):
                self.assign(clause.target, item, inner)
                ok = True
                for cond in clause.ifs:
                    truth = self.truth(self.eval(cond.test, inner))
                    if isinstance(truth, Unknown):
                        raise Unresolvable(f"comprehension condition not known ({truth.reason})")
                    ok = ok and truth
                if ok:
                    loop(clause.inner_for_in)

        try:
            loop(for_in)
        except Unresolvable as exc:
            return Unknown(exc.reason)
        return out

    def expr_Call(self, node: cst.Call, scope: Scope):
        func = self.eval(node.func, scope)
        args, kwargs = [], {}
        for arg in node.args:
            value = self.eval(arg.value, scope)
            if arg.star == "*":
                if isinstance(value, Unknown):
                    return value
                args.extend(self.iterate(value))
            elif arg.star == "**":
                if not isinstance(value, dict):
                    return Unknown("**kwargs not known statically")
                kwargs.update(value)
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = value
            else:
                args.append(value)
        if isinstance(func, Builtin) and func.name == "len" and len(args) == 1 and isinstance(args[0], (Unknown, Opaque)):
            return self.symbols.of_expression(node)  # a data-dependent size
        return self.call(func, args, kwargs, node)

    # -- calls --------------------------------------------------------------------------------------
    def call(self, func: Any, args: list, kwargs: dict, node: cst.CSTNode | None) -> Any:
        loc = self.loc(node)
        try:
            return self._call(func, args, kwargs, node, loc)
        except KerasError as exc:
            if self.file_stack[-1] is None:
                exc.annotate(main_loc=loc)
            raise exc.annotate(loc=loc)
        except KerasErrorAt as exc:  # raised by a statement of a user function
            if self.file_stack[-1] is None:
                exc.error.annotate(main_loc=loc)
            raise

    def _call(self, func: Any, args: list, kwargs: dict, node: cst.CSTNode, loc: Loc) -> Any:
        if isinstance(func, (Unknown, Opaque)) and _is_summary_call(node):
            reason = func.reason if isinstance(func, Unknown) else f"`{func.description}` is not a model kerascheck can follow"
            self.add_summary(SummaryEvent(loc, None, None, reason))
        if isinstance(func, Unknown):
            return Unknown(func.reason)
        if isinstance(func, Function):
            return self.call_function(func, args, kwargs)
        if isinstance(func, BoundMethod):
            return self.call_function(func.function, [func.self_value, *args], kwargs)
        if isinstance(func, UserClass):
            return keras_api.instantiate(self, func, args, kwargs, loc)
        if isinstance(func, Builtin):
            return self.call_builtin(func.name, args, kwargs, loc)
        if isinstance(func, Super):
            return func
        if isinstance(func, Ref):
            self.result.events.append(Event("ref_call", loc, {"path": func.path, "args": args, "kwargs": kwargs, "node": node,
                                                              "tf_keras": func.tf_keras}))
        return keras_api.call(self, func, args, kwargs, loc)

    def call_function(self, func: Function, args: list, kwargs: dict) -> Any:
        if self.depth >= MAX_DEPTH:
            raise Unresolvable(f"recursion deeper than {MAX_DEPTH} calls in `{func.name}`")
        scope = Scope(func.scope, func.scope.module)
        self.bind_params(func, args, kwargs, scope)
        if isinstance(func.node, cst.FunctionDef) and _is_generator(func.node):
            # Calling a generator function runs none of its body: it returns a generator.
            return Opaque(f"generator {func.name}()")
        self.depth += 1
        self.frames.append((func, scope))
        self.file_stack.append(func.scope.module.file)
        self.pending_returns.append([])
        value: Any = None
        try:
            if isinstance(func.node, cst.Lambda):
                value = self.eval(func.node.body, scope)
            else:
                scope.vars["__class__"] = func.owner
                self.exec_block(func.node.body.body, scope)
        except Return as ret:
            value = ret.value
        finally:
            self.depth -= 1
            self.frames.pop()
            self.file_stack.pop()
            pending = self.pending_returns.pop()
        if pending and not all(paths.same(value, v) for v in pending):
            return Unknown(f"what `{func.name}` returns depends on a path the analysis cannot choose")
        return value

    def bind_params(self, func: Function, args: list, kwargs: dict, scope: Scope) -> None:
        """Bind arguments as Python does, raising the TypeError Python raises for a bad call."""
        params = func.node.params
        positional = list(params.posonly_params) + list(params.params)
        qualname = f"{func.owner.name}.{func.name}" if func.owner else func.name
        args, kwargs = list(args), dict(kwargs)
        if len(args) > len(positional) and not isinstance(params.star_arg, cst.Param):
            given = len(args)
            takes = len(positional)
            raise KerasError(f"{qualname}() takes {takes} positional argument{'s' * (takes != 1)} "
                             f"but {given} {'were' if given != 1 else 'was'} given", "TypeError")
        missing = []
        for param in positional:
            name = param.name.value
            if args:
                scope.vars[name] = args.pop(0)
            elif name in kwargs:
                scope.vars[name] = kwargs.pop(name)
            elif param.default is not None:
                scope.vars[name] = self.eval(param.default, func.scope)
            else:
                missing.append(name)
        if missing:
            names = [f"'{n}'" for n in missing]
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
            raise KerasError(f"{qualname}() missing {len(missing)} required positional argument"
                             f"{'s' * (len(missing) != 1)}: {listed}", "TypeError")
        if isinstance(params.star_arg, cst.Param):
            scope.vars[params.star_arg.name.value] = tuple(args)
        for param in params.kwonly_params:
            name = param.name.value
            if name in kwargs:
                scope.vars[name] = kwargs.pop(name)
            elif param.default is not None:
                scope.vars[name] = self.eval(param.default, func.scope)
            else:
                raise KerasError(f"{qualname}() missing 1 required keyword-only argument: '{name}'", "TypeError")
        if params.star_kwarg is not None:
            scope.vars[params.star_kwarg.name.value] = kwargs
        elif kwargs:
            raise KerasError(f"{qualname}() got an unexpected keyword argument '{next(iter(kwargs))}'", "TypeError")

    def call_builtin(self, name: str, args: list, kwargs: dict, loc: Loc) -> Any:
        if name == "print":
            return None
        if name == "super":
            return keras_api.make_super(self, args)
        if any(isinstance(a, (Unknown, Opaque)) for a in args):  # set(<data>); len() of one was a symbol above
            return Unknown(f"{name}() of a value not known statically")
        if name not in _SYMBOL_SAFE_BUILTINS and any(has_symbol(a) for a in args):
            if name == "int" and len(args) == 1 and isinstance(args[0], Sym):
                return args[0]
            return Unknown(f"{name}() of a symbolic dimension")
        try:
            if name == "len":
                return keras_api.length(args[0])
            if name in ("list", "tuple", "sorted", "reversed", "enumerate", "zip", "sum", "min", "max", "any", "all", "set"):
                iterables = [self.iterate(a) if not isinstance(a, (int, float)) else a for a in args]
                fn = {"list": list, "tuple": tuple, "sorted": sorted, "enumerate": enumerate, "zip": zip,
                      "sum": sum, "min": min, "max": max, "any": any, "all": all, "set": set,
                      "reversed": lambda x: list(reversed(list(x)))}[name]
                value = fn(*iterables, **kwargs) if name != "reversed" else fn(*iterables)
                return list(value) if name in ("enumerate", "zip") else value
            if name in ("range", "int", "float", "str", "bool", "abs", "round", "dict", "chr", "ord", "divmod"):
                return {"range": range, "int": int, "float": float, "str": str, "bool": bool,
                        "abs": abs, "round": round, "dict": dict, "chr": chr, "ord": ord,
                        "divmod": divmod}[name](*args, **kwargs)
            if name == "isinstance":
                return is_instance(args[0], args[1])
            if name == "map" and args and isinstance(args[0], (Function, BoundMethod, Builtin)):
                return [self.call(args[0], list(items), {}, cst.Name("map")) for items in zip(*map(self.iterate, args[1:]))]
        except (TypeError, ValueError) as exc:
            return Unknown(f"{name}() raised {type(exc).__name__}")
        return Unknown(f"{name}() is not evaluated")

    # -- helpers --------------------------------------------------------------------------------------
    def iterate(self, value: Any):
        """The items of ``value`` (a range is not materialised: a loop stops at its budget)."""
        if isinstance(value, Unknown):
            raise Unresolvable(value.reason)
        if isinstance(value, range):
            return value
        if isinstance(value, (list, tuple, str)):
            return list(value)
        if isinstance(value, dict):
            return list(value)
        it = keras_api.iterate(self, value)
        if it is None:
            raise Unresolvable(f"cannot iterate over {type(value).__name__} statically")
        return it

    def truth(self, value: Any) -> Any:
        if isinstance(value, Unknown):
            return value
        if isinstance(value, (Tensor, Opaque, Ref)):
            return Unknown(f"truth value of {_describe(value)}")
        if isinstance(value, (Layer,)):
            return True
        try:
            return bool(value)
        except Exception:
            return Unknown("truth value not known")


# Node type -> handler: a dict lookup per node instead of formatting and looking up a method name.
_STMT_HANDLERS = {getattr(cst, name[5:]): fn for name, fn in vars(Interpreter).items() if name.startswith("stmt_")}
_EXPR_HANDLERS = {getattr(cst, name[5:]): fn for name, fn in vars(Interpreter).items() if name.startswith("expr_")}


def _resolve_positions(source: list):
    """The positions of an ``Interpreter.sources`` entry, computed once (a pass over the whole module)."""
    if source[2] is None:
        source[2] = MetadataWrapper(source[0], unsafe_skip_copy=True).resolve(PositionProvider)
    return source[2]


_END = object()
# Built-in exceptions a handler also catches through a base class (besides Exception/BaseException).
_EXCEPTION_BASES = {
    "KeyError": ("LookupError",), "IndexError": ("LookupError",), "ZeroDivisionError": ("ArithmeticError",),
    "ModuleNotFoundError": ("ImportError",), "UnboundLocalError": ("NameError",),
    "NotImplementedError": ("RuntimeError",), "FileNotFoundError": ("OSError", "IOError", "EnvironmentError"),
}

_BINOPS = {
    "Add": operator.add, "Subtract": operator.sub, "Multiply": operator.mul, "Divide": operator.truediv,
    "FloorDivide": operator.floordiv, "Modulo": operator.mod, "Power": operator.pow,
    "LeftShift": operator.lshift, "RightShift": operator.rshift, "BitOr": operator.or_,
    "BitAnd": operator.and_, "BitXor": operator.xor, "MatrixMultiply": operator.matmul,
}
_SYMBOLIC_COMPARISONS = {
    "Equal": "==", "NotEqual": "!=", "LessThan": "<", "LessThanEqual": "<=", "GreaterThan": ">", "GreaterThanEqual": ">=",
}
# Builtins whose result cannot depend on a symbol's value (anything else of a symbol is unknown).
_SYMBOL_SAFE_BUILTINS = {"print", "super", "len", "list", "tuple", "enumerate", "zip", "sum", "isinstance", "reversed"}

_COMPARISONS = {
    "Equal": operator.eq, "NotEqual": operator.ne, "LessThan": operator.lt, "LessThanEqual": operator.le,
    "GreaterThan": operator.gt, "GreaterThanEqual": operator.ge,
    "In": lambda a, b: a in b, "NotIn": lambda a, b: a not in b,
}


def _is_installed(path: Path) -> bool:
    return any(part in ("site-packages", "dist-packages") for part in path.parts)


class ModuleLoader:
    """Finds and runs the user's own modules next to the analysed file (never library code).

    Absolute imports are looked up in the analysed file's folder (Python's ``sys.path[0]``) and
    the package roots above it; relative ones from the importing module's package. Each module
    runs once, sharing the Keras state (automatic names) as Python's import would. ``overlay``
    maps paths to in-memory text (an editor's unsaved buffers), which takes precedence over disk.
    """

    MAX_BYTES = 2_000_000

    def __init__(self, interp: "Interpreter", path: str, overlay: dict[str, str]):
        self.interp = interp
        self.overlay = {str(Path(p).resolve()): text for p, text in overlay.items()}
        self.probed: set[str] = set()  # every file looked for or read: what the result depends on
        main = Path(path).resolve() if path not in ("-", "") else Path.cwd() / "stdin.py"
        self.main = main
        roots = [main.parent]
        folder = main.parent
        while self._exists(folder / "__init__.py") and folder.parent != folder and not _is_installed(folder.parent):
            folder = folder.parent
            roots.append(folder)
        self.roots = roots
        self.loaded: dict[str, ModuleValue | None] = {}

    def _exists(self, path: Path) -> bool:
        self.probed.add(str(path))
        return path.exists()

    def _file_for(self, base: Path, parts: list[str]) -> Path | None:
        target = base.joinpath(*parts)
        for candidate in (target.with_suffix(".py"), target / "__init__.py"):
            self.probed.add(str(candidate))
            if str(candidate.resolve()) in self.overlay or candidate.is_file():
                return candidate.resolve()
        return None

    # Top-level names that are always libraries, even when a checkout of them is on the path.
    LIBRARIES = {"keras", "tensorflow", "tf_keras", "numpy", "jax", "torch", "tf", "np"}

    def find(self, parts: list[str], level: int, importer: str | None = None, load: bool = True) -> "ModuleValue | None":
        if not parts or not all(parts) or (not level and parts[0] in self.LIBRARIES):
            return None
        if level:
            base = Path(importer).parent if importer else self.main.parent
            for _ in range(level - 1):
                base = base.parent
            candidates = [self._file_for(base, parts)]
        else:
            candidates = [self._file_for(root, parts) for root in self.roots]
        # Installed third-party code is a library, not the user's sibling module.
        path = next((c for c in candidates if c is not None and c != self.main and not _is_installed(c)), None)
        if path is None:
            return None
        if not load:
            return ModuleValue(".".join(parts), Scope())
        return self.load(str(path), ".".join(parts))

    def load(self, path: str, name: str) -> "ModuleValue | None":
        if path in self.loaded:
            return self.loaded[path]
        self.loaded[path] = None  # an import cycle sees a partly run module as unknown
        self.probed.add(path)
        parsed = _parse_file(path, self.overlay.get(path), self.MAX_BYTES)
        if parsed is None:
            return None
        interp = self.interp
        module = parsed.entry[0]
        scope = interp.module_scope(module, path, names=parsed.names)
        value = ModuleValue(name, scope)
        interp.sources.append(parsed.entry)
        interp.file_stack.append(path)
        try:
            interp.exec_block(module.body, scope)
        finally:
            interp.file_stack.pop()
        self.loaded[path] = value
        return value


class _ParsedFile:
    """A module file as parsed, with what is derived from its text alone (shared by analyses)."""

    __slots__ = ("stamp", "entry", "names", "size")

    def __init__(self, stamp: Any, module: cst.Module, path: str, source: str):
        self.stamp, self.size = stamp, len(source)
        self.entry = [module, path, None]  # an ``Interpreter.sources`` entry: positions computed once
        self.names = _LazyBoundNames(module, source)


# Parsed imported modules by path, checked against size and mtime: a process that analyses many
# files (the editor's server, -j workers) reads the same library code, e.g. a keras.applications
# builder, on every analysis. Bounded by source size (a tree takes ~25 times its text), so the
# cache stays small next to one analysis: the largest Keras application source is 41 KB.
_PARSED: dict[str, _ParsedFile] = {}
_PARSED_MAX_BYTES = 1_000_000  # all cached sources together
_PARSED_MAX_FILE = 128_000


def _parse_file(path: str, text: str | None, max_bytes: int) -> _ParsedFile | None:
    """The module at ``path`` (``text``: an editor's unsaved text for it); None when unreadable."""
    try:
        if text is None:
            st = os.stat(path)
            if st.st_size > max_bytes:
                return None
            stamp: Any = (st.st_size, st.st_mtime_ns)
        else:
            stamp = text
        cached = _PARSED.get(path)
        if cached is not None and cached.stamp == stamp:
            return cached
        source = text if text is not None else Path(path).read_text(encoding="utf-8")
        parsed = _ParsedFile(stamp, parse_module(source), path, source)
    except (OSError, UnicodeDecodeError, cst.ParserSyntaxError, RecursionError):
        return None
    if parsed.size <= _PARSED_MAX_FILE:
        _PARSED.pop(path, None)
        while _PARSED and sum(p.size for p in _PARSED.values()) + parsed.size > _PARSED_MAX_BYTES:
            del _PARSED[next(iter(_PARSED))]  # the oldest
        _PARSED[path] = parsed
    return parsed


def _is_dataclass_decorator(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Call):
        node = node.func
    return _dotted(node) in ("dataclass", "dataclasses.dataclass")


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


def _summary_calls(node: cst.CSTNode) -> list[cst.Call]:
    """``x.summary()`` calls in a statement that could not be followed: each is a summary not predicted."""
    return _memoized(_SUMMARY_CACHE, node, _find_summary_calls)


def _find_summary_calls(node: cst.CSTNode) -> list[cst.Call]:
    found: list[cst.Call] = []

    class Finder(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            if _is_summary_call(call):
                found.append(call)

        def visit_IndentedBlock(self, block) -> bool:
            return False  # only the statement itself, not the body of an if/for

    node.visit(Finder())
    return found


def _is_summary_call(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "summary"


def _hashable(value: Any) -> bool:
    try:
        hash(value)
        return True
    except TypeError:
        return False


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _import_names(node: cst.ImportFrom) -> list[tuple[str, str]]:
    if isinstance(node.names, cst.ImportStar):
        return []
    out = []
    for alias in node.names:
        imported = _dotted(alias.name)
        bound = alias.asname.name.value if alias.asname is not None else imported
        out.append((imported, bound))
    return out


_BOUND_CACHE: dict[int, tuple[cst.CSTNode, list[str]]] = {}


def _bound_names(node: cst.CSTNode) -> list[str]:
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


_PY_BUILTINS = set(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__", "__loader__", "__builtins__",
                                      "__package__", "__path__", "__annotations__"}


class _LazyBoundNames:
    """``_names_bound_in(module)``, computed on the first membership test."""

    __slots__ = ("_module", "_source", "_names")

    def __init__(self, module: cst.Module, source: str | None):
        self._module, self._source, self._names = module, source, None

    def __contains__(self, name: str) -> bool:
        if self._names is None:
            self._names = _names_bound_in(self._module, self._source)
            self._module = self._source = None
        return name in self._names


def _names_bound_in(module: cst.Module, source: str | None = None) -> set[str]:
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


def interpret(module: cst.Module, path: str, overlay: dict[str, str] | None = None, source: str | None = None,
              dims: dict[str, int] | None = None) -> Result:
    return Interpreter(module, path, overlay, source, dims).run()


MAX_ITEMS = 100_000  # a sequence the interpreter builds from ``[0] * n`` or ``"-" * n``
MAX_BITS = 10_000  # an integer from ``**`` or ``<<``


def _too_big(op: str, left: Any, right: Any) -> str | None:
    """Why computing ``left op right`` would cost more memory or time than it is worth, if so."""
    if op == "Multiply":
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, (list, tuple, str, bytes)) and isinstance(n, int) and len(seq) * n > MAX_ITEMS:
                return f"a sequence of {len(seq) * n:,} items is not built statically"
    if op in ("Power", "LeftShift") and isinstance(left, int) and isinstance(right, int) and right > 0:
        bits = max(left.bit_length(), 1) * right if op == "Power" else left.bit_length() + right
        if bits > MAX_BITS:
            return "an integer too large to compute statically"
    return None


def _describe(value: Any) -> str:
    """A value as a message may name it (never an internal representation)."""
    if isinstance(value, Ref):
        return f"`{value.path}`"
    if isinstance(value, Opaque):
        return f"`{value.description}`"
    return type(value).__name__


_GENERATOR_CACHE: dict[int, tuple[cst.CSTNode, bool]] = {}


def _is_generator(node: cst.FunctionDef) -> bool:
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
             "discard", "sort", "reverse", "appendleft"}
_MUTATED_CACHE: dict[int, tuple[cst.CSTNode, list[str]]] = {}


def _mutated_names(node: cst.CSTNode) -> list[str]:
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


def _find_all_summary_calls(module: cst.Module) -> list[cst.Call]:
    found: list[cst.Call] = []

    class Finder(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            if _is_summary_call(call):
                found.append(call)

    module.visit(Finder())
    return found
