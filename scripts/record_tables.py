"""Record real Keras ``model.summary()`` tables for the renderer tests (kerascheck/summary/table.py).

Usage (needs the ``verify`` extra: tensorflow-cpu 2.21, keras 3.15, rich 15):

    /work/tfenv/bin/python scripts/record_tables.py        # writes fixtures/format/tables.json

It builds a set of models (chains, multi-input/output graphs, shared layers, long names, multi-output
layers, nested models, unbuilt/empty/subclassed models, mixed dtypes, huge parameter counts, an
optimizer after ``fit``) and calls ``summary()`` on each with several ``line_length`` values,
``show_trainable`` and ``expand_nested``, capturing the text with ``print_fn``. It also captures the
cells Keras computed (by wrapping ``rich.table.Table.add_row``) and the totals (by wrapping
``summary_utils.weight_memory_size``), so tests can render from rows alone.

Each ``COLUMNS`` setting (unset, 30, 60, 100, 200) runs in its own child process with stdin, stdout
and stderr not terminals, as when a script's output is piped: shutil and rich then read only
``COLUMNS`` (else 80). The recording is never edited by hand: change this script and record again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "format" / "tables.json"

# (COLUMNS or None, line lengths tried). None as a line length means Keras's default.
SETTINGS = [
    (None, [None, 20, 22, 30, 40, 56, 76, 100, 108, 120]),
    (30, [None, 40, 76]),
    (60, [None, 76]),
    (100, [None, 120]),
    (200, [None, 120, 160]),
]
# With COLUMNS set, only these models (enough for widths, cropping and wrapped text lines).
COLUMNS_MODELS = {"mlp", "multi_io", "nested", "long_names", "longest_model_name", "fitted", "empty",
                  "wide_chars", "lstm_state"}

# Byte counts for format_size (recorded through keras's readable_memory_size).
SIZES = [0, 0.125, 1, 7.5, 100, 784.0, 1023, 1023.999, 1023.9999, 1024, 1025, 1536, 220200.0, 2**20 - 1,
         2**20, 553430176, 2e9, 2**30, 1.5 * 2**40, 5e12, 2**50, 3 * 2**50, 2**60, 7 * 2**60]


def child(out_path: str) -> None:
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import warnings

    warnings.filterwarnings("ignore")
    import keras
    import numpy as np
    import rich
    import rich.markup
    import rich.table
    from keras import layers, ops
    from keras.src.utils import summary_utils

    captured = {}

    original_init, original_add_row = rich.table.Table.__init__, rich.table.Table.add_row

    def init(self, *columns, **kwargs):
        captured["headers"] = [c.header for c in columns]
        captured["width"] = kwargs.get("width")
        captured["rows"] = []
        original_init(self, *columns, **kwargs)

    def add_row(self, *cells, **kwargs):
        captured["rows"].append(list(cells))
        return original_add_row(self, *cells, **kwargs)

    original_size, count = summary_utils.weight_memory_size, summary_utils.count_params

    def weight_memory_size(weights):
        size = original_size(weights)
        captured["sizes"].append((count(weights), size))
        return size

    rich.table.Table.__init__, rich.table.Table.add_row = init, add_row
    summary_utils.weight_memory_size = weight_memory_size

    def plain(markup):
        return rich.markup.render(markup, emoji=False).plain

    def row_of(headers, cells):
        by_header = dict(zip(headers, cells))
        # Keras writes f"{escape(prefix + name)} ([color(33)]{escape(class)}[/])".
        name_markup, _, cls_markup = by_header["Layer (type)"].rpartition(" ([color(33)]")
        assert cls_markup.endswith("[/])"), cls_markup
        name, class_name = plain(name_markup), plain(cls_markup[: -len("[/])")])
        nesting = 0
        if "└ " in name and name.startswith(" "):
            prefix, _, name = name.partition("└ ")
            nesting = len(prefix) // 3
            assert prefix == "   " * nesting
        row = {"name": name, "class_name": class_name, "shape": plain(by_header["Output Shape"]),
               "params": plain(by_header["Param #"]), "nesting": nesting}
        if "Connected to" in by_header:
            row["connected"] = plain(by_header["Connected to"])
        if "Trainable" in by_header:
            row["trainable"] = plain(by_header["Trainable"])
        return row

    # --- the models -------------------------------------------------------------------------

    def mlp():
        return keras.Sequential([keras.Input((784,)), layers.Dense(64, activation="relu"),
                                 layers.Dense(64, activation="relu"), layers.Dense(10)])

    def functional_chain():
        inputs = keras.Input((32,))
        x = layers.Dense(16)(inputs)
        x = layers.Dropout(0.1)(x)
        return keras.Model(inputs, layers.Dense(8)(x))

    def conv_net():
        inputs = keras.Input((224, 224, 3))
        x = layers.Conv2D(32, 3, name="an_extremely_long_input_layer_name_conv")(inputs)
        x = layers.BatchNormalization()(x)
        x = layers.Reshape((222, 222, 2, 16, 1, 1, 1))(x)
        x = layers.Reshape((222 * 222 * 32,))(x)
        return keras.Model(inputs, layers.Dense(3)(x), name="conv_net")

    def multi_io():
        a = keras.Input((16,), name="title")
        b = keras.Input((32,), name="body_text_with_a_longer_name")
        c = keras.Input((4,), name="tags")
        x = layers.concatenate([layers.Dense(8)(a), layers.Dense(8)(b), c])
        priority = layers.Dense(1, name="priority")(x)
        department = layers.Dense(4, name="department")(x)
        return keras.Model([a, b, c], [priority, department], name="ticket_classifier")

    def shared():
        a, b = keras.Input((8,), name="a"), keras.Input((8,), name="b")
        dense = layers.Dense(16)
        x = layers.concatenate([dense(a), dense(b), a, b])
        unused = keras.Input((3,), name="unused")
        return keras.Model([a, b, unused], layers.Dense(1)(x))

    def many_inputs():
        inputs = [keras.Input((2,), name=f"input_with_long_name_{i}") for i in range(6)]
        x = layers.Concatenate(name="concatenate_everything_together")(inputs)
        return keras.Model(inputs, layers.Dense(1)(x))

    def long_names():
        return keras.Sequential([
            keras.Input((10,)),
            layers.Dense(4, name="an_extremely_long_layer_name_that_keeps_going_and_going_and_going"),
            layers.Dense(4, name="short"),
            layers.Dense(4, name="medium_length_layer_name_x"),
        ], name="a_model_with_a_rather_long_name_that_goes_on_and_on_for_quite_a_while_and_ever")

    def longest_model_name():
        return keras.Sequential([keras.Input((3,)), layers.Dense(2)], name="m" * 170 + " spaced name")

    def lstm_state():
        inputs = keras.Input((5, 3))
        seq, h, c = layers.LSTM(4, return_sequences=True, return_state=True)(inputs)
        x = layers.Add()([h, c])
        p, q = ops.split(seq, [2], axis=1)
        y = layers.Flatten()(p) + 1.0
        return keras.Model(inputs, [x, y, q])

    def ops_graph():
        p, q = keras.Input((4,), name="p"), keras.Input((4,), name="q")
        s = layers.Add()([layers.Dense(4)(p), q])
        return keras.Model([p, q], ops.relu(s * 2.0))

    def nested():
        inner = keras.Sequential([layers.Dense(4), layers.BatchNormalization()], name="inner")
        enc_in = keras.Input((4,))
        enc = keras.Model(enc_in, layers.Dense(2)(enc_in), name="enc")
        inputs = keras.Input((8,))
        return keras.Model(inputs, layers.Dense(1)(enc(inner(inputs))), name="outer")

    def deep_nested():
        level2 = keras.Sequential([keras.Input((6,)), layers.Dense(6, name="deepest_dense_layer_of_all"),
                                   layers.LayerNormalization()], name="level2")
        level1 = keras.Sequential([keras.Input((6,)), level2, layers.Dense(3)], name="level1")
        a, b = keras.Input((6,)), keras.Input((6,))
        return keras.Model([a, b], layers.Add()([level1(a), level1(b)]), name="deep")

    def nested_in_sequential():
        inner_in = keras.Input((5,))
        inner = keras.Model(inner_in, layers.Dense(5)(inner_in), name="inner_functional")
        return keras.Sequential([keras.Input((5,)), inner, layers.Dense(2)])

    def unbuilt():
        return keras.Sequential([layers.Dense(64), layers.Dense(10)])

    def empty():
        return keras.Sequential()

    def dtypes():
        inputs = keras.Input((10,), dtype="int32")
        x = layers.Embedding(10, 4, dtype="float64")(inputs)
        x = layers.Flatten()(x)
        x = layers.Dense(8, dtype="float16")(x)
        x = layers.Dense(8, dtype="mixed_float16")(x)
        return keras.Model(inputs, layers.Dense(3, dtype="bfloat16")(x))

    def big():
        return keras.Sequential([keras.Input((20000,)),
                                 layers.Dense(16000, kernel_initializer="zeros", use_bias=False),
                                 layers.Dense(1000)])

    def frozen():
        model = keras.Sequential([keras.Input((20,)), layers.Dense(30), layers.BatchNormalization(),
                                  layers.Dropout(0.5), layers.Dense(5, name="frozen_head")])
        model.get_layer("frozen_head").trainable = False
        return model

    def fitted():
        model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
        model.compile(optimizer="adam", loss="mse")
        model.fit(np.zeros((4, 3)), np.zeros((4, 2)), verbose=0)
        return model

    class MyModel(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = layers.Dense(16)
            self.out = layers.Dense(2)

        def call(self, x):
            return self.out(self.hidden(x))

    def subclassed_called():
        model = MyModel()
        model(np.zeros((2, 4)))
        return model

    def subclassed_unbuilt():
        return MyModel()

    def markup_names():
        inputs = keras.Input((4,), name="d[bold]")
        x = layers.Dense(4, name="d[x]")(inputs)
        y = layers.Dense(4, name="e[italic]")(inputs)
        return keras.Model(inputs, layers.Add(name="plus[red]")([x, y]))

    def wide_chars():
        return keras.Sequential([keras.Input((4,)), layers.Dense(4, name="密集層が長い名前を持っている層です"),
                                 layers.Dense(2, name="dénse_àccents")], name="模型")

    def odd_shapes():
        scalar = keras.Input(shape=(), name="scalar")
        fixed = keras.Input((3,), batch_size=8, name="fixed")
        many = keras.Input((2, 3, 4, 5, 6, 7, 8), name="many_dims")

        class TupleOut(layers.Layer):
            def call(self, x):
                return {"b": x, "a": x * 2.0}

        pair = TupleOut(name="tuple_out")(fixed)
        flat = layers.Flatten()(many)
        return keras.Model([scalar, fixed, many], [layers.Reshape((1,))(scalar), pair["a"], flat])

    models = [mlp, functional_chain, conv_net, multi_io, shared, many_inputs, long_names,
              longest_model_name, lstm_state, ops_graph, nested, deep_nested, nested_in_sequential,
              unbuilt, empty, dtypes, big, frozen, fitted, subclassed_called, subclassed_unbuilt,
              markup_names, wide_chars, odd_shapes]
    has_nested = {"nested", "deep_nested", "nested_in_sequential"}

    columns = os.environ.get("COLUMNS")
    columns = int(columns) if columns else None
    line_lengths = dict(SETTINGS)[columns]

    cases = []
    for build in models:
        if columns is not None and build.__name__ not in COLUMNS_MODELS:
            continue
        model = build()
        model_cases = []
        for line_length in line_lengths:
            for show_trainable in (False, True):
                for expand_nested in (False, True) if build.__name__ in has_nested else (False,):
                    captured.update(headers=None, rows=[], sizes=[], width=None)
                    chunks, error = [], None
                    try:
                        model.summary(line_length=line_length, show_trainable=show_trainable,
                                      expand_nested=expand_nested, print_fn=chunks.append)
                    except ValueError as exc:
                        error = str(exc)
                    case = {"id": f"{build.__name__}-L{line_length}-T{int(show_trainable)}"
                                  f"-E{int(expand_nested)}-C{columns}",
                            "model_name": model.name, "line_length": line_length, "columns": columns,
                            "show_trainable": show_trainable, "expand_nested": expand_nested}
                    if error is not None:
                        case["error"] = error
                    else:
                        assert len(chunks) == 1
                        headers = captured["headers"]
                        sizes = captured["sizes"]
                        assert len(sizes) in (2, 3), sizes
                        case.update(
                            functional="Connected to" in headers,
                            effective_line_length=captured["width"],
                            rows=[row_of(headers, cells) for cells in captured["rows"]],
                            totals={"trainable": sizes[0], "non_trainable": sizes[1],
                                    "optimizer": sizes[2] if len(sizes) == 3 else None,
                                    "total": [sum(s[0] for s in sizes), sum(s[1] for s in sizes)]},
                            text=chunks[0])
                    model_cases.append(case)
        # An error case still needs the layout, which Keras chose before raising.
        functional = next(c["functional"] for c in model_cases if "functional" in c)
        for case in model_cases:
            case.setdefault("functional", functional)
        cases += model_cases
        del model
        keras.backend.clear_session()

    sizes = [[n, summary_utils.readable_memory_size(n)] for n in SIZES]
    meta = {"keras": keras.__version__, "rich": __import__("importlib.metadata").metadata.version("rich")}
    Path(out_path).write_text(json.dumps({"meta": meta, "cases": cases, "sizes": sizes}))


def main() -> int:
    all_cases, rowsets, sizes, meta = [], {}, None, None
    with tempfile.TemporaryDirectory() as tmp:
        for columns, _ in SETTINGS:
            env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
            if columns is not None:
                env["COLUMNS"] = str(columns)
            out = Path(tmp) / f"cols{columns}.json"
            # No terminal anywhere: stdin, stdout and stderr are all redirected.
            proc = subprocess.run([sys.executable, __file__, "--child", str(out)], env=env, text=True,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if proc.returncode:
                sys.exit(f"COLUMNS={columns}: child failed\n{proc.stderr}")
            data = json.loads(out.read_text())
            for case in data["cases"]:
                # Many cases share their rows: store each distinct list once and refer to it.
                if "rows" in case:
                    key = json.dumps(case["rows"], ensure_ascii=False)
                    case["rows"] = rowsets.setdefault(key, len(rowsets))
                all_cases.append(case)
            sizes, meta = data["sizes"], data["meta"]
            print(f"COLUMNS={columns}: {len(data['cases'])} cases")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    # One case per line keeps diffs of re-recordings readable.
    body = ",\n".join(json.dumps(case, ensure_ascii=False) for case in all_cases)
    rows = ",\n".join(rowsets)
    OUT.write_text(f'{{"meta": {json.dumps(meta)},\n"sizes": {json.dumps(sizes)},\n'
                   f'"rowsets": [\n{rows}\n],\n"cases": [\n{body}\n]}}\n', encoding="utf-8")
    print(f"{len(all_cases)} cases -> {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    else:
        sys.exit(main())
