"""The part of a script that ``kerascheck verify`` runs under Keras: everything but data and training.

The slice keeps imports, definitions and every statement that may build a model. It skips, one
statement at a time (top level and inside functions, classes, loops, ``if``/``with``/``try``):

1. statements that call something of these kinds (anywhere in the statement, lambdas aside):
   training, evaluation and inference (``fit``, ``evaluate``, ``predict`` ...; ``compile`` stays),
   data loading (``load_data``, ``read_csv``, ``np.load``, ``image_dataset_from_directory`` ...),
   file and network I/O (``open``, ``model.save``, ``load_model``, ``requests``, ``os.makedirs`` ...),
   plotting (matplotlib, seaborn, plotly, ``plot_model``), ``input()`` and ``time.sleep``;
2. statements that only process skipped data: they read a name that a skipped statement defined and
   call nothing that could build a model (only builtins, NumPy/pandas/sklearn, methods of the data
   itself, ``tf.data``, ``to_categorical``...), e.g. ``x_train = x_train / 255``, ``print(x.shape)``;
3. calls of user functions whose whole body was skipped (``plot_history(history)``);
4. loops, ``if`` and ``with`` statements whose whole body was skipped (a training loop), loops over
   skipped data and ``with`` blocks that open files.

Whatever else reads skipped data stays (``Dense(8, input_shape=x_train.shape[1:])``): the worker
reports the NameError it raises as "depends on skipped data" (see ``Slice.names``).

A skipped statement becomes ``pass`` padded with comment lines (or, inside a line shared with kept
statements, a blank triple-quoted string), so every kept statement stays on its own line number:
tracebacks and the engine's predictions then name the same lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from . import nodes

TRAINING = set("fit fit_generator evaluate evaluate_generator predict predict_generator predict_on_batch "
               "predict_classes predict_proba train_on_batch test_on_batch".split())
SAVING = set("save save_weights load_weights savefig to_csv to_pickle export".split())
LOADERS = set("load_data get_file image_dataset_from_directory text_dataset_from_directory "
              "audio_dataset_from_directory flow_from_directory flow_from_dataframe read_csv read_excel "
              "read_json read_parquet read_table read_pickle read_sql read_hdf read_feather loadtxt genfromtxt "
              "fromfile load_img imread urlopen urlretrieve TFRecordDataset TextLineDataset list_files "
              "read_file load_dataset fetch_openml".split())
DOTTED = {
    "numpy.load": "data loading", "pickle.load": "data loading", "joblib.load": "data loading",
    "json.load": "data loading", "tensorflow_datasets.load": "data loading", "PIL.Image.open": "data loading",
    "h5py.File": "file I/O", "numpy.save": "file I/O", "numpy.savez": "file I/O", "numpy.savetxt": "file I/O",
    "pickle.dump": "file I/O", "json.dump": "file I/O", "joblib.dump": "file I/O", "time.sleep": "waiting",
    "open": "file I/O", "input": "interactive input", "plot_model": "plotting", "display": "plotting",
}
ROOTS = {"matplotlib": "plotting", "seaborn": "plotting", "plotly": "plotting", "pylab": "plotting",
         "bokeh": "plotting", "requests": "network I/O", "urllib": "network I/O", "wget": "network I/O",
         "gdown": "network I/O", "socket": "network I/O", "http": "network I/O", "ftplib": "network I/O",
         "shutil": "file I/O", "subprocess": "file I/O", "zipfile": "file I/O", "tarfile": "file I/O"}
OS_IO = set("system popen makedirs mkdir remove unlink rename rmdir removedirs listdir scandir walk chdir".split())
LOAD_MODEL = {"load_model"}
# Calls that never build a model: allowed in statements that only process skipped data.
PURE_BUILTINS = set("print len str int float bool list tuple dict set range enumerate zip min max sum sorted "
                    "abs round repr format type isinstance".split())
PURE_ROOTS = {"numpy", "pandas", "math", "random", "sklearn", "scipy", "statistics"}
PURE_LAST = {"to_categorical", "pad_sequences", "convert_to_tensor", "from_tensor_slices", "train_test_split",
             "flow", "fit_transform", "transform", "fit_on_texts", "texts_to_sequences"}


@dataclass
class Skipped:
    line: int
    end_line: int
    reason: str  # "training/evaluation", "data loading", "file I/O", "plotting", "uses skipped data" ...
    detail: str  # what made it skipped: "model.fit()", "x_train (line 6)"

    def describe(self) -> str:
        lines = f"line {self.line}" if self.end_line == self.line else f"lines {self.line}-{self.end_line}"
        return f"{lines} ({self.reason}: {self.detail})"


@dataclass
class Slice:
    code: str  # the sliced module: same line numbers as the original
    skipped: list[Skipped] = field(default_factory=list)
    names: dict[str, Skipped] = field(default_factory=dict)  # name -> the skipped statement that defined it


def slice_source(source: str, keep_data: bool = False) -> Slice:
    """Slice a module (raises libcst.ParserSyntaxError on invalid source); ``keep_data`` keeps data
    loading (``verify --with-data``: the data's real sizes then reach the model)."""
    module = cst.parse_module(source)
    slicer = _Slicer(module, keep_data)
    body, _ = slicer.block(module.body)
    code = module.with_changes(body=body).code
    if code.count("\n") != source.count("\n"):  # every replacement pads to its original height
        raise AssertionError("slicing changed the line count")
    return Slice(code, sorted(slicer.skipped, key=lambda s: s.line), slicer.names)


class _Slicer:
    def __init__(self, module: cst.Module, keep_data: bool = False):
        self.module = module
        self.keep_data = keep_data
        self.positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        self.aliases: dict[str, str] = {}  # local name -> dotted module path
        self.tainted: dict[str, Skipped] = {}  # names skipped statements defined, in the current scope
        self.names: dict[str, Skipped] = {}  # the same, over all scopes
        self.inert: set[str] = set()  # user functions whose whole body was skipped
        self.in_class = False
        self.skipped: list[Skipped] = []

    # -- blocks and statements ----------------------------------------------------------------------
    def block(self, body) -> tuple[list, bool]:
        """Slice a list of statements; also says whether every real statement in it was skipped."""
        out, all_skipped, real = [], True, False
        for stmt in body:
            new, skipped = self.statement(stmt)
            out.append(new)
            if not nodes.trivial(stmt):
                real = True
                all_skipped &= skipped
        return out, all_skipped and real

    def suite(self, suite):
        if isinstance(suite, cst.SimpleStatementSuite):
            smalls, all_skipped = self.smalls(suite.body)
            return suite.with_changes(body=smalls), all_skipped
        body, all_skipped = self.block(suite.body)
        return suite.with_changes(body=body), all_skipped

    def statement(self, stmt) -> tuple[cst.CSTNode, bool]:
        if isinstance(stmt, cst.SimpleStatementLine):
            mark = len(self.skipped)
            smalls, all_skipped = self.smalls(stmt.body)
            if all_skipped:
                return self.replace(stmt, "; ".join(f"{s.reason}: {s.detail}" for s in self.skipped[mark:])), True
            return stmt.with_changes(body=smalls), False
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            return self.definition(stmt), False
        mark = len(self.skipped)
        if isinstance(stmt, (cst.If, cst.While)):
            header = stmt.test
        elif isinstance(stmt, cst.For):
            header = stmt.iter
        elif isinstance(stmt, cst.With):
            header = cst.Tuple([cst.Element(item.item) for item in stmt.items])
        elif isinstance(stmt, cst.Try):
            header = None
        else:
            return stmt, False
        if header is not None:
            why = self.why(header, header_only=True)
            if why:
                return self.skip(stmt, *why), True
        new, all_skipped = self.compound(stmt)
        if all_skipped:
            reasons = sorted({s.reason for s in self.skipped[mark:]})
            details = ", ".join(dict.fromkeys(s.detail for s in self.skipped[mark:]))
            del self.skipped[mark:]
            return self.skip(stmt, "/".join(reasons), f"whole body: {details}"), True
        return new, False

    def compound(self, stmt) -> tuple[cst.CSTNode, bool]:
        """Slice the bodies of a compound statement; all_skipped when every body was skipped."""
        changes, flags = {}, []
        body, skipped = self.suite(stmt.body)
        changes["body"] = body
        flags.append(skipped)
        if isinstance(stmt, cst.Try):
            handlers = []
            for handler in stmt.handlers:
                hbody, skipped = self.suite(handler.body)
                handlers.append(handler.with_changes(body=hbody))
                flags.append(skipped)
            changes["handlers"] = handlers
            if stmt.finalbody is not None:
                fbody, skipped = self.suite(stmt.finalbody.body)
                changes["finalbody"] = stmt.finalbody.with_changes(body=fbody)
                flags.append(skipped)
        orelse = getattr(stmt, "orelse", None)
        if isinstance(orelse, cst.If):  # elif: its bodies are sliced, its test stays
            changes["orelse"], skipped = self.compound(orelse)
            flags.append(skipped)
        elif orelse is not None:
            obody, skipped = self.suite(orelse.body)
            changes["orelse"] = orelse.with_changes(body=obody)
            flags.append(skipped)
        return stmt.with_changes(**changes), all(flags)

    def definition(self, stmt):
        saved, in_class = dict(self.tainted), self.in_class
        if isinstance(stmt, cst.FunctionDef):
            for param in nodes.params(stmt.params):
                self.tainted.pop(param, None)
        self.in_class = isinstance(stmt, cst.ClassDef)
        body, all_skipped = self.suite(stmt.body)
        self.tainted, self.in_class = saved, in_class
        self.tainted.pop(stmt.name.value, None)
        if isinstance(stmt, cst.FunctionDef) and not in_class:
            (self.inert.add if all_skipped else self.inert.discard)(stmt.name.value)
        return stmt.with_changes(body=body)

    def smalls(self, body) -> tuple[list, bool]:
        out, all_skipped = [], True
        for small in body:
            why = None
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                self.record_import(small)
            elif not isinstance(small, (cst.Pass, cst.Global, cst.Nonlocal)):
                why = self.why(small)
            if why:
                self.record(small, *why)
                height = self.module.code_for_node(small).count("\n")
                out.append(cst.Pass() if not height else cst.Expr(cst.SimpleString('"""' + "\n" * height + '"""')))
            else:
                out.append(small)
                all_skipped = False
                for name in nodes.stored(small):
                    self.tainted.pop(name, None)
        return out, all_skipped

    # -- what to skip -------------------------------------------------------------------------------
    def why(self, node, header_only: bool = False) -> tuple[str, str] | None:
        """(reason, detail) when ``node`` (a small statement or a compound statement's header) is skipped."""
        calls = nodes.calls(node)
        for call in calls:
            reason = self.classify(call)
            if reason == "data loading" and self.keep_data:
                continue
            if reason:
                return reason, self.module.code_for_node(call.func) + "()"
        read = [n for n in nodes.reads(node) if n in self.tainted]
        if not read:
            if header_only or not calls or not all(self.data_only(c) for c in calls):
                return None
            inert = [c for c in calls if isinstance(c.func, cst.Name) and c.func.value in self.inert]
            if not inert:
                return None
            name = inert[0].func.value
            return "calls a function whose body was skipped", f"{name}()"
        if header_only or all(self.data_only(c) for c in calls):
            origin = self.tainted[read[0]]
            return "uses skipped data", f"{read[0]} from line {origin.line}"
        return None

    def classify(self, call: cst.Call) -> str | None:
        func = call.func
        attr = func.attr.value if isinstance(func, cst.Attribute) else None
        name = self.dotted(func)
        last = attr or (func.value if isinstance(func, cst.Name) else None)
        if attr in TRAINING:
            return "training/evaluation"
        if attr in SAVING:
            return "file I/O"
        if name:
            if name in DOTTED:
                return DOTTED[name]
            root = name.split(".")[0]
            if root in ROOTS:
                return ROOTS[root]
            if root == "os" and last in OS_IO:
                return "file I/O"
            if root == "IPython":
                return "plotting"
        if last in LOADERS:
            return "data loading"
        if last in LOAD_MODEL:
            return "file I/O"
        if last in ("plot_model",):
            return "plotting"
        return None

    def data_only(self, call: cst.Call) -> bool:
        """True for calls that cannot build a model (see rule 2 of the module docstring)."""
        func = call.func
        if nodes.base_name(func) in self.tainted:
            return True
        if isinstance(func, cst.Name) and (func.value in PURE_BUILTINS or func.value in self.inert):
            return func.value not in self.aliases
        name = self.dotted(func) or ""
        last = name.rsplit(".", 1)[-1] if name else None
        return name.split(".")[0] in PURE_ROOTS or ".data." in f".{name}." or last in PURE_LAST

    def dotted(self, node) -> str | None:
        if isinstance(node, cst.Name):
            return self.aliases.get(node.value, node.value)
        if isinstance(node, cst.Attribute):
            base = self.dotted(node.value)
            return f"{base}.{node.attr.value}" if base else None
        return None

    # -- bookkeeping --------------------------------------------------------------------------------
    def record_import(self, node) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                dotted = nodes.dotted_name(alias.name)
                if alias.asname:
                    self.aliases[alias.asname.name.value] = dotted
                else:
                    root = dotted.split(".")[0]
                    self.aliases[root] = root
        elif not node.relative and node.module is not None and not isinstance(node.names, cst.ImportStar):
            base = nodes.dotted_name(node.module)
            for alias in node.names:
                local = alias.asname.name.value if alias.asname else alias.name.value
                self.aliases[local] = f"{base}.{nodes.dotted_name(alias.name)}"

    def record(self, node, reason: str, detail: str) -> Skipped:
        pos = self.positions[node]
        skipped = Skipped(pos.start.line, pos.end.line, reason, detail)
        self.skipped.append(skipped)
        for name in nodes.stored(node):
            self.tainted[name] = skipped
            self.names.setdefault(name, skipped)
        return skipped

    def skip(self, stmt, reason: str, detail: str):
        self.record(stmt, reason, detail)
        return self.replace(stmt, f"{reason}: {detail}")

    def replace(self, stmt, note: str):
        """``pass`` with a comment, padded to the statement's height."""
        height = self.module.code_for_node(stmt).count("\n") - len(stmt.leading_lines)
        comment = cst.Comment(nodes.comment(f"# kerascheck verify: skipped ({note})"))
        padding = [cst.EmptyLine(comment=cst.Comment("# kerascheck verify: skipped"))] * (height - 1)
        return cst.SimpleStatementLine(
            [cst.Pass()], leading_lines=[*stmt.leading_lines, *padding],
            trailing_whitespace=cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace("  "), comment=comment),
        )
