"""Error recovery for Keras 1/2 code: where Keras 3 raises on a removed name, keyword or method whose
Keras 3 spelling is mechanical, the error is recorded (``Interpreter.recover``) and the analysis goes
on with the value of that spelling: ``from keras.layers.core import Dense`` binds ``keras.layers.Dense``,
``Adam(lr=0.01)`` is an Adam with ``learning_rate=0.01``, ``Dense(10, init="uniform")`` a Dense with that
``kernel_initializer``, ``fit_generator(...)`` is ``fit(...)``. What follows is checked, and the
consequences of the error are not reported as new errors. The migration rules (KC302, KC303, KC306)
report these errors from the events; the tables are in ``kerascheck.migration``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import libcst as cst

from .. import migration
from ..ir import Loc
from ..shapes.base import KerasError, Unknown
from . import logs
from .scans import import_names
from .values import Ref, Scope, canonical

if TYPE_CHECKING:
    from .interpreter import Interpreter


def from_import(interp: "Interpreter", node: cst.ImportFrom, spelled: str, scope: Scope) -> bool:
    """``from <removed module> import X`` / ``from keras.layers import Merge``: reported (KC302) and
    bound to what Keras 3 calls it (unknown when nothing). False: not a removed Keras import."""
    if migration.keras_path(spelled) is None:
        return False
    names = import_names(node)
    missing = migration.missing_module(spelled)
    if missing:
        error = KerasError(f"No module named '{missing[0]}'", "ModuleNotFoundError")
    else:
        bad = next((imported for imported, _ in names if migration.missing_name(spelled, imported)), None)
        if bad is None:
            return False
        error = KerasError(f"cannot import name '{bad}' from '{spelled}'", "ImportError")
    interp.recover(error, interp.loc(node), rule="KC302")
    for imported, bound in names:
        if not missing and not migration.missing_name(spelled, imported):
            scope.assign(bound, Ref.of(spelled).attr(imported))
            continue
        new = migration.keras3_path(canonical(f"{spelled}.{imported}"))
        if canonical(f"{spelled}.{imported}") == "keras.layers.merge":
            new = "keras.layers.merge"  # Keras 1's merge(mode=...): called as its Keras 3 form (ref_call)
        scope.assign(bound, Ref(canonical(new)) if new else Unknown(
            f"`{imported}` cannot be imported in Keras 3 (line {interp.loc(node).line})"))
    return True


def ref_call(interp: "Interpreter", func: Ref, args: list, kwargs: dict, loc: Loc) -> tuple[Any, dict]:
    """The function and keywords Keras 3 would call instead of a removed ``keras.backend.sum``, an
    optimizer given ``lr=``, ``Model(input=, output=)`` or ``to_categorical(nb_classes=)`` (the error
    recorded), or (func, kwargs) unchanged."""
    func, kwargs = _removed_name(interp, func, args, kwargs, loc)
    if isinstance(func, Ref) and migration.renamed_function_keywords(func.path, kwargs):
        raised = migration.function_keyword_error(func.path, kwargs)
        if raised is not None:  # (a keyword Keras 3 ignores raises nothing: KC304 warns about it)
            interp.recover(KerasError(raised[1], raised[0]), loc, rule="KC303")
        renames = migration.renamed_function_keywords(func.path, kwargs)
        kwargs = {renames.get(k, k): v for k, v in kwargs.items()}
    return func, kwargs


def _removed_name(interp: "Interpreter", func: Ref, args: list, kwargs: dict, loc: Loc) -> tuple[Any, dict]:
    path = func.path
    found = migration.removed_attribute(f"tensorflow.{path}" if func.tf_keras else path)
    if found is not None:
        module, name, _ = found
        interp.recover(KerasError(f"module '{module}' has no attribute '{name}'", "AttributeError"), loc, rule="KC302")
        if path == "keras.layers.merge":
            merged = migration.merge_call(kwargs)
            return (Ref(merged[0]), merged[1]) if merged else (Unknown("Keras 1's merge() with a custom mode"), kwargs)
        new = migration.keras3_path(path)
        return (Ref(canonical(new)) if new else Unknown(f"`{path}` does not exist in Keras 3")), kwargs
    if path == "keras.callbacks.ModelCheckpoint":
        args_path = args[0] if args else kwargs.get("filepath")
        weights_only = args[4] if len(args) > 4 else kwargs.get("save_weights_only")
        if weights_only is True and isinstance(args_path, str) and not args_path.endswith(
                ".weights.h5"):
            interp.recover(KerasError("When using `save_weights_only=True` in `ModelCheckpoint`, the filepath "
                                      "provided must end in `.weights.h5` (Keras weights format). Received: "
                                      f"filepath={args_path}"), loc, rule="KC308")
        return func, kwargs
    if path.startswith("keras.optimizers.") and path.count(".") == 2 and path[17:18].isupper():
        accepted = migration.optimizer_keywords(path[17:])
        unknown = {k: v for k, v in kwargs.items() if k not in accepted}
        if len(accepted) > 1 and unknown:
            interp.recover(KerasError(f"Argument(s) not recognized: {unknown}"), loc, rule="KC303")
            kwargs = {k: v for k, v in kwargs.items() if k in accepted}
            for old, new in migration.OPTIMIZER_RENAMES.items():
                if old in unknown and new not in kwargs:
                    kwargs[new] = unknown[old]
    return func, kwargs


def model_method(interp: "Interpreter", obj: Any, name: str, args: list, kwargs: dict, loc: Loc) -> str:
    """A removed model method (``fit_generator``), a Keras 1/2 keyword of ``fit`` (``nb_epoch``), a
    weights file not named ``*.weights.h5``: the error recorded, the name of the method Keras 3 has
    returned."""
    if name == "save_weights":
        path = args[0] if args else kwargs.get("filepath")
        if isinstance(path, str) and not path.endswith(".weights.h5") and kwargs.get("max_shard_size") is None:
            interp.recover(KerasError(f"The filename must end in `.weights.h5`. Received: filepath={path}"), loc,
                           rule="KC308")
        return name
    removed = migration.removed_model_methods()
    if name in removed:
        cls = getattr(obj, "class_name", None) or type(obj).__name__
        interp.recover(KerasError(f"'{cls}' object has no attribute '{name}'", "AttributeError"), loc, rule="KC306")
        return removed[name] or name
    if name in ("fit", "fit_generator"):
        for found in logs.monitors(interp.result.events, obj, args, kwargs):
            if found.raises:
                interp.recover(KerasError(migration.monitor_error(found.callback, found.monitor)), loc, rule="KC309")
                break
    if name in ("fit", "evaluate", "predict"):
        bad = migration.removed_method_kwargs(name, kwargs)
        if bad:
            interp.recover(KerasError(f"{name}() got an unexpected keyword argument '{bad[0]}'", "TypeError"), loc,
                           rule="KC303")
    return name


def missing_attribute(interp: "Interpreter", obj: Any, name: str, loc: Loc | None, assigned: bool) -> Any:
    """A Keras 3 layer, model or symbolic tensor has no attribute ``name`` (``model.summery``,
    ``x._keras_shape``): the AttributeError recorded (KC301 reports it, with the nearest name), and the
    value of the Keras 3 spelling (``x.shape``) or unknown returned; None when it has it (or the
    analysis cannot tell: a name the script assigned, a user subclass)."""
    from ..ir import Tensor

    cls = "KerasTensor" if isinstance(obj, Tensor) else getattr(obj, "class_name", None)
    if loc is None or assigned or cls is None:
        return None
    if isinstance(obj, Tensor):
        if not obj.symbolic or name not in migration.PRIVATE_ATTRIBUTES:
            return None
        found = ("a Keras 2 private attribute", migration.PRIVATE_ATTRIBUTES[name])
    else:
        found = migration.missing_attribute(cls, name)
        if found is None:
            return None
    error = KerasError(f"'{cls}' object has no attribute '{name}'", "AttributeError").annotate(stage="attribute",
                                                                                               layer=cls)
    error.suggestion = found[1]
    interp.recover(error, loc)
    if found[1] == "shape" and isinstance(obj, Tensor):
        return obj.shape
    return Unknown(f"`{name}` is not an attribute of a Keras 3 {cls} (line {loc.line})")
