"""Paths the analysis cannot choose between, run one after the other from one state and joined.

Both sides of an ``if`` on an unknown condition, the body of a loop whose iteration count is
unknown (zero iterations, or some), a loop cut short by its budget: each path starts from the
state before the construct. Afterwards the state is the join of the paths that did not raise: a
variable, list, dict or attribute every path leaves the same keeps its value; one that differs
becomes ``Unknown``, naming the construct. Keras objects a path changed cannot be undone (a layer
added to a model, a layer called): they are marked uncertain, so a summary of them is explained
rather than guessed. Automatic layer names whose counters differ between paths are uncertain too.

A path that raises ends there, as the script would on that path; the error is kept as a
conditional one. When every path raises, the first error is certain and is raised again.
"""

from __future__ import annotations

import collections
import operator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ..ir import Layer
from ..models import Sequential
from ..shapes.base import Unknown
from .control import Break, Continue, KerasErrorAt, Return
from .values import CustomLayer, CustomModel, Instance, Scope

if TYPE_CHECKING:
    from .interpreter import Interpreter

_UNBOUND = object()
_CONTAINERS = (list, dict, set)
_PRIMITIVES = (int, float, str, bool, bytes, type(None), complex, range)


class PathBreak(Exception):
    """A ``break`` on a path that may not run: the enclosing loop may end early."""


@dataclass
class _State:
    """What a path may change: variables of the scope chain, containers and attributes they hold,
    and Keras's automatic-name counters."""

    scopes: list[tuple[Scope, dict]]
    containers: list[tuple[Any, Any]]  # (container, shallow copy of its contents)
    attrs: list[tuple[Any, dict]]  # (object with ``attrs``, copy of them)
    keras: list[tuple[Any, tuple]]  # (layer or model, fingerprint of what a call or add changes)
    names: collections.Counter


@dataclass
class _Outcome:
    """The end of one path: its variables, containers' contents, attributes and name counters."""

    scopes: list[dict]
    containers: list[Any]
    attrs: list[dict]
    names: collections.Counter
    returned: Any = _UNBOUND


@dataclass
class PathsResult:
    returned: list = field(default_factory=list)  # return values of paths that returned
    fell_through: bool = False  # some path reached the end of the construct
    broke: bool = False  # some path left the enclosing loop


def _chain(scope: Scope) -> list[Scope]:
    chain, seen = [], set()
    current: Scope | None = scope
    while current is not None:
        if id(current) not in seen:
            chain.append(current)
            seen.add(id(current))
        current = current.parent
    if id(scope.module) not in seen:
        chain.append(scope.module)
    return chain


def _fingerprint(obj: Any) -> tuple:
    return (len(obj.nodes), obj.weights is None, len(obj.stack) if isinstance(obj, Sequential) else 0)


def capture(interp: "Interpreter", scope: Scope) -> _State:
    scopes = [(s, dict(s.vars)) for s in _chain(scope)]
    containers: list[tuple[Any, Any]] = []
    attrs: list[tuple[Any, dict]] = []
    keras: list[tuple[Any, tuple]] = []
    seen: set[int] = set()

    def track(value: Any, depth: int) -> None:
        if id(value) in seen:
            return
        if isinstance(value, _CONTAINERS):
            seen.add(id(value))
            containers.append((value, value.copy()))
            if depth < 1 and len(value) <= 64:  # a big container of data: its items are not followed
                for item in (value.values() if isinstance(value, dict) else value):
                    if isinstance(item, (Layer, Instance)) or isinstance(item, _CONTAINERS):
                        track(item, depth + 1)
        elif isinstance(value, (CustomLayer, CustomModel, Instance)):
            seen.add(id(value))
            attrs.append((value, dict(value.attrs)))
            if isinstance(value, Layer):
                keras.append((value, _fingerprint(value)))
            if depth < 1:
                for item in value.attrs.values():
                    track(item, depth + 1)
        elif isinstance(value, Layer):
            seen.add(id(value))
            keras.append((value, _fingerprint(value)))

    for _, variables in scopes:
        for value in variables.values():
            track(value, 0)
    return _State(scopes, containers, attrs, keras, collections.Counter(interp.keras.naming.uids))


def restore(interp: "Interpreter", state: _State) -> None:
    for scope, variables in state.scopes:
        scope.vars.clear()
        scope.vars.update(variables)
    for container, contents in state.containers:
        _set_contents(container, contents)
    for obj, attrs in state.attrs:
        obj.attrs.clear()
        obj.attrs.update(attrs)
    interp.keras.naming.uids.clear()
    interp.keras.naming.uids.update(state.names)


def _set_contents(container: Any, contents: Any) -> None:
    if isinstance(container, list):
        container[:] = contents
    else:
        container.clear()
        container.update(contents)


def _outcome(interp: "Interpreter", state: _State, returned: Any = _UNBOUND) -> _Outcome:
    return _Outcome(
        [dict(s.vars) for s, _ in state.scopes],
        [c.copy() for c, _ in state.containers],
        [dict(o.attrs) for o, _ in state.attrs],
        collections.Counter(interp.keras.naming.uids),
        returned,
    )


def same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, _PRIMITIVES):
        return a == b
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, Unknown):
        return True  # unknown either way
    return False


def _same_contents(a: Any, b: Any) -> bool:
    if type(a) is not type(b) or len(a) != len(b):
        return False
    if isinstance(a, list):
        # Most paths leave a list as it was: the items are the very same objects (checked in C).
        return all(map(operator.is_, a, b)) or all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def _join_values(values: list, unknown: Unknown) -> Any:
    first = values[0]
    if all(same(first, v) for v in values[1:]) and first is not _UNBOUND:
        return first
    return next((v for v in values if isinstance(v, Unknown)), unknown)


JOIN_COST = 8  # values captured and joined per statement counted


def run_paths(interp: "Interpreter", scope: Scope, paths: list[Callable[[], None] | None], reason: str,
              replay: bool = False) -> PathsResult:
    """Run each path (None: a path that changes nothing) from the current state, then join them.

    ``replay``: the paths were run already from an earlier state (a loop's second pass): what they
    report (summaries, errors) is not reported again."""
    state = capture(interp, scope)
    # Capturing and joining costs as much as the state is large: counted as statements, so that a
    # loop's own budget (LOOP_STEPS) also bounds the paths it runs.
    interp.steps += (len(state.containers) + len(state.attrs) + sum(len(v) for _, v in state.scopes)) // JOIN_COST
    outcomes: list[_Outcome] = []
    errors: list[KerasErrorAt] = []
    result = PathsResult()
    interp.speculative.append(reason)
    if replay:
        interp.replaying += 1
    try:
        for path in paths:
            restore(interp, state)
            if path is None:
                outcomes.append(_outcome(interp, state))
                result.fell_through = True
                continue
            try:
                path()
                result.fell_through = True
                outcomes.append(_outcome(interp, state))
            except Return as ret:
                outcomes.append(_outcome(interp, state, ret.value))
                result.returned.append(ret.value)
            except (Break, PathBreak):
                result.broke = True
                result.fell_through = True
                outcomes.append(_outcome(interp, state))
            except Continue:
                result.fell_through = True
                outcomes.append(_outcome(interp, state))
            except KerasErrorAt as exc:
                errors.append(exc)
    finally:
        interp.speculative.pop()
        if replay:
            interp.replaying -= 1
    if not outcomes:
        restore(interp, state)
        raise errors[0]
    if not interp.replaying:
        for exc in errors:
            interp.conditional_error(exc)
    _join(interp, state, outcomes, reason)
    return result


def _join(interp: "Interpreter", state: _State, outcomes: list[_Outcome], reason: str) -> None:
    unknown = Unknown(reason)
    stale: set[int] = set()  # containers whose contents differ between paths
    for i, (container, _) in enumerate(state.containers):
        finals = [o.containers[i] for o in outcomes]
        if all(_same_contents(finals[0], f) for f in finals[1:]):
            _set_contents(container, finals[0])
        else:
            stale.add(id(container))
    for i, (scope, _) in enumerate(state.scopes):
        names = set().union(*(o.scopes[i] for o in outcomes))
        joined = {}
        for name in names:
            value = _join_values([o.scopes[i].get(name, _UNBOUND) for o in outcomes], unknown)
            joined[name] = unknown if id(value) in stale else value
        scope.vars.clear()
        scope.vars.update(joined)
    for i, (obj, _) in enumerate(state.attrs):
        names = set().union(*(o.attrs[i] for o in outcomes))
        joined = {}
        for name in names:
            value = _join_values([o.attrs[i].get(name, _UNBOUND) for o in outcomes], unknown)
            joined[name] = unknown if id(value) in stale else value
        obj.attrs.clear()
        obj.attrs.update(joined)
    for obj, fingerprint in state.keras:
        if _fingerprint(obj) != fingerprint and obj.uncertain is None:
            obj.uncertain = f"it changes on a path that may not run ({reason})"
    naming = interp.keras.naming
    naming.uids.clear()
    for prefix in set().union(*(o.names for o in outcomes)):
        counts = [o.names.get(prefix, 0) for o in outcomes]
        naming.uids[prefix] = max(counts)
        if len(set(counts)) > 1:
            naming.uncertain.setdefault(prefix, f"automatic `{prefix}` names depend on a path ({reason})")
