"""``fit``, ``evaluate`` and ``predict`` on NumPy arrays whose shapes the analysis knows (``arrays``).

Keras calls the model on each batch (the model's input checks, keras/src/models/functional.py
``input_spec`` and ``_adjust_input_rank``; an unbuilt Sequential is first built on the data's shape)
and the loss compares the labels with the output (keras/src/losses/loss.py
``squeeze_or_expand_to_same_rank``, then the crossentropy checks of keras/src/backend/tensorflow/nn.py,
or the user's loss function run on tensors of those shapes). An error is reported at the call only
where Keras raises whatever the values are: unknown arrays, inputs matched by name (dicts), subclassed
models and losses kerascheck does not model are left alone.

Once a call fails, its model and arrays are not checked again: a later call with them fails for the
same reason (a consequence, not a new error).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..ir import InputLayer, Layer, Loc, Tensor
from ..models import Functional, Sequential, check_call
from ..shapes.base import KerasError, Opaque, Unresolvable
from .control import Budget, KerasErrorAt
from .result import NOT_MADE, MethodCalled, RefCalled
from .values import Function, Ref

if TYPE_CHECKING:
    from .interpreter import Interpreter

# Keras 3.15's signatures (keras/src/trainers/trainer.py), to bind positional arguments.
_SIGNATURES = {
    "fit": ("x", "y", "batch_size", "epochs", "verbose", "callbacks", "validation_split", "validation_data",
            "shuffle", "class_weight", "sample_weight", "initial_epoch", "steps_per_epoch", "validation_steps",
            "validation_batch_size", "validation_freq"),
    "evaluate": ("x", "y", "batch_size", "verbose", "sample_weight", "steps", "callbacks", "return_dict"),
    "predict": ("x", "batch_size", "verbose", "steps", "callbacks"),
    "train_on_batch": ("x", "y", "sample_weight", "class_weight", "return_dict"),
    "test_on_batch": ("x", "y", "sample_weight", "return_dict"),
    "predict_on_batch": ("x",),
}
_TRAINING = {"fit", "train_on_batch"}

# The losses whose shape checks are modelled, by every name ``keras.losses.get`` accepts for them
# (keras/src/losses/__init__.py ALL_OBJECTS_DICT) -> how they compare the labels with the output.
_LOSS_KINDS = {
    **dict.fromkeys(("categorical_crossentropy", "CategoricalCrossentropy"), "categorical"),
    **dict.fromkeys(("binary_crossentropy", "BinaryCrossentropy", "bce", "BCE", "binary_focal_crossentropy",
                     "BinaryFocalCrossentropy"), "binary"),
    **dict.fromkeys(("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"), "sparse"),
    # y_true - y_pred, element by element (broadcast)
    **dict.fromkeys(("mean_squared_error", "MeanSquaredError", "mse", "MSE", "mean_absolute_error",
                     "MeanAbsoluteError", "mae", "MAE", "mean_absolute_percentage_error",
                     "MeanAbsolutePercentageError", "mape", "MAPE", "mean_squared_logarithmic_error",
                     "MeanSquaredLogarithmicError", "msle", "MSLE", "huber", "Huber", "log_cosh", "LogCosh"),
                    "elementwise"),
}
# Arguments of a loss object that leave its shape checks as modelled.
_PLAIN_LOSS_ARGUMENTS = {"from_logits", "label_smoothing", "name", "reduction", "dtype", "delta", "alpha", "gamma",
                         "apply_class_balancing"}


def check_data(interp: "Interpreter", model: Any, method: str, args: list, kwargs: dict, loc: Loc) -> None:
    """What Keras raises when ``model.<method>(...)`` runs on arrays of known shapes (recorded at ``loc``)."""
    signature = _SIGNATURES.get(method)
    if signature is None or not isinstance(model, (Sequential, Functional)) or id(model) in interp.data_failed:
        return
    if any(layer.uncertain is not None for layer in model.layers):
        return
    bound = dict(zip(signature, args))
    bound.update((k, v) for k, v in kwargs.items() if k in signature)
    try:
        _check_call(interp, model, method, bound)
    except (Unresolvable, KerasErrorAt):  # KerasErrorAt: user code the replay ran failed on its own
        return
    except _DataError as failed:
        interp.data_failed.update(id(v) for v in (model, *failed.involved))
        interp.recover(failed.error, loc)


class _DataError(Exception):
    def __init__(self, error: KerasError, involved: list):
        super().__init__(error.message)
        self.error = error
        self.involved = involved


def _check_call(interp: "Interpreter", model: Any, method: str, bound: dict) -> None:
    x, y = bound.get("x"), bound.get("y")
    if not method.startswith("predict") and not model.compiled:
        return  # Keras asks for compile() first
    if method == "fit":
        epochs, initial = bound.get("epochs", 1), bound.get("initial_epoch", 0)
        if not isinstance(epochs, int) or not isinstance(initial, int) or epochs <= initial:
            return  # no epoch runs (or the analysis cannot tell)
    batch_size = bound.get("batch_size")
    _check_pair(interp, model, method, x, y, batch_size)
    if method == "fit" and bound.get("validation_freq", 1) == 1:
        validation = bound.get("validation_data")
        if isinstance(validation, (tuple, list)) and len(validation) in (2, 3):
            size = bound.get("validation_batch_size")
            try:
                _check_pair(interp, model, "evaluate", validation[0], validation[1],
                            batch_size if size is None else size)
            except _DataError as failed:
                failed.error.data_hint = f"In validation_data (checked after the first epoch): {failed.error.data_hint}"
                raise


def _check_pair(interp: "Interpreter", model: Any, method: str, x: Any, y: Any, batch_size: Any) -> None:
    xs = _arrays(x)
    if xs is None or any(id(a) in interp.data_failed for a in xs):
        return
    ys = _arrays(y) if method not in ("predict", "predict_on_batch") and y is not None else None
    if ys is not None and any(id(a) in interp.data_failed for a in ys):
        return
    if not method.endswith("_on_batch"):
        _check_cardinality(xs, ys if y is not None else [])
    if len({a.shape[0] for a in xs + (ys or [])}) != 1:
        return
    samples = xs[0].shape[0]
    if samples == 0:
        return
    batch = _batch(method, samples, batch_size)
    try:
        outputs = _outputs(model, [(batch, *a.shape[1:]) for a in xs])
    except KerasError as error:
        if error.stage == "data":
            error.data_hint = "Reshape the data to the model's Input shape (or change the Input)"
        raise _DataError(error, xs) from None
    if ys is None:
        return
    if len(ys) != len(outputs):
        return  # labels structured otherwise: Keras matches them in ways not modelled
    losses = _losses(interp, model, len(outputs))
    if losses is None:
        return
    previous = interp.data_traced.get(id(model)) if method in _TRAINING else None
    shapes = (tuple(a.shape[1:] for a in xs), tuple(a.shape[1:] for a in ys))
    for label, output, loss in zip(ys, outputs, losses):
        target = (batch, *label.shape[1:])
        try:
            _check_target(interp, loss, target, tuple(output))
        except KerasError as error:
            hint = _target_hint(interp, loss, target, tuple(output))
            if previous is not None and previous != shapes:
                # fit() reuses the function it traced for an earlier call, retraced with the sizes that
                # changed left unknown: the same mismatch fails when TensorFlow runs it.
                error = KerasError(error.message, "InvalidArgumentError", exact=False)
            error.data_hint = hint
            raise _DataError(error.annotate(stage="data", layer=model.class_name), xs + ys) from None
    if method in _TRAINING:
        interp.data_traced[id(model)] = shapes


def _arrays(value: Any) -> list[Tensor] | None:
    """The NumPy arrays of known shape a data argument holds (one, or a list/tuple of them), else None."""
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    if not values or not all(_known_array(v) for v in values):
        return None
    return values


def _check_cardinality(xs: list[Tensor], ys: list[Tensor] | None) -> None:
    """``data_adapter_utils.check_data_cardinality``: every array has as many samples (rows)."""
    if ys is None:
        return  # labels the analysis cannot see
    if len({a.shape[0] for a in xs + ys}) > 1:
        message = "Data cardinality is ambiguous. Make sure all arrays contain the same number of samples."
        for label, arrays in (("x", xs), ("y", ys)) if ys else (("x", xs),):
            message += f"'{label}' sizes: {', '.join(str(a.shape[0]) for a in arrays)}\n"
        error = KerasError(message).annotate(stage="data")
        error.data_hint = "Give x and y one row per sample each (the same first dimension)"
        raise _DataError(error, xs + ys)


def _known_array(value: Any) -> bool:
    # Numbers only: ragged sequences (an object array from imdb.load_data) fail to convert, differently.
    return (isinstance(value, Tensor) and not value.symbolic and len(value.shape) >= 1
            and str(value.dtype).startswith(("float", "int", "uint", "bool"))
            and all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in value.shape))


def _batch(method: str, samples: int, batch_size: Any) -> int | None:
    """The batch axis of the tensors the model sees: ``fit``/``evaluate`` trace a function on the
    dataset, whose batch is static only when every batch is full; ``predict`` runs its first batch;
    the ``*_on_batch`` methods take the whole array."""
    if method.endswith("_on_batch"):
        return samples
    size = 32 if batch_size is None else batch_size
    if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
        return None
    if method == "predict":
        return min(samples, size)
    return size if samples % size == 0 else None


# -- the model on the data --------------------------------------------------------------------------

def _outputs(model: Any, shapes: list[tuple]) -> list[tuple]:
    """The model's output shapes when called on batches of ``shapes``; the KerasError Keras raises."""
    if isinstance(model, Functional):
        if isinstance(model.inputs, dict) or len(shapes) != len(model.flat_inputs):
            raise Unresolvable("inputs matched by name, or a different number of inputs")
        specs = [(t.layer.name if t.layer is not None else None, (None, *t.shape[1:])) for t in model.flat_inputs]
        for index, ((name, spec), shape) in enumerate(zip(specs, shapes)):
            _input_spec(index, name, model.name, spec, shape)
        paths = _paths(model.inputs)
        adjusted = [_adjust_rank(shape, tuple(t.shape), t.layer.name if t.layer is not None else None, path)
                    for shape, t, path in zip(shapes, model.flat_inputs, paths)]
        out = model.output_structure([Tensor(s) for s in adjusted], None)
        return [tuple(s) for s in out] if isinstance(out, list) else [tuple(out)]
    if len(shapes) != 1:
        raise Unresolvable("several arrays given to a Sequential model")
    shape = shapes[0]
    stack = model.stack
    if stack and isinstance(stack[0], InputLayer):
        if model.graph is None:
            raise Unresolvable("a Sequential model with an Input and no layers")
        shape = _adjust_rank(shape, tuple(model.graph[0].shape), stack[0].name, "")
        stack = stack[1:]
    elif model.graph is None and _input_shape_of_first(stack) is not None:
        raise Unresolvable("a Sequential model built from its first layer's shape")
    elif model.graph is not None:
        raise Unresolvable("a Sequential model built by build()")
    if not stack:
        raise Unresolvable("an empty Sequential model")
    return [_run_layers(stack, shape)]


def _input_shape_of_first(stack: list[Layer]) -> Any:
    first = stack[0] if stack else None
    return getattr(getattr(first, "spec", None), "input_shape_arg", None) if first is not None else None


def _run_layers(layers: list[Layer], shape: tuple) -> tuple:
    """A Sequential's layers called one after the other (each checks its input as ``Layer.__call__``
    does; an unbuilt one is built on that shape, as ``Sequential.build`` does on the data's shape)."""
    for layer in layers:
        try:
            check_call(layer, shape)  # the data do not fit a layer built for other shapes
        except KerasError as error:
            raise error.annotate(stage="data", layer=layer.class_name, inputs=[Tensor(tuple(shape))])
        try:
            shape = layer.compute_output_shape(shape)  # a layer fails on them (built on the data)
        except KerasError as error:
            raise error.annotate(stage="call", layer=layer.class_name, inputs=[Tensor(tuple(shape))])
        if isinstance(shape, list) or not isinstance(shape, tuple):
            raise Unresolvable(f"{layer.name} returns several tensors")
    return tuple(shape)


def _input_spec(index: int, name: str | None, model: str, spec: tuple, shape: tuple) -> None:
    """``Functional.input_spec``: the shape without its batch axis, a last axis of 1 squeezable."""
    got, want = shape, spec
    if got and got[-1] == 1:
        got = got[:-1]
    if want and want[-1] == 1:
        want = want[:-1]
    for spec_dim, dim in zip(want, got):
        if spec_dim is not None and dim is not None and spec_dim != dim:
            raise KerasError(f"Input {index} with name '{name}' of layer '{model}' is incompatible with the "
                             f"layer: expected shape={_text(spec)}, found shape={_text(got)}").annotate(stage="data")


def _adjust_rank(shape: tuple, ref: tuple, name: str | None, path: str) -> tuple:
    """``Functional._adjust_input_rank``: one axis of 1 squeezed or added, else a mismatch of rank."""
    if len(shape) == len(ref):
        return shape
    if len(shape) == len(ref) + 1 and shape[-1] == 1:
        return shape[:-1]
    if len(shape) == len(ref) - 1 and ref[-1] == 1:
        return (*shape, 1)
    raise KerasError(f"Invalid input shape for input … with name '{name}' and path '{path}'. Expected shape "
                     f"{_text(ref)}, but input has incompatible shape {_text(shape)}", exact=False).annotate(
        stage="data")


def _paths(structure: Any, prefix: str = "") -> list[str]:
    """``tree.flatten_with_path`` paths joined with dots, in flatten order."""
    if isinstance(structure, (list, tuple)):
        return [p for i, x in enumerate(structure) for p in _paths(x, f"{prefix}.{i}" if prefix else str(i))]
    return [prefix]


def _text(shape: tuple) -> str:
    return repr(tuple(shape))


# -- the loss on the labels -------------------------------------------------------------------------

def _losses(interp: "Interpreter", model: Any, outputs: int) -> list | None:
    """The loss of each output, from the model's last ``compile``; None when not known."""
    compiled = None
    for event in reversed(interp.result.events):
        if isinstance(event, MethodCalled) and event.name == "compile" and event.obj is model:
            compiled = event
            break
    if compiled is None:
        return None
    loss = compiled.kwargs["loss"] if "loss" in compiled.kwargs else compiled.args[1] if len(compiled.args) > 1 else None
    if loss is None or isinstance(loss, dict):
        return None
    if isinstance(loss, (list, tuple)):
        return list(loss) if len(loss) == outputs else None
    return [loss] * outputs


def _loss_kind(interp: "Interpreter", loss: Any, target: tuple, output: tuple) -> str | Function | None:
    if isinstance(loss, Function):
        return loss
    name = None
    if isinstance(loss, str):
        name = loss
        if loss.lower() in ("crossentropy", "ce"):  # compile_utils.get_loss picks one from the shapes
            binary = output[-1] == 1 if output else False
            sparse = len(target) < len(output) or (target and target[-1] == 1 and output and output[-1] != 1)
            return "binary" if binary else "sparse" if sparse else "categorical"
    elif isinstance(loss, Ref) and loss.path.startswith("keras.losses.") and loss.path.count(".") == 2:
        name = loss.path.rsplit(".", 1)[1]
    elif isinstance(loss, Opaque):
        event = next((e for e in interp.result.events if isinstance(e, RefCalled) and e.result is loss
                      and e.result is not NOT_MADE), None)
        if event is None or not event.path.startswith("keras.losses.") or not set(event.kwargs) <= _PLAIN_LOSS_ARGUMENTS:
            return None
        name = event.path.rsplit(".", 1)[1]
        if not name[:1].isupper() or event.args[1:]:
            return None
    return _LOSS_KINDS.get(name) if isinstance(name, str) else None


def squeeze_or_expand(target: tuple, output: tuple) -> tuple[tuple, tuple]:
    """``keras.src.losses.loss.squeeze_or_expand_to_same_rank(y_true, y_pred)``."""
    t_rank, o_rank = len(target), len(output)
    if t_rank == o_rank + 1 and target[-1] == 1:
        if o_rank == 1:
            output = (*output, 1)
        else:
            target = target[:-1]
    if o_rank == t_rank + 1 and output[-1] == 1:
        if t_rank == 1:
            target = (*target, 1)
        else:
            output = output[:-1]
    return target, output


def _check_target(interp: "Interpreter", loss: Any, target: tuple, output: tuple) -> None:
    kind = _loss_kind(interp, loss, target, output)
    if kind is None:
        return
    target, output = squeeze_or_expand(target, output)  # LossFunctionWrapper.call
    received = f"target.shape={_text(target)}, output.shape={_text(output)}"
    if isinstance(kind, Function):
        _run_loss_function(interp, kind, target, output)
    elif kind in ("categorical", "binary"):
        if kind == "categorical" and len(target) < 1:
            raise KerasError(f"Arguments `target` and `output` must be at least rank 1. Received: {received}")
        if len(target) != len(output):
            raise KerasError(f"Arguments `target` and `output` must have the same rank (ndim). Received: {received}")
        if _differ(target, output):
            raise KerasError(f"Arguments `target` and `output` must have the same shape. Received: {received}")
    elif kind == "sparse":
        for _ in range(2):  # losses.sparse_categorical_crossentropy, then the backend's own squeeze
            if len(target) == len(output) and target and target[-1] == 1:
                target = target[:-1]
        received = f"target.shape={_text(target)}, output.shape={_text(output)}"
        if len(output) < 1:
            raise KerasError(f"Argument `output` must be at least rank 1. Received: output.shape={_text(output)}")
        if len(target) != len(output) - 1:
            raise KerasError(f"Argument `output` must have rank (ndim) `target.ndim - 1`. Received: {received}")
        if _differ(target, output[:-1]):
            raise KerasError("Arguments `target` and `output` must have the same shape up until the last "
                             f"dimension: {received}")
    elif kind == "elementwise":
        _broadcast(target, output)


def _target_hint(interp: "Interpreter", loss: Any, target: tuple, output: tuple) -> str:
    kind = _loss_kind(interp, loss, target, output)
    if isinstance(kind, Function):
        return (f"`{kind.name}` gets the labels as y_true {_text(target)} and the model's output as y_pred "
                f"{_text(output)}")
    last = output[-1] if output else None
    if kind == "categorical" and target and target[-1] == 1 and last != 1:
        return ("The labels are class indices: use sparse_categorical_crossentropy, or "
                f"keras.utils.to_categorical(y, {last})")
    if kind == "sparse" and len(target) == len(output) and target[-1] == last:
        return "The labels are one-hot: use categorical_crossentropy, or give class indices"
    if len(output) > len(target) + (kind == "sparse"):
        return "The output has more axes than the labels: a Flatten (or global pooling) before the head?"
    return "Give labels of the output's shape (or change the last layer)"


def _differ(a: tuple, b: tuple) -> bool:
    return any(x is not None and y is not None and x != y for x, y in zip(a, b))


def _broadcast(a: tuple, b: tuple) -> None:
    """TensorFlow's shape inference for ``y_true - y_pred`` (a trace-time error)."""
    for x, y in zip(reversed(a), reversed(b)):
        if x is not None and y is not None and x != y and 1 not in (x, y):
            dims = lambda s: "[" + ",".join("?" if d is None else str(d) for d in s) + "]"  # noqa: E731
            raise KerasError(f"Dimensions must be equal, but are {x} and {y} for '{{{{node …}}}}' with input "
                             f"shapes: {dims(a)}, {dims(b)}.", exact=False)


def _run_loss_function(interp: "Interpreter", func: Function, target: tuple, output: tuple) -> None:
    """The user's loss function run on tensors of the labels' and the output's shapes, as fit() does."""
    key = (id(func), target, output)
    if key in interp.data_losses_run:  # run once per shapes: what it reports inside is reported once
        if interp.data_losses_run[key] is not None:
            raise interp.data_losses_run[key]
        return
    interp.data_losses_run[key] = None
    try:
        _call_loss(interp, func, target, output)
    except KerasError as error:
        interp.data_losses_run[key] = error
        raise


def _call_loss(interp: "Interpreter", func: Function, target: tuple, output: tuple) -> None:
    y_true, y_pred = Tensor(target, symbolic=False), Tensor(output, symbolic=False)
    interp.keras_runs += 1
    try:
        interp.call_function(func, [y_true, y_pred], {})
    except KerasErrorAt as exc:
        raise KerasError(f"{exc.error.message} (in `{func.name}`, line {exc.loc.line})", exc.error.kind,
                         exact=False) from None
    except KerasError as error:
        raise KerasError(f"{error.message} (in `{func.name}`)", error.kind, exact=False) from None
    except Budget:
        raise
    except Exception:  # Unresolvable, a return or break the analysis could not follow: no verdict
        raise Unresolvable(f"the loss `{func.name}` could not be followed") from None
    finally:
        interp.keras_runs -= 1

