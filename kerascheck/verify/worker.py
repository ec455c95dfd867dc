"""The worker of ``kerascheck verify``: runs sliced scripts under real Keras, one after another.

It is the only module that imports TensorFlow, and it runs as a script in its own process
(``python worker.py DEVICE``) under whatever Python has TensorFlow: standard library only, no
kerascheck import. Protocol, one JSON object per line: it first writes ``{"ready": ...}`` (or
``{"fatal": ...}``), then answers each request ``{"path", "source", "names"}`` with what the script
did under Keras: every ``summary()`` (line, model, printed text, table cells), every model the
script created, the exception that stopped it, and the statements that could not run because
they read data the slice skipped (``names``: name -> description of the skipped statement).

Each file starts from a fresh Keras state (``clear_session``, default config), so automatic names
come out as in a fresh run of the script. The script's own stdin/stdout are /dev/null.
"""

from __future__ import annotations

import __future__
import ast
import json
import os
import sys
import time
import traceback

OURS = ("tensorflow", "keras", "tf_keras")  # ImportErrors from these are Keras's answer, not a missing package


def main() -> None:
    device = sys.argv[1] if len(sys.argv) > 1 else "cpu"
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    sys.stdin = open(os.devnull, encoding="utf-8")
    sys.stdout = open(os.devnull, "w", encoding="utf-8")

    def send(message: dict) -> None:
        replies.write(json.dumps(message) + "\n")
        replies.flush()

    if device == "cpu":
        os.environ["CUDA_VISIBLE_DEVICES"] = "-1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    started = time.perf_counter()
    try:
        import keras
        import tensorflow as tf
    except ImportError as exc:
        send({"fatal": f"TensorFlow cannot be imported by {sys.executable}: {exc}", "missing": True})
        return
    gpus = [g.name for g in tf.config.list_physical_devices("GPU")]
    if device == "gpu" and not gpus:
        send({"fatal": f"--device gpu: TensorFlow {tf.__version__} sees no GPU on this machine "
                       "(use --device cpu, or --device auto to take a GPU only when there is one)"})
        return
    send({"ready": True, "python": sys.executable, "tensorflow": tf.__version__, "keras": keras.__version__,
          "device": "gpu" if gpus else "cpu", "gpus": gpus, "import_seconds": time.perf_counter() - started})
    _tolerate_late_configuration(tf)
    recorder = Recorder(keras)
    for line in requests:
        request = json.loads(line)
        try:
            send(recorder.run(request))
        except Exception as exc:  # noqa: BLE001 - a bug here must not end the run
            send({"path": request["path"], "internal": f"{type(exc).__name__}: {exc}"})


class Recorder:
    """Patches ``Model.summary`` and model creation once; ``run`` records one script."""

    def __init__(self, keras):
        import rich.table
        import rich.text
        from keras.src.models.functional import Functional
        from keras.src.models.model import Model
        from keras.src.models.sequential import Sequential

        self.keras, self.rich_table, self.rich_text = keras, rich.table, rich.text
        self.defaults = (keras.config.floatx(), keras.config.epsilon(), keras.config.image_data_format(),
                         keras.config.dtype_policy().name)
        self.original_summary = Model.summary
        self.path = ""
        recorder = self

        def summary(model, *args, **kwargs):
            line = recorder.user_line(sys._getframe(1))
            text, cells = recorder.capture(model, args, kwargs)
            recorder.events.append({"event": "summary", "line": line, "model": model.name, "text": text,
                                    "cells": cells})

        def tracking(original):
            def new(cls, *args, **kwargs):
                obj = original(cls, *args, **kwargs)
                if recorder.user_caused() and all(m is not obj for m, _ in recorder.created):
                    recorder.created.append((obj, recorder.user_line(sys._getframe(1))))
                return obj
            return staticmethod(new)

        Model.summary = summary
        for klass in (Model, Functional, Sequential):
            klass.__new__ = tracking(klass.__new__)
        self.reset("")

    # -- one file ------------------------------------------------------------------------------------
    def reset(self, path: str) -> None:
        keras = self.keras
        keras.utils.clear_session()
        floatx, epsilon, data_format, policy = self.defaults
        keras.config.set_floatx(floatx)
        keras.config.set_epsilon(epsilon)
        keras.config.set_image_data_format(data_format)
        keras.config.set_dtype_policy(policy)
        self.path, self.events, self.created = os.path.abspath(path) if path else "", [], []

    def run(self, request: dict) -> dict:
        path, names = request["path"], dict(request.get("names", {}))
        started = time.perf_counter()
        self.reset(path)
        folder, cwd, argv, modules = os.path.dirname(self.path), os.getcwd(), sys.argv, set(sys.modules)
        sys.argv, error = [path], None
        sys.path.insert(0, folder)
        os.chdir(folder)
        try:
            error = self.execute(request["source"], names)
        finally:
            os.chdir(cwd)
            sys.argv = argv
            if sys.path and sys.path[0] == folder:
                del sys.path[0]
            for name in set(sys.modules) - modules:  # the script's own modules: fresh for the next file
                file = getattr(sys.modules[name], "__file__", None) or ""
                if os.path.abspath(file).startswith(folder + os.sep):
                    del sys.modules[name]
        models = []
        for model, line in self.created if request.get("all_models") else ():
            try:
                text, cells = self.capture(model, (), {})
            except Exception as exc:  # noqa: BLE001 - as scripts/record.py writes it in the goldens
                text, cells = f"<summary raised {type(exc).__name__}: {exc}>\n", []
            models.append({"line": line, "model": model.name, "text": text, "cells": cells})
        return {"path": path, "events": self.events, "error": error, "models": models,
                "seconds": time.perf_counter() - started}

    def execute(self, source: str, names: dict) -> dict | None:
        """Run the module statement by statement: a top-level statement that fails on skipped data
        is reported and the script goes on; any other exception stops it, as it would the script."""
        try:  # as Python does, refuse the whole file before running any of it
            tree = ast.parse(source, self.path)
            compile(tree, self.path, "exec", dont_inherit=True)
        except SyntaxError as exc:
            return self.describe(exc) | {"line": exc.lineno, "lines": [exc.lineno]}
        namespace = {"__name__": "__main__", "__file__": self.path, "__builtins__": __builtins__,
                     "__doc__": ast.get_docstring(tree, clean=False)}
        flags = 0
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                for alias in node.names:
                    flags |= getattr(__future__, alias.name).compiler_flag
            code = compile(ast.Module([node], type_ignores=[]), self.path, "exec", flags=flags, dont_inherit=True)
            try:
                exec(code, namespace)
            except NameError as exc:
                if exc.name not in names:
                    return self.describe(exc)
                self.blocked(node, names, exc.name, f"it needs {exc.name}, defined by {names[exc.name]}")
            except ModuleNotFoundError as exc:
                missing = (exc.name or "").split(".")[0]
                if not missing or missing in OURS:
                    return self.describe(exc)
                self.blocked(node, names, missing, f"module {missing!r} is not installed in {sys.executable}",
                             is_import=isinstance(node, (ast.Import, ast.ImportFrom)))
            except SystemExit as exc:
                if exc.code in (None, 0):
                    return None
                return self.describe(exc)
            except BaseException as exc:  # noqa: BLE001 - the script's own exception is the result
                return self.describe(exc)
        return None

    def blocked(self, node, names: dict, name: str, why: str, is_import: bool = False) -> None:
        self.events.append({"event": "blocked", "line": node.lineno, "end_line": node.end_lineno,
                            "name": name, "why": why, "import": is_import})
        for stored in _stored(node):  # what it would have defined is missing too
            names.setdefault(stored, f"line {node.lineno}, which could not run")

    def describe(self, exc: BaseException) -> dict:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if os.path.abspath(f.filename) == self.path]
        lines = [f.lineno for f in frames]
        return {"type": type(exc).__name__, "message": str(exc), "line": lines[-1] if lines else None,
                "lines": lines}

    # -- summaries -----------------------------------------------------------------------------------
    def capture(self, model, args: tuple, kwargs: dict) -> tuple[str, list[list[str]]]:
        """What ``summary()`` prints, and each row's cells as plain text (Keras passes them to rich)."""
        chunks: list[str] = []
        cells: list[list[str]] = []
        user_print = kwargs.pop("print_fn", None)

        def print_fn(text, *a, **k):
            chunks.append(text)
            if user_print is not None:
                user_print(text, *a, **k)

        table = self.rich_table.Table
        original_add_row = table.add_row
        plain = self.rich_text.Text.from_markup

        def add_row(this, *renderables, **k):
            cells.append([plain(r).plain if isinstance(r, str) else str(r) for r in renderables])
            return original_add_row(this, *renderables, **k)

        table.add_row = add_row
        try:
            self.original_summary(model, *args, print_fn=print_fn, **kwargs)
        finally:
            table.add_row = original_add_row
        return "".join(chunks), cells

    def user_line(self, frame) -> int | None:
        while frame is not None:
            if os.path.abspath(frame.f_code.co_filename) == self.path:
                return frame.f_lineno
            frame = frame.f_back
        return None

    def user_caused(self) -> bool:
        """True when the script creates the model (itself or through a Keras function such as
        from_config); False for the Functional a Sequential builds for itself (as scripts/record.py)."""
        frame = sys._getframe(2)
        if frame.f_code.co_name == "__new__":
            return False
        if frame.f_code.co_filename.endswith(os.path.join("models", "sequential.py")):
            return False
        return self.user_line(frame) is not None


def _tolerate_late_configuration(tf) -> None:
    """Device and thread settings raise RuntimeError once TensorFlow has started, which in this
    shared process means "after the first file"; in a fresh run of the script they succeed."""
    for module, names in ((tf.config, ("set_visible_devices", "set_logical_device_configuration")),
                          (tf.config.experimental, ("set_memory_growth", "set_visible_devices",
                                                    "set_virtual_device_configuration")),
                          (tf.config.threading, ("set_inter_op_parallelism_threads",
                                                 "set_intra_op_parallelism_threads"))):
        for name in names:
            original = getattr(module, name, None)
            if original is not None:
                setattr(module, name, _tolerant(original))


def _tolerant(function):
    def call(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except RuntimeError:
            return None
    return call


def _stored(node) -> list[str]:
    names = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
            names.append(sub.id)
        elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(sub.name)
        elif isinstance(sub, (ast.Import, ast.ImportFrom)):
            names += [(a.asname or a.name).split(".")[0] for a in sub.names]
    return names


if __name__ == "__main__":
    main()
