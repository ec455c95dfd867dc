"""NumPy arrays whose shapes are fixed and documented: the ``keras.datasets`` loaders, and what the
usual preprocessing does to them (``astype``, ``reshape``, ``to_categorical``).

An array is a concrete ``Tensor`` (``symbolic=False``): a shape and a dtype, no values. The loaders'
shapes are read from Keras 3.15's ``keras/src/datasets`` (sizes of the files they download and
their ``test_split`` arithmetic); a size that depends on arguments the analysis cannot see (IMDB
with ``maxlen``) is unknown, never guessed.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Callable

from ..ir import Tensor
from ..shapes.base import Opaque, Unknown
from ..shapes.symbolic import Sym

if TYPE_CHECKING:
    from .interpreter import Interpreter


def _array(shape: tuple, dtype: str, classes: int | None = None) -> Tensor:
    return Tensor(tuple(shape), dtype=dtype, symbolic=False, classes=classes)


def _split(x_shape: tuple, y_shape: tuple, x_dtype: str, y_dtype: str, total: int, train: int,
           classes: int | None = None):
    test = total - train
    return ((_array((train, *x_shape), x_dtype), _array((train, *y_shape), y_dtype, classes)),
            (_array((test, *x_shape), x_dtype), _array((test, *y_shape), y_dtype, classes)))


def _fixed(x_shape, y_shape, x_dtype, y_dtype, train, test, classes):
    return lambda interp, args, kwargs: _split(x_shape, y_shape, x_dtype, y_dtype, train + test, train, classes)


def _cifar100(interp: "Interpreter", args: list, kwargs: dict) -> Any:
    mode = args[0] if args else kwargs.get("label_mode", "fine")
    classes = {"fine": 100, "coarse": 20}.get(mode) if isinstance(mode, str) else None
    return _split((32, 32, 3), (1,), "uint8", "int64", 60000, 50000, classes)


def _test_split(args: list, kwargs: dict, position: int) -> Any:
    value = args[position] if len(args) > position else kwargs.get("test_split", 0.2)
    return value if isinstance(value, float) and 0 <= value < 1 else None


def _sequences(total: int, default_train: int, split_position: int | None, classes: int):
    """IMDB / Reuters: ragged word-index sequences (an object array), int labels."""
    def load(interp: "Interpreter", args: list, kwargs: dict) -> Any:
        if kwargs.get("maxlen") is not None or len(args) > 3 and args[3] is not None:
            return Unknown("how many sequences `maxlen` keeps depends on the data")
        train = default_train
        if split_position is not None:
            split = _test_split(args, kwargs, split_position)
            if split is None:
                return Unknown("the dataset's test_split is not known statically")
            train = int(total * (1 - split))
        return _split((), (), "object", "int64", total, train, classes)
    return load


def _regression(sizes: dict, features: int, split_position: int):
    """Boston / California housing: a shuffled split of ``n`` rows (``int(n * (1 - test_split))``)."""
    def load(interp: "Interpreter", args: list, kwargs: dict) -> Any:
        version = kwargs.get("version", args[0] if args and len(sizes) > 1 else "large")
        total = sizes.get(version if len(sizes) > 1 else "all")
        split = _test_split(args, kwargs, split_position)
        if total is None or split is None:
            return Unknown("the dataset's arguments are not known statically")
        return _split((features,), (), "float64", "float64", total, int(total * (1 - split)))
    return load


# keras.datasets.<name>.load_data -> the arrays it returns.
LOADERS: dict[str, Callable[["Interpreter", list, dict], Any]] = {
    "mnist": _fixed((28, 28), (), "uint8", "uint8", 60000, 10000, 10),
    "fashion_mnist": _fixed((28, 28), (), "uint8", "uint8", 60000, 10000, 10),
    "cifar10": _fixed((32, 32, 3), (1,), "uint8", "uint8", 50000, 10000, 10),
    "cifar100": _cifar100,
    "imdb": _sequences(50000, 25000, None, 2),
    "reuters": _sequences(11228, 8982, 4, 46),
    "boston_housing": _regression({"all": 506}, 13, 1),
    "california_housing": _regression({"large": 20640, "small": 600}, 8, 2),
}

PURE: dict[str, Callable[["Interpreter", list, dict], Any]] = {
    f"keras.datasets.{name}.load_data": load for name, load in LOADERS.items()
}


def to_categorical(interp: "Interpreter", args: list, kwargs: dict) -> Any:
    """``keras.utils.to_categorical(x, num_classes)``: a trailing axis of 1 is replaced, else one is added."""
    x = args[0] if args else kwargs.get("x")
    classes = args[1] if len(args) > 1 else kwargs.get("num_classes")
    if not isinstance(x, Tensor):
        return Unknown("to_categorical() of values not known statically")
    if classes is None and x.classes is not None:  # labels 0..n-1 of a dataset: max + 1 is n
        classes = x.classes
    if not isinstance(classes, (int, Sym)) or isinstance(classes, bool):
        classes = interp.symbols.make("num_classes", provisional=True) if classes is None else None
        if classes is None:
            return Unknown("to_categorical() num_classes is not known statically")
    shape = x.shape[:-1] if x.shape and x.shape[-1] == 1 and len(x.shape) > 1 else x.shape
    return _array((*shape, classes), "float64")


for _path in ("keras.utils.to_categorical", "keras.utils.np_utils.to_categorical"):
    PURE[_path] = to_categorical


# -- NumPy integer scalars -------------------------------------------------------------------------

class NumpyInt(int):
    """A NumPy integer scalar whose value is known (``np.max(y_train)`` of a dataset's labels, which
    are 0..n-1): an int to Python's arithmetic, with which it stays a NumPy integer
    (``np.max(y) + 1``), but not a Python ``int`` to Keras 3's checks (``Dense(units)``)."""

    dtype: str
    origin: str  # what made it, for messages: "np.max (line 12)"

    def __new__(cls, value: int, dtype: str = "int64", origin: str = "") -> "NumpyInt":
        obj = super().__new__(cls, value)
        obj.dtype, obj.origin = dtype, origin
        return obj

    def __reduce__(self):  # cached results are pickled
        return (NumpyInt, (int(self), self.dtype, self.origin))

    def _same_kind(self, value: Any) -> Any:
        return NumpyInt(value, self.dtype, self.origin) if type(value) is int else value

    def __repr__(self) -> str:
        return int.__repr__(self)


def _numpy_int_operator(name: str):
    method = getattr(int, name)

    def apply(self, *other):
        if other and not isinstance(other[0], int):
            return NotImplemented  # a float, a symbol, a tensor: their own rules
        value = method(int(self), *(int(o) for o in other))
        return value if value is NotImplemented else self._same_kind(value)
    return apply


for _name in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__floordiv__", "__rfloordiv__",
              "__mod__", "__rmod__", "__neg__", "__pos__", "__abs__"):
    setattr(NumpyInt, _name, _numpy_int_operator(_name))

_INTEGER_DTYPES = {f"{u}int{b}" for u in ("", "u") for b in (8, 16, 32, 64)}


def numpy_reduction(name: str, args: list, kwargs: dict, origin: str) -> "NumpyInt | None":
    """``np.max(labels)`` / ``np.min(labels)`` over a whole integer label array of a dataset (every
    label 0..n-1 occurs): a NumPy integer of that dtype with a known value; None for anything else."""
    x = args[0] if args else kwargs.get("a")
    if len(args) > 1 or any(kwargs.get(k) is not None for k in ("axis", "out", "keepdims", "initial", "where")):
        return None
    if not isinstance(x, Tensor) or x.symbolic or x.classes is None or x.dtype not in _INTEGER_DTYPES:
        return None
    if name in ("max", "amax"):
        return NumpyInt(x.classes - 1, x.dtype, origin)
    if name in ("min", "amin"):
        return NumpyInt(0, x.dtype, origin)
    return None


def _numpy_integer(dtype: str):
    """``np.int64(16)``: a NumPy integer of that value."""
    def make(interp: "Interpreter", args: list, kwargs: dict) -> Any:
        value = args[0] if len(args) == 1 and not kwargs else None
        if type(value) is int or isinstance(value, NumpyInt):
            return NumpyInt(int(value), dtype, f"np.{dtype}()")
        return Unknown(f"np.{dtype}() of a value not known statically")
    return make


for _dtype in _INTEGER_DTYPES:
    PURE[f"np.{_dtype}"] = _numpy_integer(_dtype)


def _reduction_method(name: str):
    def method(array: Tensor, args: list, kwargs: dict) -> Any:
        found = numpy_reduction(name, [array, *args], kwargs, f"`.{name}()`")
        return found if found is not None else Opaque(f"tensor.{name}()")
    return method


# -- methods of an array ---------------------------------------------------------------------------

def array_method(array: Tensor, name: str) -> Callable[["Interpreter", list, dict], Any] | None:
    method = _METHODS.get(name)
    return (lambda interp, args, kwargs: method(array, args, kwargs)) if method else None


def _astype(array: Tensor, args: list, kwargs: dict) -> Any:
    dtype = args[0] if args else kwargs.get("dtype")
    return _array(array.shape, dtype if isinstance(dtype, str) else array.dtype, array.classes)


def _reshape(array: Tensor, args: list, kwargs: dict) -> Any:
    shape = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else tuple(args) or kwargs.get("shape")
    result = reshape(array.shape, shape, array.dtype)
    if isinstance(result, Tensor):
        result.classes = array.classes
    return result


def reshape(old: tuple, new: Any, dtype: str) -> Any:
    """NumPy's reshape of a known shape (one ``-1`` inferred); Unknown where it cannot be known."""
    if isinstance(new, int):
        new = (new,)
    if not isinstance(new, (tuple, list)) or not all(isinstance(d, (int, Sym)) for d in new):
        return Unknown("the new shape is not known statically")
    if any(not isinstance(d, int) for d in old) or any(not isinstance(d, int) for d in new):
        return Unknown("a reshape of a size not known statically")
    total = math.prod(old)
    if list(new).count(-1) == 1:
        rest = math.prod(d for d in new if d != -1)
        if rest == 0 or total % rest:
            return Unknown("reshape sizes do not match")
        new = tuple(total // rest if d == -1 else d for d in new)
    if math.prod(new) != total:
        return Unknown("reshape sizes do not match")
    return _array(tuple(new), dtype)


def _flatten(array: Tensor, args: list, kwargs: dict) -> Any:
    if not all(isinstance(d, int) for d in array.shape):
        return Unknown("the size is not known statically")
    return _array((math.prod(array.shape),), array.dtype)


def _same(array: Tensor, args: list, kwargs: dict) -> Any:
    return _array(array.shape, array.dtype, array.classes)


def unique(interp: "Interpreter", args: list, kwargs: dict) -> Any:
    """``np.unique(labels)`` of a dataset's labels: every class occurs, so one entry per class."""
    x = args[0] if args else kwargs.get("ar")
    if isinstance(x, Tensor) and x.classes is not None and len(args) <= 1 and not kwargs:
        return _array((x.classes,), x.dtype)
    return Unknown("np.unique() of values not known statically")


PURE["np.unique"] = unique


def eye(interp: "Interpreter", args: list, kwargs: dict) -> Any:
    """``np.eye(N, M=None)`` / ``np.identity(n)``: an (N, M) float64 array (one-hot rows, indexed by labels)."""
    rows = args[0] if args else kwargs.get("N", kwargs.get("n"))
    cols = args[1] if len(args) > 1 else kwargs.get("M")
    cols = rows if cols is None else cols
    if not all(isinstance(d, (int, Sym)) and not isinstance(d, bool) for d in (rows, cols)):
        return Unknown("np.eye() of a size not known statically")
    return _array((rows, cols), "float64")


PURE["np.eye"] = PURE["np.identity"] = eye


def take_rows(array: Tensor, index: Tensor) -> Tensor | None:
    """NumPy's ``array[labels]`` with an integer array: one row of ``array`` per label
    (``np.eye(10)[y]`` one-hot encodes ``y``); None when the index is not an integer array."""
    if array.symbolic or index.symbolic or not array.shape or not str(index.dtype).startswith(("int", "uint")):
        return None
    return _array((*index.shape, *array.shape[1:]), array.dtype)


def _squeeze(array: Tensor, args: list, kwargs: dict) -> Any:
    if args or kwargs:
        return Unknown("squeeze() with an axis is not modelled")
    return _array(tuple(d for d in array.shape if d != 1), array.dtype, array.classes)


_METHODS = {"astype": _astype, "reshape": _reshape, "flatten": _flatten, "ravel": _flatten, "copy": _same,
            "squeeze": _squeeze, "max": _reduction_method("max"), "min": _reduction_method("min")}



def pad_sequences(interp: "Interpreter", args: list, kwargs: dict) -> Any:
    """``keras.utils.pad_sequences(sequences, maxlen)``: (len(sequences), maxlen), int32 by default."""
    sequences = args[0] if args else kwargs.get("sequences")
    maxlen = args[1] if len(args) > 1 else kwargs.get("maxlen")
    dtype = args[2] if len(args) > 2 else kwargs.get("dtype", "int32")
    count = sequences.shape[0] if isinstance(sequences, Tensor) and sequences.shape else (
        len(sequences) if isinstance(sequences, list) else None)
    if count is None or not isinstance(maxlen, (int, Sym)) or isinstance(maxlen, bool):
        return Unknown("pad_sequences() of sequences or a maxlen not known statically")
    return _array((count, maxlen), dtype if isinstance(dtype, str) else "int32")


for _path in ("keras.utils.pad_sequences", "keras.preprocessing.sequence.pad_sequences",
              "keras.utils.sequence.pad_sequences"):
    PURE[_path] = pad_sequences
