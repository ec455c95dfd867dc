"""Mechanical fault injection for the seeded-fault benchmark (benchmarks/seeded_faults.py).

Each operator finds the *sites* of a script where it applies and turns one into code that Keras 3
certainly raises on: a real Keras 1/2 spelling that Keras 3 removed (each checked against Keras
3.15.1), never a change of meaning Keras accepts. Every edit stays on its line (no line is added or
removed), so the lines of the original script's diagnostics and summaries still mean the same.

* ``removed_submodule_import``  ``from keras.layers import Dense, Conv2D`` ->
  ``from keras.layers.core import Dense; from keras.layers import Conv2D`` (the names of one Keras 2
  submodule moved there: ``core``, ``convolutional``, ``pooling``..., ``keras.utils.np_utils``):
  ModuleNotFoundError.
* ``optimizer_lr``              ``Adam(learning_rate=...)`` -> ``Adam(lr=...)``: ValueError.
* ``fit_nb_epoch``              ``model.fit(..., epochs=...)`` -> ``nb_epoch=``: TypeError.
* ``shape_int``                 ``Input(shape=(n,))`` -> ``Input(shape=n)``, and the same for
  ``input_shape=(n,)`` on the first layer of a ``Sequential``: ValueError (cannot convert to a shape).
* ``keras1_layer_keyword``      ``kernel_initializer=`` -> ``init=``, ``padding=`` -> ``border_mode=``,
  ``kernel_regularizer=`` -> ``W_regularizer=``, ``Dense(units=)`` -> ``output_dim=``,
  ``Dropout(rate=)`` -> ``p=``: ValueError / TypeError.
* ``model_input_output``        ``Model(inputs=a, outputs=b)`` -> ``Model(input=a, output=b)``: ValueError.

Two stress operators, plain bugs no mechanical repair undoes (what they bind stays unknown):

* ``misspelled_layer``          ``layers.Conv2D(`` -> ``layers.Conv2d(``, ``layers.Dense(`` ->
  ``layers.Linear(`` (PyTorch's names): AttributeError.
* ``reshape_size``              ``Reshape((7, 7, 64))`` -> ``Reshape((7, 7, 64 + 1))`` (no ``-1``): ValueError.

A site inside the body of a ``try`` is never used (a handler may catch what it raises). Only
libcst and the standard library: the test in ``tests/`` runs the operators without the corpus.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

# The Keras 2 submodule each public name lived in (keras/layers/core.py ...); Keras 3 has none.
_LAYER_SUBMODULES = {
    "core": "Dense Activation Dropout Flatten Reshape Permute RepeatVector Lambda ActivityRegularization Masking "
            "SpatialDropout1D SpatialDropout2D SpatialDropout3D",
    "convolutional": "Conv1D Conv2D Conv3D Conv2DTranspose Conv3DTranspose SeparableConv1D SeparableConv2D "
                     "DepthwiseConv2D UpSampling1D UpSampling2D UpSampling3D ZeroPadding1D ZeroPadding2D ZeroPadding3D "
                     "Cropping1D Cropping2D Cropping3D Convolution1D Convolution2D Convolution3D",
    "pooling": "MaxPooling1D MaxPooling2D MaxPooling3D AveragePooling1D AveragePooling2D AveragePooling3D "
               "GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D GlobalAveragePooling1D "
               "GlobalAveragePooling2D GlobalAveragePooling3D MaxPool1D MaxPool2D MaxPool3D AvgPool1D AvgPool2D "
               "AvgPool3D GlobalMaxPool1D GlobalMaxPool2D GlobalAvgPool1D GlobalAvgPool2D",
    "recurrent": "LSTM GRU SimpleRNN RNN LSTMCell GRUCell SimpleRNNCell StackedRNNCells",
    "embeddings": "Embedding",
    "normalization": "BatchNormalization",
    "merge": "Add Subtract Multiply Average Maximum Minimum Concatenate Dot add subtract multiply average maximum "
             "minimum concatenate dot",
    "wrappers": "TimeDistributed Bidirectional",
    "advanced_activations": "LeakyReLU PReLU ELU ThresholdedReLU Softmax ReLU",
    "noise": "GaussianNoise GaussianDropout AlphaDropout",
}
# module of the import -> {name: the Keras 2 module it is moved to}
REMOVED_SUBMODULES = {
    "keras.layers": {n: f"keras.layers.{sub}" for sub, names in _LAYER_SUBMODULES.items() for n in names.split()},
    "keras.utils": {"to_categorical": "keras.utils.np_utils", "plot_model": "keras.utils.vis_utils"},
}
REMOVED_SUBMODULES["tensorflow.keras.layers"] = REMOVED_SUBMODULES["keras.layers"]  # Keras 2's spelling: keras.*
REMOVED_SUBMODULES["tensorflow.keras.utils"] = REMOVED_SUBMODULES["keras.utils"]

OPTIMIZERS = {"SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl", "Lion", "Adafactor"}
_CONV = {"Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "Conv3DTranspose", "SeparableConv1D", "SeparableConv2D",
         "Convolution1D", "Convolution2D", "Convolution3D"}
_POOL = {"MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
         "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D", "AvgPool3D"}
# layer -> {Keras 3 keyword: its Keras 1 name}
LAYER_KEYWORDS: dict[str, dict[str, str]] = {}
for _name in {"Dense"} | _CONV:
    LAYER_KEYWORDS.setdefault(_name, {}).update(kernel_initializer="init", kernel_regularizer="W_regularizer",
                                                bias_regularizer="b_regularizer")
for _name in _CONV | _POOL:
    LAYER_KEYWORDS.setdefault(_name, {})["padding"] = "border_mode"
LAYER_KEYWORDS["Dense"]["units"] = "output_dim"
LAYER_KEYWORDS["Dropout"] = {"rate": "p"}

OPERATORS = ("removed_submodule_import", "optimizer_lr", "fit_nb_epoch", "shape_int", "keras1_layer_keyword",
             "model_input_output")
# Plain bugs whose consequences no mechanical repair removes (what they bind is unknown to the analysis):
# they exercise recovery's "else unknown" path, where cascades would come from. One-fault variants only,
# so that the every-fault variant stays comparable (a typo'd layer leaves the rest of its model unknown).
STRESS_OPERATORS = ("misspelled_layer", "reshape_size")
# A PyTorch habit for each Keras layer name: ``layers.Conv2d``, ``layers.Linear`` (AttributeError in Keras 3)
_TYPO_SUFFIXES = ("1D", "2D", "3D")

Edit = Callable[[cst.CSTNode], cst.CSTNode | cst.FlattenSentinel]


@dataclass
class Site:
    """One place an operator applies. ``line``: the line edited; ``lines``: where Keras's traceback
    (and kerascheck) may put the error: the edited line, the first line of each call around it and
    of its statement. ``in_function``: inside a ``def``/``lambda`` (runs when called, not in order)."""

    operator: str
    line: int
    lines: tuple[int, ...]
    in_function: bool
    description: str
    edits: list[tuple[cst.CSTNode, Edit]] = field(default_factory=list, repr=False)
    edited_lines: tuple[int, ...] = ()  # every line an edit changes

    def as_dict(self) -> dict:
        return {"operator": self.operator, "line": self.line, "lines": list(self.lines),
                "in_function": self.in_function, "description": self.description}


def dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        inner = dotted(node.value)
        return f"{inner}.{node.attr.value}" if inner else ""
    return ""


def _last_name(func: cst.BaseExpression) -> str:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return ""


def _keyword(call: cst.Call, name: str) -> cst.Arg | None:
    return next((a for a in call.args if a.keyword is not None and a.keyword.value == name), None)


def _rename(new: str) -> Edit:
    return lambda arg: arg.with_changes(keyword=cst.Name(new))


class Injector:
    """The sites of one script, and the script with some of them applied."""

    def __init__(self, source: str):
        self.source = source
        self.wrapper = MetadataWrapper(cst.parse_module(source))
        self.positions = self.wrapper.resolve(PositionProvider)
        self.parents = self.wrapper.resolve(ParentNodeProvider)
        self.module = self.wrapper.module
        self.first_adds: dict[str, cst.Call] = {}  # receiver text -> its first ``.add(...)`` call
        self.sites: list[Site] = []
        collector = _Collector(self)
        self.module.visit(collector)
        self.sites.sort(key=lambda s: (s.line, s.operator))

    # -- where a node is ---------------------------------------------------------------------------
    def line(self, node: cst.CSTNode) -> int:
        return self.positions[node].start.line

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def context(self, node: cst.CSTNode) -> tuple[bool, bool, list[int]] | None:
        """(in_function, in_try_body, first lines of the calls and statement around ``node``); None
        when the node is not in a statement (cannot happen for calls and imports)."""
        in_function = in_try = False
        lines = [self.line(node)]
        child, parent = node, self.parents.get(node)
        statement_seen = False
        while parent is not None:
            if isinstance(parent, (cst.FunctionDef, cst.Lambda)):
                in_function = True
            if isinstance(parent, cst.Try) and parent.body is child:
                in_try = True
            if not statement_seen:
                if isinstance(parent, cst.Call):
                    lines.append(self.line(parent))
                if isinstance(parent, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                    lines.append(self.line(parent))
                    statement_seen = True
            child, parent = parent, self.parents.get(parent)
        return in_function, in_try, sorted(set(lines))

    def add_site(self, operator: str, anchor: cst.CSTNode, edited: cst.CSTNode, description: str,
                 edits: list[tuple[cst.CSTNode, Edit]]) -> None:
        in_function, in_try, lines = self.context(anchor)
        if in_try:
            return
        edited_lines = {self.line(node) for node, _ in edits}  # ``inputs=`` and ``outputs=`` may be on two lines
        self.sites.append(Site(operator, self.line(edited), tuple(sorted(set(lines) | edited_lines)), in_function,
                               description, edits, tuple(sorted(edited_lines))))

    # -- choosing and applying ---------------------------------------------------------------------
    def first_site(self, operator: str) -> Site | None:
        """The operator's earliest site that runs in order (module level), else its earliest one."""
        own = [s for s in self.sites if s.operator == operator]
        return min(own, key=lambda s: (s.in_function, s.line), default=None)

    def apply(self, sites: list[Site]) -> str:
        edits: dict[int, list[Edit]] = {}
        for site in sites:
            for node, edit in site.edits:
                edits.setdefault(id(node), []).append(edit)
        text = self.module.visit(_Applier(edits)).code
        check_edit(self.source, text, {line for s in sites for line in s.edited_lines})
        return text


def check_edit(before: str, after: str, lines: set[int]) -> None:
    """The edit keeps the line count and changes only the given lines, and the result parses."""
    old, new = before.splitlines(), after.splitlines()
    if len(old) != len(new):
        raise ValueError(f"the edit changed the number of lines ({len(old)} -> {len(new)})")
    changed = {i for i, (a, b) in enumerate(zip(old, new), 1) if a != b}
    if not changed or not changed <= lines:
        raise ValueError(f"the edit changed lines {sorted(changed)}, expected within {sorted(lines)}")
    cst.parse_module(after)


class _Applier(cst.CSTTransformer):
    def __init__(self, edits: dict[int, list[Edit]]):
        super().__init__()
        self.edits = edits

    def on_leave(self, original_node, updated_node):
        result = super().on_leave(original_node, updated_node)
        for edit in self.edits.get(id(original_node), []):
            result = edit(result)
        return result


class _Collector(cst.CSTVisitor):
    def __init__(self, injector: Injector):
        super().__init__()
        self.inj = injector

    # -- imports -----------------------------------------------------------------------------------
    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = dotted(node.module) if node.module is not None and not node.relative else ""
        moved = REMOVED_SUBMODULES.get(module)
        if not moved or isinstance(node.names, cst.ImportStar):
            return
        names = [a for a in node.names if isinstance(a.name, cst.Name)]
        target = next((moved[a.name.value] for a in names if a.name.value in moved), None)
        if target is None:
            return
        group = [a for a in names if moved.get(a.name.value) == target]
        rest = [a for a in node.names if a not in group]
        multiline = "\n" in self.inj.code(node)
        if rest and multiline:
            return  # splitting it would move lines
        statement = self.inj.parents[node]
        if not isinstance(statement, cst.SimpleStatementLine):
            return
        new_module = cst.parse_expression(target)
        if not rest:
            edit: Edit = lambda n: n.with_changes(module=new_module)
        else:
            def edit(n: cst.ImportFrom, group=tuple(a.name.value for a in group)) -> cst.FlattenSentinel:
                moved_names = [a for a in n.names if a.name.value in group]
                kept = [a for a in n.names if a.name.value not in group]
                first = n.with_changes(module=new_module, names=_commas(moved_names), lpar=None, rpar=None,
                                       semicolon=cst.Semicolon(whitespace_after=cst.SimpleWhitespace(" ")))
                return cst.FlattenSentinel([first, n.with_changes(names=_commas(kept))])
        shown = ", ".join(a.name.value for a in group)
        self.inj.add_site("removed_submodule_import", node, node, f"from {module} import {shown} -> from {target}",
                          [(node, edit)])

    # -- calls -------------------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        name = _last_name(node.func)
        inj = self.inj
        if isinstance(node.func, cst.Attribute) and name == "add":
            inj.first_adds.setdefault(inj.code(node.func.value), node)
        if name in OPTIMIZERS and (arg := _keyword(node, "learning_rate")):
            inj.add_site("optimizer_lr", node, arg, f"{name}(learning_rate=) -> lr=", [(arg, _rename("lr"))])
        if name == "fit" and isinstance(node.func, cst.Attribute) and (arg := _keyword(node, "epochs")):
            inj.add_site("fit_nb_epoch", node, arg, "fit(epochs=) -> nb_epoch=", [(arg, _rename("nb_epoch"))])
        if name in ("Input", "InputLayer"):
            for keyword in ("shape", "input_shape"):
                self._shape_int(node, _keyword(node, keyword), f"{name}({keyword}=(n,)) -> {keyword}=n")
        elif name and name[0].isupper() and self._first_sequential_layer(node):
            self._shape_int(node, _keyword(node, "input_shape"), f"{name}(input_shape=(n,)) -> input_shape=n "
                                                                  "(first layer of a Sequential)")
        for keyword, old in LAYER_KEYWORDS.get(name, {}).items():
            if arg := _keyword(node, keyword):
                inj.add_site("keras1_layer_keyword", node, arg, f"{name}({keyword}=) -> {old}=", [(arg, _rename(old))])
        if isinstance(node.func, cst.Attribute) and dotted(node.func.value).split(".")[-1] == "layers":
            typo = "Linear" if name == "Dense" else name[:-1] + "d" if name.endswith(_TYPO_SUFFIXES) else None
            if typo:
                inj.add_site("misspelled_layer", node, node.func, f"layers.{name} -> layers.{typo}",
                             [(node.func, lambda f, typo=typo: f.with_changes(attr=cst.Name(typo)))])
        if name == "Reshape" and self._called_where_made(node):
            self._reshape_size(node)
        if name == "Model" and (inputs := _keyword(node, "inputs")) and (outputs := _keyword(node, "outputs")):
            inj.add_site("model_input_output", node, inputs, "Model(inputs=, outputs=) -> Model(input=, output=)",
                         [(inputs, _rename("input")), (outputs, _rename("output"))])

    def _shape_int(self, call: cst.Call, arg: cst.Arg | None, description: str) -> None:
        if arg is None or not isinstance(arg.value, cst.Tuple) or len(arg.value.elements) != 1:
            return
        element = arg.value.elements[0]
        if isinstance(element, cst.StarredElement) or "\n" in self.inj.code(arg.value):
            return
        if isinstance(element.value, cst.Name) and element.value.value == "None":
            return  # ``shape=None`` is not Keras 2's int shape (and Keras 2 rejected it too)
        self.inj.add_site("shape_int", call, arg, description,
                          [(arg, lambda a, value=element.value: a.with_changes(value=value))])

    def _reshape_size(self, call: cst.Call) -> None:
        """``Reshape((7, 7, 64))`` -> ``Reshape((7, 7, 64 + 1))``: the total size changes (ValueError)
        whatever the sizes are, unless a ``-1`` lets Keras infer one (then not used)."""
        arg = call.args[0] if call.args and call.args[0].keyword is None else _keyword(call, "target_shape")
        if arg is None or not isinstance(arg.value, cst.Tuple) or not arg.value.elements:
            return
        code = self.inj.code(arg.value)
        if "-" in code or "\n" in code or any(isinstance(e, cst.StarredElement) for e in arg.value.elements):
            return
        last = arg.value.elements[-1]

        def edit(a: cst.Arg, last=last) -> cst.Arg:
            elements = list(a.value.elements)
            bigger = cst.BinaryOperation(last.value, cst.Add(whitespace_before=cst.SimpleWhitespace(" "),
                                                              whitespace_after=cst.SimpleWhitespace(" ")),
                                         cst.Integer("1"))
            elements[-1] = elements[-1].with_changes(value=bigger)
            return a.with_changes(value=a.value.with_changes(elements=elements))

        self.inj.add_site("reshape_size", call, arg, "Reshape(target) -> last dimension + 1", [(arg, edit)])

    def _called_where_made(self, call: cst.Call) -> bool:
        """The layer is called (or added to a Sequential) in the statement that makes it, so Keras's
        error is on that statement; a layer kept (``self.r = Reshape(...)``) raises where it is called."""
        parents = self.inj.parents
        parent = parents.get(call)
        if isinstance(parent, cst.Call) and parent.func is call:
            return True
        if isinstance(parent, cst.Element):
            holder = parents.get(parents.get(parents.get(parent)))
            return isinstance(holder, cst.Call) and _last_name(holder.func) == "Sequential"
        if isinstance(parent, cst.Arg):
            holder = parents.get(parent)
            return isinstance(holder, cst.Call) and _last_name(holder.func) == "add"
        return False

    def _first_sequential_layer(self, call: cst.Call) -> bool:
        """The layer is the first of ``Sequential([...])`` or the argument of the first ``.add(``
        on its receiver in the file (only the first layer's ``input_shape`` is read by Keras 3)."""
        parents = self.inj.parents
        parent = parents.get(call)
        if isinstance(parent, cst.Element):
            seq = parents.get(parent)
            holder = parents.get(parents.get(seq)) if isinstance(seq, cst.List) else None
            return (isinstance(holder, cst.Call) and _last_name(holder.func) == "Sequential"
                    and seq.elements[0] is parent)
        if isinstance(parent, cst.Arg):
            add = parents.get(parent)
            return (isinstance(add, cst.Call) and isinstance(add.func, cst.Attribute) and add.func.attr.value == "add"
                    and self.inj.first_adds.get(self.inj.code(add.func.value)) is add)
        return False


def _commas(aliases: list[cst.ImportAlias]) -> list[cst.ImportAlias]:
    """The aliases separated by ``, `` with no comma after the last."""
    out = []
    for i, alias in enumerate(aliases):
        last = i == len(aliases) - 1
        out.append(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT if last else
                                      cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))))
    return out
