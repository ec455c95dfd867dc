from __future__ import annotations

import re

import libcst as cst

from .. import KERAS_VERSION, catalogue
from ..frontend.result import MethodCalled
from ..ir import Model
from ..migration import old_method_params
from ._syntax import call_at, codemod, in_file, keyword_arg
from .base import Invalid, Rule

KERAS, OLD = KERAS_VERSION, "2.3.1"
# The Keras 3 method each removed method became: the ``*_generator`` methods take generators and
# datasets themselves; ``predict_proba`` was ``predict`` under another name.
REPLACEMENTS = {"fit_generator": "fit", "evaluate_generator": "evaluate", "predict_generator": "predict",
                "predict_proba": "predict"}
# Removed methods with no one-call replacement: what to write instead.
ADVICE = {
    "predict_classes": "Use `np.argmax(model.predict(x), axis=-1)` for a softmax output, or "
                       "`(model.predict(x) > 0.5).astype(\"int32\")` for a sigmoid one",
    "to_yaml": "Keras 3 saves the architecture as JSON: use `model.to_json()`",
    "reset_states": "Keras 2 reset the model's stateful layers: reset each of them "
                    "(`[layer.reset_states() for layer in model.layers if getattr(layer, \"stateful\", False)]`)",
}
# The fix of ``model.reset_states()`` when the analysis knows which of the model's layers are stateful.
_STATEFUL = re.compile(r"the stateful layer is `\.layers\[(\d+)\]`")
# Keyword arguments renamed with the same meaning (the old method's legacy names included).
EXACT = {"generator": "x", "nb_epoch": "epochs"}
# Keras 2 keywords with no Keras 3 counterpart in ``fit``: removing them changes how data is loaded.
DROPPED = ("workers", "use_multiprocessing", "max_queue_size", "nb_worker", "pickle_safe", "max_q_size")
_UNSAFE_MARK = "Keras 3's"


def removed_methods() -> dict[str, str | None]:
    """Model and Sequential methods Keras 2.3.1 has and Keras 3.15.1 lacks, with their Keras 3
    replacement method (None: no single replacement, see ``ADVICE``)."""
    removed: dict[str, str | None] = {}
    for cls in ("Model", "Sequential"):
        old, new = catalogue.members(OLD, cls), catalogue.members(KERAS, cls)
        removed.update({m: r for m, r in REPLACEMENTS.items() if m in old and m not in new and r in new})
        removed.update({m: None for m in ADVICE if m in old and m not in new})
    return removed


def target_params(method: str) -> set[str]:
    return set(catalogue.param_names(catalogue.params(KERAS, f"keras.models.Model.{method}")))


class RemovedModelMethod(Rule):
    """## What it does
    Reports a `Model` method Keras 3 removed: `fit_generator`, `evaluate_generator`,
    `predict_generator`, Sequential's `predict_classes` and `predict_proba`, `to_yaml`,
    `reset_states`.

    ## Why is this bad?
    Keras 3 models have no `*_generator` methods (`AttributeError: 'Sequential' object has no
    attribute 'fit_generator'`): `fit`, `evaluate` and `predict` take Python generators, `tf.data`
    datasets and `keras.utils.PyDataset` directly. `predict_proba` was `predict`; `predict_classes`
    has no one-call replacement: take the `argmax` of `predict` (softmax) or threshold it (sigmoid).
    `model.reset_states()` reset the model's stateful (RNN) layers: in Keras 3 only the layers have
    `reset_states()`.
    Which methods are gone is read from a catalogue (Model and Sequential members of Keras 2.3.1
    missing in Keras 3.15.1).

    ## Example
    ```python
    import keras
    m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    m.compile(optimizer="adam", loss="mse")
    m.fit_generator(iter([]), steps_per_epoch=3)
    ```

    Use instead:
    ```python
    import keras
    m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    m.compile(optimizer="adam", loss="mse")
    m.fit(iter([]), steps_per_epoch=3)
    ```

    ## Fix safety
    `model.fit_generator(gen, steps_per_epoch=10, nb_epoch=5)` becomes `model.fit(gen,
    steps_per_epoch=10, epochs=5)`, and `predict_proba(x)` becomes `predict(x)`: safe. With `workers`,
    `use_multiprocessing` or `max_queue_size` the fix drops them (Keras 3 reads them from a
    `PyDataset`), which changes how data is loaded: unsafe, applied only with `--unsafe-fixes`.
    Positional arguments are named by the Keras 2 signature (`fit_generator(g, 100, 10)` becomes
    `fit(g, steps_per_epoch=100, epochs=10)`: in Keras 3's `fit` they would be `y` and `batch_size`).
    Keras 1's `samples_per_epoch=`, `nb_val_samples=` and `val_samples=` count samples where Keras 3's
    `steps_per_epoch=`, `validation_steps=` and `steps=` count batches: when the generator's batch size
    can be read off its call (a `batch_size=` argument, the batch-size parameter of the script's generator
    function, `ImageDataGenerator.flow`'s 32), `samples_per_epoch=600` becomes `steps_per_epoch=600 // 50`
    (rounded up when it does not divide, as Keras 1 drew batches until it had seen that many samples), and
    `nb_val_samples` is dropped when the validation data are arrays (Keras 1 ignored it then). This rests
    on reading the batch size by name: unsafe. `m.predict_classes(x)` becomes what Keras 2 computed, `m.predict(x).argmax(axis=-1)` for a
    model with several outputs units or `(m.predict(x) > 0.5).astype("int32")` for one, when the
    analysis knows the output's width: safe. `m.reset_states()` becomes `m.layers[i].reset_states()`
    when the analysis knows the one stateful layer, else a one-line loop over the layers whose
    `stateful` is true; Keras 2 also reset nested models' states, so this fix is unsafe.

    ## References
    - [Keras: Model training APIs](https://keras.io/api/models/model_training_apis/)
    - [Keras: PyDataset](https://keras.io/api/utils/python_utils/#pydataset-class)
    """

    code = "KC306"
    name = "removed-model-method"
    severity = "error"
    fix_title = "Use the Keras 3 method"
    fix_safety = "safe"  # unsafe for some diagnostics: see fix_applicability

    def check(self, ctx):
        removed = removed_methods()
        for event in ctx.result.events_of(MethodCalled):
            name = event.name
            if name not in removed or not in_file(event.loc):
                continue
            obj = event.obj
            if name == "reset_states" and not isinstance(obj, Model):
                continue  # a stateful layer's own reset_states()
            cls = type(obj).__name__ if obj is not None else "Model"
            cls = getattr(obj, "class_name", None) or cls
            new = removed[name]
            kwargs = event.kwargs
            text = f"Keras 3 raises AttributeError: '{cls}' object has no attribute '{name}'. "
            if new is None:
                units = _output_units(obj) if name == "predict_classes" else None
                if units is not None:  # Keras 2's own definition, by the width of the output
                    text += (f"Keras 2 took the argmax of `predict` ({units} outputs): write "
                             f"`.predict(x).argmax(axis=-1)`" if units > 1 else
                             "Keras 2 thresholded `predict` at 0.5 (one output): write "
                             "`(model.predict(x) > 0.5).astype(\"int32\")`")
                    yield self.diagnostic(ctx, event.loc, text)
                    continue
                if name == "reset_states":
                    text += _reset_states_advice(obj)
                    yield self.diagnostic(ctx, event.loc, text)
                    continue
                yield self.diagnostic(ctx, event.loc, text + ADVICE[name])
                continue
            text += (f"Use `.{new}(...)`: it takes the generator (or dataset) itself" if name.endswith("_generator")
                     else f"Use `.{new}(...)`: it returns the same probabilities")
            dropped = [k for k in kwargs if k in DROPPED]
            if dropped:  # first: a message too long is cut short, and this says the fix is unsafe
                text += (f"; {_UNSAFE_MARK} `{new}` has no " + ", ".join(f"`{k}`" for k in dropped)
                         + " (give a keras.utils.PyDataset `workers=`/`use_multiprocessing=` instead)")
            samples = [k for k in kwargs if k in _SAMPLES]
            if samples:
                call = call_at(ctx, event.loc)
                steps = _steps_of_samples(ctx.module, call, samples) if call is not None and ctx.module else None
                shown = next(((k, v) for k, v in (steps or {}).items() if v[1]), None)
                if shown is not None:  # the fix recomputes them from the source
                    example = f": `{shown[0]}` -> `{shown[1][0]}={shown[1][1]}`"
                    text += f"; {_SAMPLES_MARK}" + (example if len(text) + len(example) < 250 else "")
                elif steps is not None:
                    text += f"; {_IGNORED_MARK}"
                else:
                    text += (f"; `{samples[0]}` (Keras 1) counts samples: Keras 3 counts batches "
                             f"(`{_STEPS[samples[0]]}` = samples // batch size; the generator's batch size is "
                             "not known)")
            yield self.diagnostic(ctx, event.loc, text)

    def fix_applicability(self, diagnostic):
        # Samples -> batches rests on the batch size read off the generator's call: unsafe.
        # (reset_states: the loop resets the stateful layers, as Keras 2's Model.reset_states did, by reading it)
        message = diagnostic.message
        return "unsafe" if _UNSAFE_MARK in message or _SAMPLES_MARK in message or "'reset_states'" in message else "safe"

    def fix(self, diagnostic, source):
        if "'reset_states'" in diagnostic.message:
            found = _STATEFUL.search(diagnostic.message)
            return codemod(source, diagnostic, lambda call: _reset_states(call, int(found.group(1)) if found else None))
        if "Keras 2 took the argmax" in diagnostic.message or "Keras 2 thresholded" in diagnostic.message:
            return codemod(source, diagnostic, lambda call: _predict_classes(call, "argmax" in diagnostic.message))
        if _SAMPLES_MARK not in diagnostic.message and _IGNORED_MARK not in diagnostic.message:
            return codemod(source, diagnostic, to_keras3_call)
        try:
            module = cst.parse_module(source)
        except Exception:
            return []

        def change(call):
            samples = [a.keyword.value for a in call.args if a.keyword is not None and a.keyword.value in _SAMPLES]
            return to_keras3_call(call, _steps_of_samples(module, call, samples))

        return codemod(source, diagnostic, change)

    VALID = ["import keras\nimport numpy as np\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
             "m.compile(optimizer='adam', loss='mse')\nm.fit(np.zeros((4, 3)), np.zeros((4, 1)), epochs=1, verbose=0)\n"]
    INVALID = [
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                "m.compile(optimizer='adam', loss='mse')\nm.fit_generator(iter([]), steps_per_epoch=3)\n", line=4,
                column=1, message="has no attribute 'fit_generator'"),
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation='softmax')])\n"
                "labels = m.predict_classes([[1.0, 2.0, 3.0]])\n", line=3, column=10,
                message="`.predict(x).argmax(axis=-1)`"),
        Invalid("import keras\nimport numpy as np\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                "x, y = np.zeros((8, 3)), np.zeros((8, 1))\n"
                "m.fit_generator(iter([(x, y)] * 2), steps_per_epoch=2, validation_data=(x, y), nb_val_samples=8)\n",
                line=5, column=1,
                fixed="import keras\nimport numpy as np\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                      "x, y = np.zeros((8, 3)), np.zeros((8, 1))\n"
                      "m.fit(iter([(x, y)] * 2), steps_per_epoch=2, validation_data=(x, y))\n"),
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, activation='sigmoid')])\n"
                "p = m.predict_proba([[1.0, 2.0, 3.0]])\n", line=3, column=5, message="Use `.predict(...)`"),
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                "m.fit_generator(iter([]), steps_per_epoch=3,  # steps\n                nb_epoch=2)\n"
                "m.predict_generator(generator=iter([]), steps=1)\n", line=3, column=1,
                fixed="import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                      "m.fit(iter([]), steps_per_epoch=3,  # steps\n                epochs=2)\n"
                      "m.predict(x=iter([]), steps=1)\n"),
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                "m.evaluate_generator(iter([]), steps=3, workers=4, use_multiprocessing=True)\n", line=3, column=1,
                fixed="import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                      "m.evaluate(iter([]), steps=3)\n"),
        # fit-generator-positional
        Invalid('import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\nm.fit_generator(iter([]), 100, 10, verbose=0)  # train\np = m.predict_generator(iter([]), 3)\n',
                line=3, column=1,
                fixed='import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\nm.fit(iter([]), steps_per_epoch=100, epochs=10, verbose=0)  # train\np = m.predict(iter([]), steps=3)\n'),
        Invalid("import keras\ni = keras.Input(shape=(3,))\nm = keras.Model(i, keras.layers.Dense(3, activation='softmax')(i))\n"
                "c = m.predict_classes([[1.0, 2.0, 3.0]])\n", line=4, column=5,
                fixed="import keras\ni = keras.Input(shape=(3,))\nm = keras.Model(i, keras.layers.Dense(3, activation='softmax')(i))\n"
                      "c = m.predict([[1.0, 2.0, 3.0]]).argmax(axis=-1)\n"),
        # keras1-samples-to-steps
        Invalid("import keras\nimport numpy as np\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                "def batches(x, y, batch_size=50):\n    while True:\n        yield x[:batch_size], y[:batch_size]\n"
                "x, y = np.zeros((100, 3)), np.zeros((100, 1))\n"
                "m.fit_generator(batches(x, y), samples_per_epoch=len(x), nb_epoch=1, validation_data=(x, y), nb_val_samples=100)\n"
                "m.evaluate_generator(batches(x, y, 32), val_samples=100)\n",
                line=8, column=1,
                fixed="import keras\nimport numpy as np\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                      "def batches(x, y, batch_size=50):\n    while True:\n        yield x[:batch_size], y[:batch_size]\n"
                      "x, y = np.zeros((100, 3)), np.zeros((100, 1))\n"
                      "m.fit(batches(x, y), steps_per_epoch=(len(x) + 50 - 1) // 50, epochs=1, validation_data=(x, y))\n"
                      "m.evaluate(batches(x, y, 32), steps=(100 + 32 - 1) // 32)\n"),
        Invalid("import keras\nimport numpy as np\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                "x, y = np.zeros((8, 3)), np.zeros((8, 1))\n"
                "m.fit_generator(iter([(x, y)] * 2), steps_per_epoch=2, validation_data=(x, y), nb_val_samples=8)\n",
                line=5, column=1,
                fixed="import keras\nimport numpy as np\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
                      "x, y = np.zeros((8, 3)), np.zeros((8, 1))\n"
                      "m.fit(iter([(x, y)] * 2), steps_per_epoch=2, validation_data=(x, y))\n"),
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, activation='sigmoid')])\n"
                "p = m.predict_proba([[1.0, 2.0, 3.0]], 1)\n", line=3, column=5,
                fixed="import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, activation='sigmoid')])\n"
                      "p = m.predict([[1.0, 2.0, 3.0]], batch_size=1)\n"),
        # reset-states
        Invalid("import keras\nm = keras.Sequential([keras.Input(batch_shape=(2, 5, 1)), keras.layers.LSTM(4, stateful=True),\n"
                "                       keras.layers.Dense(1)])\nm.reset_states()  # new sequence\n", line=4, column=1,
                message="no attribute 'reset_states'",
                fixed="import keras\nm = keras.Sequential([keras.Input(batch_shape=(2, 5, 1)), keras.layers.LSTM(4, stateful=True),\n"
                      "                       keras.layers.Dense(1)])\nm.layers[0].reset_states()  # new sequence\n"),
        # predict-classes
        Invalid("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation='softmax')])\nb = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, activation='sigmoid')])\nc = m.predict_classes([[1.0, 2.0, 3.0]])  # classes\nd = b.predict_classes([[1.0, 2.0, 3.0]])\n",
                line=4, column=5,
                fixed='import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation=\'softmax\')])\nb = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, activation=\'sigmoid\')])\nc = m.predict([[1.0, 2.0, 3.0]]).argmax(axis=-1)  # classes\nd = (b.predict([[1.0, 2.0, 3.0]]) > 0.5).astype("int32")\n'),
    ]


def _stateful_layers(model) -> list[int] | None:
    """Indices in ``model.layers`` of its stateful layers, None when some layer's is not known."""
    layers = getattr(model, "layers", None)
    if not isinstance(layers, list):
        return None
    found = []
    for i, layer in enumerate(layers):
        spec = getattr(layer, "builtin_spec", None) or getattr(layer, "spec", None)
        if spec is None or hasattr(layer, "layers"):
            return None  # a user layer or a nested model: Keras 2 reset its states too
        if spec.args.get("stateful") is True:
            found.append(i)
    return found


def _reset_states_advice(model) -> str:
    stateful = _stateful_layers(model)
    if stateful is not None and len(stateful) == 1:
        return (f"Keras 2 reset the model's stateful layers; the stateful layer is `.layers[{stateful[0]}]`: write "
                f"`model.layers[{stateful[0]}].reset_states()`")
    return ADVICE["reset_states"]


def _reset_states(call: cst.Call, index: int | None):
    """``m.reset_states()`` -> ``m.layers[0].reset_states()`` (the one stateful layer), else a one-line
    loop over the stateful layers (what Keras 2's ``Model.reset_states`` did): the line count is kept."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value != "reset_states" or call.args:
        return None
    model = cst.Module([]).code_for_node(func.value)
    if index is not None:
        return cst.parse_expression(f"{model}.layers[{index}].reset_states()")
    return cst.parse_expression(
        f'[layer.reset_states() for layer in {model}.layers if getattr(layer, "stateful", False)]')


# Keras 1 keywords that count samples where Keras 3 counts steps (batches), and the Keras 3 keyword.
_STEPS = {"samples_per_epoch": "steps_per_epoch", "nb_val_samples": "validation_steps", "val_samples": "steps"}
_SAMPLES = tuple(_STEPS)
_SAMPLES_MARK = "Keras 1 counted samples, Keras 3 batches"
_IGNORED_MARK = "`nb_val_samples` is dropped (Keras 1 ignored it with validation arrays)"


def to_keras3_call(call: cst.Call, steps: dict[str, tuple[str, str]] | None = None) -> cst.Call | None:
    """``m.fit_generator(g, 100, 10)`` -> ``m.fit(g, steps_per_epoch=100, epochs=10)``: the positional
    arguments after the first are named by the Keras 2 signature (not left to Keras 3's, where they
    would be ``y`` and ``batch_size``), Keras 1/2 keywords renamed; Keras 1's sample counts become the
    step counts of ``steps`` ({old keyword: (new keyword, expression)}, "" to drop one). None when an
    argument has no Keras 3 counterpart."""
    steps = steps or {}
    func = call.func
    removed = removed_methods()
    if not isinstance(func, cst.Attribute) or removed.get(func.attr.value) is None:
        return None
    old_name, new = func.attr.value, removed[func.attr.value]
    allowed = target_params(new)
    old_params = [catalogue.param_names([p])[0] for p in old_method_params(old_name) if catalogue.param_names([p])]
    args, position = [], 0
    for arg in call.args:
        if arg.star:
            return None
        key = arg.keyword.value if arg.keyword is not None else None
        if key is None:
            if position >= len(old_params):
                return None
            key = old_params[position] if position else None  # the first stays the first: the data
            position += 1
            if key is not None:
                arg = arg.with_changes(keyword=cst.Name(key), equal=cst.AssignEqual(
                    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
        if key in DROPPED:
            continue
        if key in _SAMPLES:
            if key not in steps:
                return None
            new_key, expr = steps[key]
            if not expr:
                continue  # Keras 1 ignored it (validation data given as arrays)
            try:
                value = cst.parse_expression(expr)
            except Exception:
                return None
            arg, key = arg.with_changes(keyword=cst.Name(new_key), value=value), new_key
        if key in EXACT:
            arg = arg.with_changes(keyword=cst.Name(EXACT[key]))
            key = EXACT[key]
        if key is not None and key not in allowed:
            return None  # a keyword with no exact Keras 3 counterpart: by hand
        args.append(arg)
    if args and len(args) < len(call.args):  # the last kept argument takes the last one's comma
        args[-1] = args[-1].with_changes(comma=call.args[-1].comma)
    return call.with_changes(func=func.with_changes(attr=cst.Name(new)), args=args)


def _output_units(model) -> int | None:
    """The width of a single-output model's output, when the analysis knows it."""
    outputs = getattr(model, "flat_outputs", None) or getattr(model, "outputs", None)  # Functional: flattened
    if outputs is None and getattr(model, "graph", None) is not None:
        outputs = [model.graph[1]]
    if not isinstance(outputs, (list, tuple)) or len(outputs) != 1:
        return None
    shape = getattr(outputs[0], "shape", None)
    return shape[-1] if shape and isinstance(shape[-1], int) else None


def _predict_classes(call: cst.Call, argmax: bool):
    """``m.predict_classes(x)`` -> ``m.predict(x).argmax(axis=-1)`` (or ``(m.predict(x) > 0.5).astype("int32")``
    for one output): what Keras 2's ``predict_classes`` computed."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value != "predict_classes":
        return None
    predict = call.with_changes(func=func.with_changes(attr=cst.Name("predict")))
    code = cst.Module([]).code_for_node(predict)
    return cst.parse_expression(f"{code}.argmax(axis=-1)" if argmax else f'({code} > 0.5).astype("int32")')


# -- Keras 1's sample counts as Keras 3's step counts ---------------------------------------------------------
# Keras 1's fit_generator drew batches until it had seen ``samples_per_epoch`` samples: ceil(samples / batch).
_BATCH_PARAMS = ("batch_size", "batch", "batchsize", "bs")
_FLOW_METHODS = ("flow", "flow_from_directory", "flow_from_dataframe")  # ImageDataGenerator's, batch_size=32


def _steps_of_samples(module: cst.Module, call: cst.Call, samples: list[str]) -> dict[str, tuple[str, str]] | None:
    """{Keras 1 keyword: (Keras 3 keyword, its value as source)} for each sample count of ``call``
    (``samples_per_epoch=600`` with a generator of batches of 50 -> ``steps_per_epoch=600 // 50``); an
    empty expression drops a count Keras 1 ignored. None when a batch size is not known."""
    code = module.code_for_node
    found = {}
    for key in samples:
        arg = keyword_arg(call, key)
        if arg is None:
            return None
        if key == "nb_val_samples":
            data = keyword_arg(call, "validation_data")
            if data is not None and isinstance(data.value, (cst.Tuple, cst.List)):
                found[key] = (_STEPS[key], "")  # arrays: Keras 1 read nb_val_samples only for a generator
                continue
            source = data.value if data is not None else None
        else:
            source = keyword_arg(call, "generator")
            source = source.value if source is not None else (call.args[0].value if call.args and call.args[0].keyword
                                                              is None else None)
        batch = _generator_batch_size(module, source)
        count = code(arg.value)
        if batch is None or "\n" in count or "`" in count:
            return None
        if not isinstance(arg.value, (cst.Name, cst.Integer, cst.Attribute, cst.Subscript, cst.Call)):
            count = f"({count})"
        divides = count.isdigit() and batch.isdigit() and int(count) % int(batch) == 0
        found[key] = (_STEPS[key], f"{count} // {batch}" if divides else f"({count} + {batch} - 1) // {batch}")
    return found


def _generator_batch_size(module: cst.Module, node) -> str | None:
    """The batch size (source text) of the generator ``node`` makes, read off its call: a ``batch_size=``
    argument, the batch-size parameter of the module's generator function (given or default), or
    ImageDataGenerator.flow's default 32. A name bound once at module level is followed."""
    if isinstance(node, cst.Name):
        bound = [s.body[0].value for s in module.body if isinstance(s, cst.SimpleStatementLine)
                 and len(s.body) == 1 and isinstance(s.body[0], cst.Assign) and any(
                     isinstance(t.target, cst.Name) and t.target.value == node.value for t in s.body[0].targets)]
        node = bound[0] if len(bound) == 1 else None
    if not isinstance(node, cst.Call):
        return None
    given = next((a.value for a in node.args if a.keyword is not None and a.keyword.value in _BATCH_PARAMS), None)
    if given is not None:
        return _simple(module, given)
    if isinstance(node.func, cst.Attribute) and node.func.attr.value in _FLOW_METHODS:
        return "32"
    if not isinstance(node.func, cst.Name):
        return None
    defs = [s for s in module.body if isinstance(s, cst.FunctionDef) and s.name.value == node.func.value]
    if len(defs) != 1 or any(a.star for a in node.args):
        return None
    params = list(defs[0].params.posonly_params) + list(defs[0].params.params)
    for i, param in enumerate(params):
        if param.name.value in _BATCH_PARAMS:
            positional = [a for a in node.args if a.keyword is None]
            if i < len(positional):
                return _simple(module, positional[i].value)
            # A default is evaluated where the function was defined: only a literal means the same here.
            return module.code_for_node(param.default) if isinstance(param.default, cst.Integer) else None
    return None


def _simple(module: cst.Module, value) -> str | None:
    """The source of an integer or a name (what a batch size is written as), else None."""
    return module.code_for_node(value) if isinstance(value, (cst.Integer, cst.Name)) else None
