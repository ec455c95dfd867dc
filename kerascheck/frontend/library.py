"""Library functions the interpreter evaluates on known values, and Keras's own Python source.

Two kinds of library code are followed without importing anything:

* pure functions with an exact Python twin (``math.ceil``, ``copy.deepcopy``, ``np.linspace``,
  ``keras.backend.image_data_format``): ``PURE`` maps their canonical path to an implementation;
* ``keras.applications``: the builders are plain Python over ``keras.layers``, so their source,
  read from the installed ``keras`` package (located with ``importlib.util.find_spec``, which
  imports nothing), is interpreted like the user's own code. The summaries then follow the
  installed Keras version; without Keras installed they are unresolved.
"""

from __future__ import annotations

import ast
import copy
import importlib.util
import math
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ..ir import Tensor
from ..shapes.base import Opaque, Unknown, Unresolvable
from . import arrays
from .result import Assumption

if TYPE_CHECKING:
    from .interpreter import Interpreter


def _linspace(start, stop, num=50, endpoint=True, **_):
    if num == 1:
        return [float(start)]
    step = (stop - start) / ((num - 1) if endpoint else num)
    return [start + i * step for i in range(num)]


def _known(fn: Callable) -> Callable:
    def call(interp: "Interpreter", args: list, kwargs: dict) -> Any:
        for value in list(args) + list(kwargs.values()):
            if isinstance(value, (Unknown, Opaque, Tensor)):
                return Unknown(f"{fn.__name__}() of a value not known statically")
        try:
            return fn(*args, **kwargs)
        except (TypeError, ValueError, ArithmeticError) as exc:
            return Unknown(f"{fn.__name__}() raised {type(exc).__name__}")
    return call


class LibraryObject:
    """A stand-in for a library object whose methods the interpreter can evaluate."""

    def method(self, name: str) -> Callable | None:
        return getattr(self, f"m_{name}", None)


class BoundLibraryMethod:
    def __init__(self, fn: Callable):
        self.fn = fn


class Namespace(LibraryObject):
    """``argparse.Namespace``: attributes are the arguments' defaults (assumed, not parsed)."""

    def __init__(self, values: dict):
        self.values = values


class ArgumentParser(LibraryObject):
    def __init__(self):
        self.defaults: dict[str, Any] = {}

    def m_add_argument(self, interp, args, kwargs):
        names = [a for a in args if isinstance(a, str)]
        dest = kwargs.get("dest")
        if not isinstance(dest, str):
            longs = [n for n in names if n.startswith("--")]
            dest = (longs[0] if longs else names[0] if names else "").lstrip("-").replace("-", "_")
        action = kwargs.get("action")
        default = kwargs.get("default", False if action == "store_true" else True if action == "store_false" else None)
        kind = kwargs.get("type")
        if isinstance(default, str) and getattr(kind, "name", None) in ("int", "float"):
            default = {"int": int, "float": float}[kind.name](default)
        self.defaults[dest] = default
        _assume(interp, f"--{dest.replace('_', '-')}={default!r} (argparse default)")
        return None

    def m_add_argument_group(self, interp, args, kwargs):
        return self

    def m_parse_args(self, interp, args, kwargs):
        return Namespace(dict(self.defaults))

    def m_parse_known_args(self, interp, args, kwargs):
        return (Namespace(dict(self.defaults)), [])

    def m_set_defaults(self, interp, args, kwargs):
        self.defaults.update(kwargs)
        return None


def _assume(interp: "Interpreter", what: str) -> None:
    interp.result.events.append(Assumption(interp.loc(None), what))


def _environ_get(interp, args, kwargs):
    key = args[0] if args else kwargs.get("key")
    default = args[1] if len(args) > 1 else kwargs.get("default")
    if default is None:
        return Unknown(f"environment variable {key!r} is not known statically")
    _assume(interp, f"${key}={default!r} (default when unset)")
    return default


def _is_keras_tensor(interp, args, kwargs):
    return isinstance(args[0], Tensor) and args[0].symbolic if args else False


def _get_uid(interp, args, kwargs):
    prefix = args[0] if args else kwargs.get("prefix", "")
    return interp.keras.naming.get_uid(prefix)


PURE: dict[str, Callable[["Interpreter", list, dict], Any]] = {
    **{f"math.{n}": _known(getattr(math, n)) for n in
       ("ceil", "floor", "sqrt", "prod", "log", "log2", "exp", "pow", "gcd", "isqrt", "fabs", "trunc")},
    "copy.deepcopy": _known(copy.deepcopy),
    "copy.copy": _known(copy.copy),
    "np.linspace": _known(_linspace),
    "np.prod": _known(math.prod),
    "keras.backend.image_data_format": lambda i, a, k: "channels_last",
    "keras.config.image_data_format": lambda i, a, k: "channels_last",
    "keras.backend.floatx": lambda i, a, k: "float32",
    "keras.config.floatx": lambda i, a, k: "float32",
    "keras.backend.epsilon": lambda i, a, k: 1e-07,  # the default fuzz factor (keras/src/backend/config.py)
    "keras.config.epsilon": lambda i, a, k: 1e-07,
    "keras.backend.backend": lambda i, a, k: "tensorflow",
    "keras.config.backend": lambda i, a, k: "tensorflow",
    "keras.backend.is_keras_tensor": _is_keras_tensor,
    "keras.backend.get_uid": _get_uid,
    "keras.backend.int_shape": lambda i, a, k: tuple(a[0].shape) if a and isinstance(a[0], Tensor) else Unknown(
        "int_shape() of a value that is not a known tensor"),
    "keras.utils.get_uid": _get_uid,
    "warnings.warn": lambda i, a, k: None,
    "argparse.ArgumentParser": lambda i, a, k: ArgumentParser(),
    "os.environ.get": _environ_get,
    "os.getenv": _environ_get,
    **arrays.PURE,
}


@lru_cache(maxsize=1)
def keras_root() -> Path | None:
    """The installed keras package folder, found without importing it."""
    try:
        spec = importlib.util.find_spec("keras")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=None)
def _exports(folder: str) -> dict[str, tuple[str, str]]:
    """Public name -> (source module, name) from a generated ``keras/applications/.../__init__.py``."""
    try:
        tree = ast.parse((Path(folder) / "__init__.py").read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return {}
    found = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("keras.src.applications."):
            module = node.module.rsplit(".", 1)[1]
            for alias in node.names:
                found[alias.asname or alias.name] = (module, alias.name)
    return found


def application_source(path: str) -> tuple[Path, str] | None:
    """``keras.applications[.sub].Name`` -> (source file under keras/src/applications, name)."""
    root = keras_root()
    if root is None or not path.startswith("keras.applications."):
        return None
    parts = path.split(".")[2:]
    folder = root / "applications" / Path(*parts[:-1])
    found = _exports(str(folder)).get(parts[-1])
    if found is not None:
        module, name = found
    elif len(parts) == 2:  # private helpers such as imagenet_utils.obtain_input_shape
        module, name = parts
    else:
        return None
    source = root / "src" / "applications" / f"{module}.py"
    return (source, name) if source.is_file() else None


def call_application(interp: "Interpreter", path: str, args: list, kwargs: dict) -> Any:
    found = application_source(path)
    if found is None:
        if keras_root() is None:
            raise Unresolvable(f"{path} is read from the installed Keras source, and Keras is not installed")
        raise Unresolvable(f"{path} is not a keras.applications builder kerascheck knows")
    source, name = found
    module = interp.loader.load(str(source), f"keras.src.applications.{source.stem}")
    if module is None or name not in module.scope.vars:
        raise Unresolvable(f"cannot read {name} from {source}")
    return interp.call(module.scope.vars[name], list(args), dict(kwargs), None)
