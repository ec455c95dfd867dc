"""What ``fit`` logs under Keras 3.15: the keys of ``History.history`` and the names callbacks monitor.

Keras 3 names a compiled metric as written when it is a string (``'acc'`` logs ``acc``,
``'accuracy'`` logs ``accuracy``: keras/src/trainers/compile_utils.py ``get_metric``), a function by
its ``__name__``; the validation logs are the same names prefixed ``val_``
(keras/src/trainers/trainer.py). Keras 2.2 logged ``'accuracy'`` as ``acc``, so old code reads
``history.history['val_acc']`` (a KeyError) or monitors ``val_acc`` (never logged). Whatever the
analysis cannot name (a metric object, several outputs, a callback of the user's that may add logs)
leaves the keys unknown, and nothing is reported.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from .. import migration
from ..ir import Model
from .result import MethodCalled, RefCalled
from .values import CustomModel, Function

# Callbacks that add nothing to the logs, and those that add the learning rate.
_QUIET_CALLBACKS = migration.MONITOR_CALLBACKS | {
    f"keras.callbacks.{n}" for n in ("TerminateOnNaN", "CSVLogger", "TensorBoard", "ProgbarLogger", "History",
                                     "BackupAndRestore", "RemoteMonitor")}
_LR_CALLBACKS = {"keras.callbacks.ReduceLROnPlateau", "keras.callbacks.LearningRateScheduler"}
# Where ``mode`` (and ``save_best_only``) sit among each monitoring callback's positional parameters.
_MODE_POSITION = {"EarlyStopping": 4, "ReduceLROnPlateau": 4, "ModelCheckpoint": 5}
_MONITOR_POSITION = {"EarlyStopping": 0, "ReduceLROnPlateau": 0, "ModelCheckpoint": 1}


@dataclass(frozen=True)
class Metric:
    name: str
    # Keras knows whether it should go up or down (a metric class with ``_direction``): True; a plain
    # function wrapped in MeanMetricWrapper: False; not known: None.
    directed: bool | None


@dataclass(eq=False)
class History:
    """What ``fit`` returned: ``keys`` the names it logs (None: not known)."""

    keys: tuple[str, ...] | None
    fit_line: int


@dataclass(eq=False)
class HistoryLogs:
    """``history.history``: a dict of the logged names."""

    history: History


@dataclass(frozen=True)
class Monitor:
    """A callback given to ``fit`` that monitors ``monitor``."""

    event: RefCalled  # the callback's construction
    callback: str  # its class name
    monitor: str
    mode: str
    raises: bool  # Keras 3 raises at the end of the first epoch (mode 'auto' cannot be inferred)
    logged: bool | None  # the name is among the logs (None: not known)
    renamed: str | None  # the Keras 3 name of a metric monitored under its Keras 2.2 name
    nearest: str | None  # the closest logged name
    keys: tuple[str, ...] | None


def compiled_metrics(events: list, model: Any) -> list[Metric] | None:
    """The metrics the model's last ``compile`` gave, as Keras 3 names them; None when not known."""
    compiled = [e for e in events if isinstance(e, MethodCalled) and e.name == "compile" and e.obj is model]
    if not compiled or len(compiled[-1].args) > 2 or compiled[-1].kwargs.get("weighted_metrics"):
        return None
    if not _single_output(model):
        return None
    metrics = compiled[-1].kwargs.get("metrics")
    if metrics is None:
        return []
    if not isinstance(metrics, (list, tuple)):
        return None
    found = []
    for metric in metrics:
        if isinstance(metric, str):
            found.append(Metric(metric, True if metric.lower() in ("acc", "accuracy") else None))
        elif isinstance(metric, Function) and metric.name != "<lambda>" and metric.owner is None:
            found.append(Metric(metric.name, False))
        else:
            return None
    return found


def _single_output(model: Any) -> bool:
    """A built-in model with one output (a subclass's ``train_step`` may log anything)."""
    if not isinstance(model, Model) or isinstance(model, CustomModel):
        return False
    outputs = getattr(model, "flat_outputs", None)
    return outputs is None or len(outputs) == 1


def _validates(args: list, kwargs: dict) -> bool | None:
    if len(args) > 2 or "validation_freq" in kwargs:
        return None
    if kwargs.get("validation_data") is not None:
        return True
    split = kwargs.get("validation_split", 0.0)
    if isinstance(split, (int, float)) and not isinstance(split, bool):
        return split > 0
    return None


def _callbacks(events: list, kwargs: dict) -> list[RefCalled] | None:
    """The construction events of the callbacks given to ``fit``; None when one is not a Keras callback."""
    given = kwargs.get("callbacks")
    if given is None:
        return []
    if not isinstance(given, (list, tuple)):
        return None
    made = []
    for callback in given:
        event = next((e for e in events if isinstance(e, RefCalled) and e.result is callback), None)
        if event is None or event.path not in _QUIET_CALLBACKS | _LR_CALLBACKS:
            return None
        made.append(event)
    return made


def logged_keys(events: list, model: Any, args: list, kwargs: dict) -> tuple[str, ...] | None:
    """The keys of the History a ``fit(*args, **kwargs)`` of ``model`` returns; None when not known."""
    metrics = compiled_metrics(events, model)
    validates = _validates(args, kwargs)
    callbacks = _callbacks(events, kwargs)
    if metrics is None or validates is None or callbacks is None:
        return None
    names = ["loss"] + [m.name for m in metrics]
    keys = names + [f"val_{n}" for n in names] if validates else names
    if any(c.path in _LR_CALLBACKS for c in callbacks):
        keys.append("learning_rate")
    return tuple(keys)


def monitors(events: list, model: Any, args: list, kwargs: dict) -> list[Monitor]:
    """The monitoring callbacks given to ``fit``, with what Keras 3 makes of their ``monitor``."""
    callbacks = _callbacks(events, kwargs)
    if not callbacks:
        return []
    metrics = compiled_metrics(events, model)
    keys = logged_keys(events, model, args, kwargs)
    found = []
    for event in callbacks:
        cls = event.path.rsplit(".", 1)[1]
        if cls not in _MODE_POSITION:
            continue
        position = _MONITOR_POSITION[cls]
        monitor = event.args[position] if len(event.args) > position else event.kwargs.get("monitor", "val_loss")
        mode = event.args[_MODE_POSITION[cls]] if len(event.args) > _MODE_POSITION[cls] else \
            event.kwargs.get("mode", "auto")
        if not isinstance(monitor, str) or not isinstance(mode, str):
            continue
        mode = mode if mode in ("min", "max") else "auto"  # Keras warns about another mode and uses auto
        base = monitor.removeprefix("val_")
        raises = False
        if mode == "auto" and base != "loss" and metrics is not None:
            raises = all(m.directed is False for m in metrics if m.name == base)
        names = [m.name for m in metrics] if metrics is not None else None
        renamed = migration.renamed_monitor(monitor, names) if names is not None else None
        logged = None if keys is None else monitor in keys
        nearest = None
        if keys is not None and not logged:
            close = difflib.get_close_matches(monitor, [k for k in keys if k.startswith("val_") == monitor.startswith(
                "val_")], n=1, cutoff=0.6)
            nearest = close[0] if close else None
        found.append(Monitor(event, cls, monitor, mode, raises, logged, renamed, nearest, keys))
    return found


def saves_best_only(monitor: Monitor) -> bool:
    """A ModelCheckpoint reads its monitor only with ``save_best_only`` (the other callbacks always)."""
    if monitor.callback != "ModelCheckpoint":
        return True
    event = monitor.event
    return bool(event.args[3] if len(event.args) > 3 else event.kwargs.get("save_best_only", False))
