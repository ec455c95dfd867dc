"""An abstract interpreter over libcst: runs a module's statements in execution order.

The driver is here; statements (``statements``), expressions (``expressions``), the module loader
(``loader``), syntax scans (``scans``), joins of paths (``paths``) and budgets have their own modules.

It evaluates what model building needs (constants, containers, arithmetic, user functions and
classes, loops and conditionals on known values) and hands everything Keras-specific to
``keras_api``. It never imports or executes the user's code: every value is computed here.
What cannot be known becomes ``Unknown(reason)``; a Keras error ends the run, as it would the
script, except on a path that may not run (reported, and the analysis goes on).
"""

from __future__ import annotations

import ast
import time
from pathlib import Path
from typing import Any

import libcst as cst

from ..ir import Loc
from ..shapes.base import KerasError, Unknown, Unresolvable
from . import budgets, user_layers
from .control import Break, Budget, Continue, KerasErrorAt, Return
from .expressions import Expressions
from .loader import ModuleLoader
from .result import ErrorEvent, Event, Result, SummaryEvent, resolve_positions
from .scans import LazyBoundNames, StatementLines, bound_names, find_all_summary_calls
from .statements import Statements
from .symbols import Symbols
from .values import Function, Scope

__all__ = ["ErrorEvent", "Event", "Interpreter", "KerasErrorAt", "Result", "SummaryEvent", "interpret"]

class Interpreter(Statements, Expressions):
    def __init__(self, module: cst.Module, path: str, overlay: dict[str, str] | None = None, source: str | None = None,
                 dims: dict[str, int] | None = None, tree: ast.Module | None = None):
        self._unresolved_seen: set = set()
        self.module = module
        self.result = Result(path)
        self.symbols = Symbols(dims, self.result.symbol_names)  # data-dependent sizes, and the values bound
        self.keras = self.result.keras
        self.keras.runner = lambda layer, loc=None: user_layers.layer_runner(self, layer, loc)
        self.steps = 0
        self.deadline = time.thread_time() + budgets.MAX_SECONDS
        self.depth = 0
        self.current_stmt: cst.CSTNode | None = None  # the analysed file's statement running now
        self.globals = self.module_scope(module, None, source, LazyBoundNames(module, source, tree))
        self.statement_lines = StatementLines(module, tree)  # lines for messages, without a position pass
        self.globals.vars["__name__"] = "__main__"  # the analysed file is the script being run
        self.globals.vars["__file__"] = path
        self.frames: list[tuple[Function, Scope]] = []  # user-function calls in progress (for super())
        self.speculative: list[str] = []  # why each enclosing path may not run (paths.run_paths)
        self.replaying = 0  # > 0: a loop's second pass, whose reports the first pass made already
        self.pending_returns: list[list] = []  # per call: values returned on paths that may not run
        self.training_context: list[Any] = []  # ``training`` of the enclosing user-layer calls (Keras's call context)
        self.loop_exits: list[str | None] = []  # per running loop: why it may end early (a path's break)
        self.stopped = False  # the script stopped at ``result.error``: summaries after it are not reached
        self.try_handlers: list[tuple] = []  # (handlers, scope) of the ``try`` bodies running now
        # Keras's own bare ``except:`` around user code it runs (a Lambda's shape inference): per one
        # running, the ``try_handlers`` and ``speculative`` depths at its start, and the errors
        # recovered inside it on paths that surely run.
        self.keras_catches: list[tuple[int, int, list]] = []
        self.keras_runs = 0  # user code Keras runs itself (a loss in fit): its errors raise at the Keras call
        self.ran_on_data: set[int] = set()  # user layer classes whose call() a fit/predict ran (user_layers.run_on_data)
        self.assigned_attributes: set[tuple[int, str]] = set()  # (id(layer), name) the script assigned
        # fit/evaluate/predict on known arrays (fit_data): ids of the models and arrays of a call that
        # failed (not checked again), and per model the (inputs, labels) shapes its last fit traced.
        self.data_failed: set[int] = set()
        self.data_traced: dict[int, tuple] = {}
        self.data_losses_run: dict[tuple, Any] = {}  # (loss function, y_true, y_pred shapes) -> its error
        # Modules whose positions a Loc may need: (module, file, positions computed on first use).
        self.sources: list[list] = [[module, None, None]]
        self.result.main_source = self.sources[0]
        self.loader = ModuleLoader(self, path, overlay or {})
        self.result.dependencies = self.loader.probed
        self.file_stack: list[str | None] = [None]  # the file whose code runs now (None: the analysed one)

    @staticmethod
    def module_scope(module: cst.Module, file: str | None, source: str | None = None,
                     names: "LazyBoundNames | None" = None) -> Scope:
        scope = Scope()
        scope.file = file
        # Names some statement of the module binds; a name bound nowhere is a certain NameError,
        # unless a star import from a module we cannot enumerate might bind it. Computed at the
        # first name not found: most modules never need it, and it costs a walk of the whole tree.
        scope.bound_names = names if names is not None else LazyBoundNames(module, source)
        return scope

    # -- driver -------------------------------------------------------------------------------------
    def run(self) -> Result:
        """The module's statements in order. The first error Keras or Python raises is where the
        script stops (``result.error``); the analysis goes on past it to find the others, with what
        the failed statement would have bound unknown (so its consequences are never new errors),
        and without predicting the summaries the script no longer reaches."""
        for stmt in self.module.body:
            try:
                self.exec_stmt(stmt, self.globals)
            except KerasErrorAt as exc:
                self.record_error(exc)
                self.forget_failed(stmt, exc, self.globals)
            except Budget as exc:
                self.cut_short(str(exc))
                return self.result
            except (Return, Break, Continue):
                break
        self.explore_uncalled()
        return self.result

    def explore_uncalled(self) -> None:
        """Functions the script defines but never calls (builders another module imports) are run
        once: with their defaults when every parameter has one, else with unknown arguments. What
        they build is kept for the editor (hover); errors that hold whatever the arguments are
        reported; nothing they do changes what the script's own run predicted."""
        keras = self.keras
        stop = min(self.deadline, time.thread_time() + budgets.EXPLORE_SECONDS)
        uncalled = [value for value in self.globals.vars.values()
                    if isinstance(value, Function) and isinstance(value.node, cst.FunctionDef) and not value.calls
                    and value.scope.module is self.globals and value.owner is None]
        for value in uncalled[: budgets.EXPLORE_FUNCTIONS]:
            if time.thread_time() > stop:
                return
            params = value.node.params
            every = list(params.posonly_params) + list(params.params) + list(params.kwonly_params)
            kwargs = {} if all(p.default is not None for p in every) else {
                p.name.value: Unknown(f"argument `{p.name.value}` of `{value.name}()`, which the script never calls")
                for p in every}
            models, layers, names = len(keras.models), len(keras.layers), dict(keras.naming.uids)
            self.replaying += 1  # its summaries are not reached by the script
            try:
                self.call_function(value, [], kwargs)
            except KerasErrorAt as exc:
                exc.error.message += f" (in `{value.name}()`, which this file never calls)"
                self.result.conditional_errors.append(self.error_event(exc))
            except Budget:
                return
            except (Unresolvable, KerasError, Return, Break, Continue, RecursionError):
                pass
            finally:
                self.replaying -= 1
                self.result.explored_models.extend(keras.models[models:])  # for the editor's hover only
                del keras.models[models:], keras.layers[layers:]
                keras.naming.uids.clear()
                keras.naming.uids.update(names)

    @property
    def current_loc(self) -> Loc | None:
        return self.loc(self.current_stmt) if self.current_stmt is not None else None

    def cut_short(self, reason: str) -> None:
        """The analysis stops here: summaries the script would still reach are named, not lost."""
        loc = self.current_loc or Loc(1, 1)
        self.result.cut_short = (loc, reason)
        self.result.unresolved.append((loc, f"analysis stopped: {reason}"))
        reached = {(e.loc.line, e.loc.column) for e in self.result.summaries}
        for call in find_all_summary_calls(self.module):
            where = self.loc(call)
            if where.line >= loc.line and (where.line, where.column) not in reached:
                self.result.summaries.append(SummaryEvent(where, None, None, f"the analysis stopped at line {loc.line}: {reason}"))

    def add_summary(self, event: "SummaryEvent") -> None:
        if not self.replaying and not self.stopped:
            self.result.summaries.append(event)

    def recover(self, error: KerasError, loc: Loc, rule: str | None = None) -> None:
        """Keras raises ``error`` here, and the caller goes on with the value of the Keras 3 spelling
        (a removed import binds the object it became, ``Adam(lr=0.01)`` is an Adam with that
        learning rate): what follows is checked, and the consequences of this error are not new ones.

        ``rule``: the code of the rule that reports this error itself (from the events); the error
        is kept only when it is where the script stops, to mark that diagnostic. Without one, an
        engine rule reports it. Inside a ``try`` whose handler catches it, it is raised as usual."""
        depth, paths, caught = self.keras_catches[-1] if self.keras_catches else (0, 0, None)
        for handlers, scope in reversed(self.try_handlers[depth:]):
            if any(self.catches(h, error.kind, scope) for h in handlers):
                raise error
        if caught is not None and len(self.speculative) == paths:
            caught.append((error, loc, rule))  # Keras catches it and raises its own error where it ran the code
            return
        for handlers, scope in reversed(self.try_handlers[:depth]):
            if any(self.catches(h, error.kind, scope) for h in handlers):
                raise error
        if self.file_stack[-1] is not None or self.replaying:
            if rule is None:
                raise error
            return
        if self.file_stack[-1] is None:
            error.annotate(main_loc=loc)
        event = ErrorEvent(loc, error.kind, error.message, None if rule is not None else error.annotate(loc=loc),
                           rule=rule)
        if self.speculative:
            if rule is None:
                self.conditional_error(KerasErrorAt(loc, error))
            return
        if self.result.error is None:
            self.result.error = event
            self.stopped = True
        elif rule is None:
            self.result.later_errors.append(event)

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

    def where(self, node: cst.CSTNode) -> str:
        """Where a statement is, for a message: "at line N" in the analysed file (from the ``ast``
        pairing, else positions), "in FILE" in a module it imports (no position pass over it)."""
        if self.file_stack[-1] is not None:
            return f"in {Path(self.file_stack[-1]).name}"
        line = self.statement_lines.get(node)
        return f"at line {line if line is not None else self.loc(node).line}"

    def loc(self, node: cst.CSTNode | None) -> Loc:
        # The node belongs to the module whose code runs now, so the file is known without positions.
        return Loc.lazy(node, self._position, self.file_stack[-1] if node is not None else False)

    def _position(self, node: cst.CSTNode) -> tuple:
        for source in self.sources:
            pos = resolve_positions(source).get(node)
            if pos is not None:
                return (pos.start.line, pos.start.column + 1, pos.end.line, pos.end.column + 1, source[1])
        return (1, 1, 1, 1, None)


def interpret(module: cst.Module, path: str, overlay: dict[str, str] | None = None, source: str | None = None,
              dims: dict[str, int] | None = None, tree: ast.Module | None = None) -> Result:
    """``tree``: the module as ``ast`` parsed it already (the names it binds are read from it)."""
    return Interpreter(module, path, overlay, source, dims, tree).run()

