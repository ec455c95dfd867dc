"""Values the abstract interpreter computes with, besides plain Python values and the IR objects."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from ..ir import Layer, Model
from ..shapes.base import Opaque, Unknown, Weight  # noqa: F401  (re-exported)

# Import spellings that mean the same Keras module, longest first.
_CANONICAL_PREFIXES = (
    ("tensorflow.python.keras", "keras"),
    ("tensorflow.keras", "keras"),
    ("tensorflow", "tf"),
    ("tf.keras", "keras"),
    ("tf.compat.v1.keras", "keras"),  # TensorFlow 2.16+: the same Keras 3 objects
    ("tf.compat.v2.keras", "keras"),
    ("keras.api", "keras"),
    ("keras.src", "keras"),
    ("keras.models.Sequential", "keras.Sequential"),
    ("keras.models.Model", "keras.Model"),
    ("keras.models.Input", "keras.Input"),
    ("keras.layers.Input", "keras.Input"),
    ("keras.engine.input_layer.Input", "keras.Input"),
    ("keras.layers.Layer", "keras.Layer"),
    ("keras.layers.layer.Layer", "keras.Layer"),
    ("keras.models.model.Model", "keras.Model"),
    ("keras.models.functional.Functional", "keras.models.Functional"),
    ("keras.models.sequential.Sequential", "keras.Sequential"),
    ("keras.engine.base_layer.Layer", "keras.Layer"),
    ("keras.engine.training.Model", "keras.Model"),
    ("keras.engine.sequential.Sequential", "keras.Sequential"),
    ("numpy", "np"),
)


@functools.lru_cache(maxsize=4096)
def canonical(path: str) -> str:
    """``tensorflow.keras.layers.Dense`` and ``tf.keras.layers.Dense`` -> ``keras.layers.Dense``."""
    changed = True
    while changed:
        changed = False
        for prefix, replacement in _CANONICAL_PREFIXES:
            if path == prefix or path.startswith(prefix + "."):
                path, changed = replacement + path[len(prefix):], True
                break
    return path


@dataclass(frozen=True)
class Ref:
    """A name inside an imported library, e.g. ``keras.layers.Dense`` or ``tf.ones``.

    ``tf_keras``: reached through ``tensorflow.keras``, which TensorFlow 2.16+ maps to Keras 3's
    compatibility namespace (``keras._tf_keras.keras``): the same objects, plus legacy names
    (``backend.int_shape``, ``preprocessing.text``) that ``keras`` itself no longer has."""

    path: str
    tf_keras: bool = field(default=False, compare=False)

    @property
    def display(self) -> str:
        return f"`{self.path}`"

    def attr(self, name: str) -> "Ref":
        raw = f"{self.path}.{name}"
        return Ref(canonical(raw), self.tf_keras or raw.startswith(("tf.keras", "tensorflow.keras", "tf.compat.v")))

    @staticmethod
    def of(dotted: str) -> "Ref":
        """The library name an import spells."""
        return Ref(canonical(dotted), dotted.startswith(("tf.keras", "tensorflow.keras", "tensorflow.python.keras")))


class Scope:
    """Variables of a module, function call or class body; ``parent`` is the enclosing scope.

    A module's own scope also records its file (None: the analysed file), the names some
    statement of it binds and whether it has star imports (for certain NameErrors).
    """

    def __init__(self, parent: "Scope | None" = None, module: "Scope | None" = None):
        self.vars: dict[str, Any] = {}
        self.parent = parent
        self.module = module or self
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()
        self.file: str | None = None
        self.bound_names: set[str] = set()
        self.star_imports = False

    def lookup(self, name: str) -> Any:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.vars:
                return scope.vars[name]
            scope = scope.parent
        raise KeyError(name)

    def assign(self, name: str, value: Any) -> None:
        if name in self.globals:
            self.module.vars[name] = value
            return
        if name in self.nonlocals:
            scope = self.parent
            while scope is not None and name not in scope.vars:
                scope = scope.parent
            (scope or self).vars[name] = value
            return
        self.vars[name] = value


@dataclass(eq=False)
class ModuleValue:
    """A user module imported from a file next to the analysed one (``import blocks``)."""

    name: str
    scope: "Scope"


@dataclass(eq=False)
class Function:
    node: cst.FunctionDef | cst.Lambda
    scope: Scope
    name: str
    owner: "UserClass | None" = None
    calls: int = 0  # how many times the analysis called it (uncalled functions are explored once)

    def __repr__(self) -> str:
        return f"<function {self.name}>"

    display = property(__repr__)

    @property
    def is_property(self) -> bool:
        return isinstance(self.node, cst.FunctionDef) and any(
            isinstance(d.decorator, cst.Name) and d.decorator.value in ("property", "cached_property")
            for d in self.node.decorators)

    @property
    def is_classmethod(self) -> bool:
        return self._decorated("classmethod")

    @property
    def is_staticmethod(self) -> bool:
        return self._decorated("staticmethod")

    def _decorated(self, name: str) -> bool:
        return isinstance(self.node, cst.FunctionDef) and any(
            isinstance(d.decorator, cst.Name) and d.decorator.value == name for d in self.node.decorators)


@dataclass(eq=False)
class BoundMethod:
    function: Function
    self_value: Any

    def __repr__(self) -> str:
        return f"<bound method {self.function.name}>"

    display = property(__repr__)


@dataclass(eq=False)
class UserClass:
    name: str
    bases: list[Any]
    attrs: dict[str, Any] = field(default_factory=dict)
    dataclass_fields: list[str] | None = None  # set for @dataclass classes

    def __repr__(self) -> str:
        return f"<class '{self.name}'>"

    display = property(__repr__)

    @property
    def resolved(self) -> bool:
        """Every base class is known (user classes all the way down, or none): its instances are
        certainly what the class says, e.g. not a Keras layer."""
        return all(isinstance(b, UserClass) and b.resolved for b in self.bases)

    @property
    def builtin_layer(self) -> str | None:
        """The built-in Keras layer the class derives from (``keras.layers.Conv2D`` -> ``"Conv2D"``)."""
        for base in self.bases:
            if isinstance(base, Ref) and base.path.startswith("keras.layers.") and base.path.count(".") == 2:
                name = base.path.rsplit(".", 1)[1]
                if name[:1].isupper() and name not in ("Layer", "InputLayer", "Input", "InputSpec", "Wrapper"):
                    return name
            if isinstance(base, UserClass):
                found = base.builtin_layer
                if found is not None:
                    return found
        return None

    @property
    def keras_kind(self) -> str | None:
        """``"layer"`` or ``"model"`` when the class derives from keras.Layer / keras.Model."""
        if self.builtin_layer is not None:
            return "layer"
        for base in self.bases:
            if isinstance(base, Ref):
                if base.path in ("keras.Model", "keras.Sequential"):
                    return "model"
                if base.path in ("keras.Layer", "keras.layers.Layer"):
                    return "layer"
            if isinstance(base, UserClass) and base.keras_kind:
                return base.keras_kind
        return None

    def find(self, name: str) -> tuple[Any, "UserClass"] | None:
        """Method resolution along user-defined bases (depth first, like simple MROs)."""
        if name in self.attrs:
            return self.attrs[name], self
        for base in self.bases:
            if isinstance(base, UserClass):
                found = base.find(name)
                if found:
                    return found
        return None


@dataclass(eq=False)
class Instance:
    cls: UserClass
    attrs: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<__main__.{self.cls.name} object>"

    display = property(__repr__)

    @property
    def certainly_not_layer(self) -> bool:
        return self.cls.keras_kind is None and self.cls.resolved


@dataclass(eq=False)
class Super:
    """``super()`` inside a method of ``cls`` bound to ``self_value``."""

    cls: UserClass
    self_value: Any


@dataclass(eq=False)
class KerasMethod:
    """A built-in method of a Keras object (``model.summary``, ``model.add``)."""

    obj: Any
    name: str


@dataclass(eq=False)
class Builtin:
    """A Python builtin the interpreter knows (``len``, ``range``)."""

    name: str


class CustomLayer(Layer):
    """An instance of a user's ``keras.layers.Layer`` subclass."""

    def __init__(self, cls: UserClass, name: str, loc):
        super().__init__(None, cls.name, name, loc)
        self.user_class = cls
        self.attrs: dict[str, Any] = {}
        self.own_weights: list[Weight] = []
        self.has_user_build = cls.find("build") is not None
        self.builtin_spec: Any = None  # a subclass of a built-in layer: that layer's spec, once __init__ binds it
        self.input_shape_arg: Any = None  # ``input_shape=``/``input_dim=`` given to Layer.__init__

    @property
    def sublayers(self) -> list[Layer]:
        return tracked_layers(self.attrs)

    def all_weights(self) -> list[Weight]:
        weights = list(self.own_weights)
        for layer in self.sublayers:
            weights.extend(layer.all_weights())
        if self.trainable:
            return weights
        return [Weight(w.name, w.shape, False, w.dtype) for w in weights]


class CustomModel(Model):
    """An instance of a user's ``keras.Model`` subclass."""

    kind = "subclass"

    def __init__(self, cls: UserClass, name: str, loc):
        super().__init__(None, cls.name, name, loc)
        self.user_class = cls
        self.attrs: dict[str, Any] = {}
        self.own_weights: list[Weight] = []
        self.has_user_build = cls.find("build") is not None

    @property
    def layers(self) -> list[Layer]:
        return tracked_layers(self.attrs)

    @property
    def sublayers(self) -> list[Layer]:
        return self.layers

    def all_weights(self) -> list[Weight]:
        weights = list(self.own_weights) + [w for l in self.sublayers for w in l.all_weights()]
        if self.trainable:
            return weights
        return [Weight(w.name, w.shape, False, w.dtype) for w in weights]


def tracked_layers(attrs: dict[str, Any]) -> list[Layer]:
    """Layers assigned to attributes (directly or in lists), in assignment order, as Keras tracks them."""
    layers: list[Layer] = []
    for value in attrs.values():
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            if isinstance(item, Layer) and all(item is not l for l in layers):
                layers.append(item)
    return layers
