"""Runs ONE corpus script under real TensorFlow / Keras, offline, and writes what it did as JSON.

``python recording_child.py SCRIPT OUT.json`` runs one script. ``python recording_child.py --serve``
(what ``scripts/record_real_code.py`` starts) imports TensorFlow once, then reads requests
``{"script", "out", "timeout"}`` (one JSON line each) and runs each script in a process forked for it
(nothing of TensorFlow has run in the server, and every fork starts from that state, so Keras's
automatic names start from zero as in a fresh run), answering ``{"status": "done" | "timeout" |
"crashed", ...}`` on stdout. A fork past its timeout is killed; what it recorded until then stays.

Before the script runs:

* every ``keras.datasets`` loader (``mnist``, ``fashion_mnist``, ``cifar10``, ``cifar100``, ``imdb``,
  ``reuters``, ``boston_housing``, ``california_housing``; whatever the spelling, ``keras.``,
  ``tf.keras.`` or ``tensorflow.keras.``, since the function's code itself is replaced) returns
  arrays of the real shapes and dtypes: zero images/features, labels cycling through every class
  (so ``len(np.unique(y_train))`` is the real class count), imdb/reuters ragged ``object`` arrays of
  sequences of one length whose first holds the largest real word index (their real lengths are
  data); ``get_word_index`` returns ``{}``;
* ``Model.fit/evaluate/predict/train_on_batch/test_on_batch/predict_on_batch/save/save_weights/
  load_weights`` do no work. ``fit`` (and ``evaluate``/``train_on_batch``) still build an unbuilt
  model and its optimizer from the first batch, as the real call does before training, so a
  ``summary()`` after ``fit`` prints what it prints after a real fit (``Optimizer params``
  included). ``fit_generator`` and friends are NOT added: Keras 3 removed them, and the truth is
  what Keras 3 does (``AttributeError``);
* ``keras.utils.get_file`` downloads nothing and returns a path that does not exist (so that
  pretrained ``weights=`` of ``keras.applications`` build with random weights, while a script
  reading a downloaded file fails on it); network connections raise; ``plot_model`` does nothing;
  matplotlib uses the Agg backend and ``plt.show`` does nothing.

Every ``Model.summary()`` call is captured (what Keras prints when stdout is not a terminal and
``COLUMNS`` is unset, as ``scripts/record.py`` records the goldens) with the line of the script
that made it. The script's own stdout and stdin are /dev/null.
"""

from __future__ import annotations

from typing import Callable

import json
import os
import socket
import sys
import time
import traceback

SCRIPT, OUT = "", ""  # the script being run and where its JSON goes (set per script)
REPO_ROOT: str | None = None  # the materialised repository's root, appended to sys.path
STARTED = time.time()
EVENTS: list[dict] = []
STUBBED: list[str] = []  # what the stubs did (downloads refused, data generated...), in order


class NetworkDisabled(OSError):
    """Raised when the script opens a network connection: recordings are offline."""


def _no_network(*args, **kwargs):
    raise NetworkDisabled("network access is disabled while recording")


socket.socket.connect = _no_network
socket.socket.connect_ex = _no_network
socket.create_connection = _no_network

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["CUDA_VISIBLE_DEVICES"] = "-1"
os.environ["MPLBACKEND"] = "Agg"


def script_line(frame=None) -> int | None:
    frame = frame or sys._getframe(1)
    while frame is not None:
        if os.path.abspath(frame.f_code.co_filename) == SCRIPT:
            return frame.f_lineno
        frame = frame.f_back
    return None


def note(what: str) -> None:
    line = script_line(sys._getframe(1))
    entry = f"line {line}: {what}" if line else what
    if entry not in STUBBED:
        STUBBED.append(entry)


# A module the replaced functions reach through sys.modules (their globals are Keras's).
sys.modules["_kc_record"] = sys.modules[__name__]

import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402,F401
from keras.src.models.model import Model  # noqa: E402


# -- datasets -------------------------------------------------------------------------------------
def _labels(count, classes, dtype, column=False):
    """Labels that take every class, as the real ones do (``len(np.unique(y))``, ``max(y) + 1`` and
    ``to_categorical`` then give the real number of classes); images and features stay zeros."""
    import numpy as np
    y = (np.arange(count) % classes).astype(dtype)
    return y.reshape(count, 1) if column else y


def _mnist(path="mnist.npz"):
    import numpy as np
    rec = __import__("_kc_record")
    rec.note("keras.datasets.mnist.load_data() stubbed with zeros")
    return ((np.zeros((60000, 28, 28), "uint8"), rec._labels(60000, 10, "uint8")),
            (np.zeros((10000, 28, 28), "uint8"), rec._labels(10000, 10, "uint8")))


def _fashion_mnist():
    import numpy as np
    rec = __import__("_kc_record")
    rec.note("keras.datasets.fashion_mnist.load_data() stubbed with zeros")
    return ((np.zeros((60000, 28, 28), "uint8"), rec._labels(60000, 10, "uint8")),
            (np.zeros((10000, 28, 28), "uint8"), rec._labels(10000, 10, "uint8")))


def _cifar10():
    import numpy as np
    from keras.src import backend
    rec = __import__("_kc_record")
    rec.note("keras.datasets.cifar10.load_data() stubbed with zeros")
    image = (32, 32, 3) if backend.image_data_format() == "channels_last" else (3, 32, 32)
    return ((np.zeros((50000, *image), "uint8"), rec._labels(50000, 10, "uint8", column=True)),
            (np.zeros((10000, *image), "uint8"), rec._labels(10000, 10, "uint8", column=True)))


def _cifar100(label_mode="fine"):
    import numpy as np
    from keras.src import backend
    if label_mode not in ("fine", "coarse"):
        raise ValueError('`label_mode` must be one of `"fine"`, `"coarse"`. '
                         f"Received: label_mode={label_mode}.")
    rec = __import__("_kc_record")
    rec.note("keras.datasets.cifar100.load_data() stubbed with zeros")
    image = (32, 32, 3) if backend.image_data_format() == "channels_last" else (3, 32, 32)
    classes = 100 if label_mode == "fine" else 20
    return ((np.zeros((50000, *image), "uint8"), rec._labels(50000, classes, "int64", column=True)),
            (np.zeros((10000, *image), "uint8"), rec._labels(10000, classes, "int64", column=True)))


def _ragged(count, maxlen, start_char, top):
    """``count`` sequences of one length (min(maxlen, 100)); the first holds the largest word index
    the real data can hold (``top``), so ``max(max(s) for s in x)`` is about the real vocabulary."""
    import numpy as np
    length = min(maxlen, 100) if maxlen else 100
    first = [] if start_char is None else [start_char]
    seqs = np.empty((count,), dtype="object")
    for i in range(count):
        seqs[i] = (first + [2] * length)[:length]
    if count:
        seqs[0] = (first + [top] + [2] * length)[:length]
    return seqs


def _imdb(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
          index_from=3, **kwargs):
    rec = __import__("_kc_record")
    rec.note("keras.datasets.imdb.load_data() stubbed with zeros (sequence lengths are not the real ones)")
    top = num_words - 1 if num_words else 88584 + index_from
    return ((rec._ragged(25000, maxlen, start_char, top), rec._labels(25000, 2, "int64")),
            (rec._ragged(25000, maxlen, start_char, top), rec._labels(25000, 2, "int64")))


def _reuters(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113,
             start_char=1, oov_char=2, index_from=3, **kwargs):
    rec = __import__("_kc_record")
    rec.note("keras.datasets.reuters.load_data() stubbed with zeros (sequence lengths are not the real ones)")
    idx = int(11228 * (1 - test_split))
    top = num_words - 1 if num_words else 30979 + index_from
    return ((rec._ragged(idx, maxlen, start_char, top), rec._labels(idx, 46, "int64")),
            (rec._ragged(11228 - idx, maxlen, start_char, top), rec._labels(11228 - idx, 46, "int64")))


def _word_index(path="word_index.json"):
    __import__("_kc_record").note("get_word_index() stubbed with {}")
    return {}


def _boston(path="boston_housing.npz", test_split=0.2, seed=113):
    import numpy as np
    if not (0 <= test_split < 1):
        raise ValueError(f"Invalid `test_split` argument: {test_split}. It must be between 0 and 1.")
    __import__("_kc_record").note("keras.datasets.boston_housing.load_data() stubbed with zeros")
    n = int(506 * (1 - test_split))
    return ((np.zeros((n, 13), "float64"), np.zeros((n,), "float64")),
            (np.zeros((506 - n, 13), "float64"), np.zeros((506 - n,), "float64")))


def _california(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    import numpy as np
    if not (0 <= test_split < 1):
        raise ValueError(f"Invalid `test_split` argument: {test_split}. It must be between 0 and 1.")
    if version not in ("small", "large"):
        raise ValueError(f"Argument `version` must be one of 'small', 'large'. Received: version={version}")
    __import__("_kc_record").note("keras.datasets.california_housing.load_data() stubbed with zeros")
    total = 600 if version == "small" else 20640
    n = int(total * (1 - test_split))
    return ((np.zeros((n, 8), "float32"), np.zeros((n,), "float32")),
            (np.zeros((total - n, 8), "float32"), np.zeros((total - n,), "float32")))


def _get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
              hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None, force_download=False,
              **kwargs):
    import os
    import tempfile
    rec = __import__("_kc_record")
    name = fname or os.path.basename(str(origin or "download").split("?")[0]) or "download"
    rec.note(f"keras.utils.get_file({name!r}) downloaded nothing")
    return os.path.join(tempfile.gettempdir(), "kc-offline-downloads", cache_subdir or "", str(name))


def _replace_code(function, stub) -> None:
    function.__code__ = stub.__code__
    function.__defaults__ = stub.__defaults__
    function.__kwdefaults__ = stub.__kwdefaults__


def _install_dataset_stubs() -> None:
    import importlib
    for module, attr, stub in (
        ("keras.src.datasets.mnist", "load_data", _mnist),
        ("keras.src.datasets.fashion_mnist", "load_data", _fashion_mnist),
        ("keras.src.datasets.cifar10", "load_data", _cifar10),
        ("keras.src.datasets.cifar100", "load_data", _cifar100),
        ("keras.src.datasets.imdb", "load_data", _imdb),
        ("keras.src.datasets.imdb", "get_word_index", _word_index),
        ("keras.src.datasets.reuters", "load_data", _reuters),
        ("keras.src.datasets.reuters", "get_word_index", _word_index),
        ("keras.src.datasets.boston_housing", "load_data", _boston),
        ("keras.src.datasets.california_housing", "load_data", _california),
        ("keras.src.utils.file_utils", "get_file", _get_file),
    ):
        try:
            function = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError):
            continue
        _replace_code(function, stub)


# -- training, saving, plotting ----------------------------------------------------------------------
def _first_batch(data, n=2):
    """The first ``n`` samples of fit's ``x``/``y`` as arrays, or None when that would need I/O."""
    if data is None:
        return None
    if isinstance(data, dict):
        return {k: _first_batch(v, n) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return type(data)(_first_batch(v, n) for v in data)
    if hasattr(data, "shape") and hasattr(data, "__getitem__"):
        return data[:n]
    raise TypeError("not an array")


def _build_like_fit(model, x, y=None) -> None:
    """What fit does before its first step: build the model, compiled metrics/loss and optimizer.
    An error in that build is raised, as the real call raises it (the real TF trainer meets it when it
    traces the train step: the original exception, not the RuntimeError _symbolic_build wraps it in);
    data this stub cannot take a batch from (a generator, a file-backed dataset) only leaves a note."""
    try:
        if isinstance(x, tf.data.Dataset):
            batch = next(iter(x.take(1)))
        elif hasattr(x, "__getitem__") and hasattr(x, "__len__") and hasattr(x, "on_epoch_end"):
            batch = x[0]  # a PyDataset / Sequence
        else:
            batch = (_first_batch(x), _first_batch(y)) if y is not None else (_first_batch(x),)
    except Exception as exc:  # noqa: BLE001 - data we cannot batch: the model stays as it is
        note(f"fit stub could not take a batch from the data ({type(exc).__name__})")
        return
    own_step = any("train_step" in vars(k) for k in type(model).__mro__ if not k.__module__.startswith("keras."))
    if own_step:
        # A model with its own train_step: the real fit runs that, not model(x); build nothing here.
        note("fit stub: the model has its own train_step; not built from the data")
        return
    try:
        model._symbolic_build(data_batch=batch)
    except RuntimeError as exc:
        note("fit stub: building the model raised, as the real call would")
        if "Unable to automatically build" in str(exc) and exc.__context__ is not None:
            raise exc.__context__ from None
        raise
    except Exception:
        note("fit stub: building the model raised, as the real call would")
        raise
    optimizer = getattr(model, "optimizer", None)
    try:
        if optimizer is not None and not optimizer.built:
            optimizer.build(model.trainable_variables)
    except Exception:  # noqa: BLE001
        pass


class _History(dict):
    def __init__(self, epochs):
        super().__init__()
        self.epochs = epochs

    def __missing__(self, key):
        value = [0.0] * self.epochs
        self[key] = value
        return value


def _fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
         validation_data=None, *args, **kwargs):
    note("Model.fit stubbed")
    _build_like_fit(self, x, y)
    history = keras.callbacks.History()
    history.set_model(self)
    epochs = max(int(epochs or 1) - int(kwargs.get("initial_epoch", 0) or 0), 1)
    history.epoch = list(range(epochs))
    history.history = _History(epochs)
    logs = _metric_logs(self)
    for name in logs:
        history.history[name]
    if validation_data is not None or validation_split:
        for name in logs:
            history.history["val_" + name]
    self.history = history
    return history


def _samples(x) -> int:
    try:
        if isinstance(x, dict):
            x = next(iter(x.values()))
        elif isinstance(x, (list, tuple)):
            x = x[0]
        return int(x.shape[0])
    except Exception:  # noqa: BLE001
        return 1


def _zeros_like_output(model, n):
    try:
        outputs = model.outputs
        if outputs:
            shapes = [tuple(o.shape[1:]) for o in outputs]
            zeros = [np.zeros((n, *[d or 1 for d in s]), "float32") for s in shapes]
            return zeros[0] if len(zeros) == 1 else zeros
    except Exception:  # noqa: BLE001
        pass
    return np.zeros((n, 1), "float32")


def _predict(self, x=None, *args, **kwargs):
    note("Model.predict stubbed")
    return _zeros_like_output(self, _samples(x))


def _metric_logs(model) -> dict:
    """The names a real evaluate/fit would log (loss and each compiled metric), all 0.0."""
    try:
        names = list(model.get_metrics_result().keys())
    except Exception:  # noqa: BLE001
        names = []
    return {name: 0.0 for name in (names or ["loss"])}


def _metric_values(model, logs: dict, return_dict: bool):
    if return_dict:
        return logs
    try:
        return model._flatten_metrics_in_order(logs)
    except Exception:  # noqa: BLE001
        values = list(logs.values())
        return values[0] if len(values) == 1 else values


def _evaluate(self, x=None, y=None, *args, **kwargs):
    note("Model.evaluate stubbed")
    _build_like_fit(self, x, y)
    return _metric_values(self, _metric_logs(self), kwargs.get("return_dict", False))


def _train_on_batch(self, x=None, y=None, *args, **kwargs):
    note("Model.train_on_batch stubbed")
    _build_like_fit(self, x, y)
    return _metric_values(self, _metric_logs(self), kwargs.get("return_dict", False))


def _predict_on_batch(self, x, *args, **kwargs):
    note("Model.predict_on_batch stubbed")
    return _zeros_like_output(self, _samples(x))


def _nothing(label):
    def stub(*args, **kwargs):
        note(f"{label} stubbed")
        return None
    return stub


def _install_model_stubs() -> None:
    Model.fit = _fit
    Model.evaluate = _evaluate
    Model.predict = _predict
    Model.train_on_batch = _train_on_batch
    Model.test_on_batch = _evaluate
    Model.predict_on_batch = _predict_on_batch
    Model.save = _nothing("Model.save")
    Model.save_weights = _nothing("Model.save_weights")
    Model.load_weights = _nothing("Model.load_weights")
    try:
        from keras.src.utils import model_visualization
        _replace_code(model_visualization.plot_model, _plot_model)
    except (ImportError, AttributeError):
        pass


def _plot_model(model, to_file="model.png", *args, **kwargs):
    __import__("_kc_record").note("plot_model stubbed")
    return None


def _install_plot_stubs() -> None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        plt.show = lambda *a, **k: None
        plt.pause = lambda *a, **k: None
        plt.savefig = lambda *a, **k: None
    except Exception:  # noqa: BLE001 - no matplotlib: the script's import says so
        pass


# -- summaries ------------------------------------------------------------------------------------
ORIGINAL_SUMMARY = Model.summary


def _summary(self, *args, **kwargs):
    line = script_line(sys._getframe(1))
    user_print = kwargs.pop("print_fn", None)
    chunks: list[str] = []

    def print_fn(text, *a, **k):
        chunks.append(text)
        if user_print is not None:
            user_print(text, *a, **k)

    try:
        ORIGINAL_SUMMARY(self, *args, print_fn=print_fn, **kwargs)
    except BaseException as exc:
        EVENTS.append({"line": line, "model": getattr(self, "name", None), "text": "".join(chunks),
                       "raised": f"{type(exc).__name__}: {exc}"[:500]})
        raise
    EVENTS.append({"line": line, "model": self.name, "text": "".join(chunks)})
    _write({"status": "running"})  # what a timeout leaves is still the truth up to here


def _describe(exc: BaseException) -> dict:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if os.path.abspath(f.filename) == SCRIPT]
    return {"type": type(exc).__name__, "message": str(exc)[:1000], "line": frames[-1].lineno if frames else None,
            "module": type(exc).__module__}


def _write(result: dict) -> None:
    result.update({"summaries": EVENTS, "stubbed": STUBBED[:50], "seconds": round(time.time() - STARTED, 2),
                   "keras": keras.__version__, "tensorflow": tf.__version__})
    with open(OUT + ".tmp", "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1, ensure_ascii=False)
    os.replace(OUT + ".tmp", OUT)


def run_script(script: str, out: str, repo_root: str | None = None) -> None:
    """In the process that runs it (a fresh fork, or this one): run ``script``, record into ``out``."""
    global SCRIPT, OUT, STARTED, REPO_ROOT
    SCRIPT, OUT, STARTED, REPO_ROOT = os.path.abspath(script), out, time.time(), repo_root
    EVENTS.clear()
    STUBBED.clear()
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    sys.stdin = open(os.devnull, encoding="utf-8")
    sys.stdout = open(os.devnull, "w", encoding="utf-8")
    folder = os.path.dirname(SCRIPT)
    os.chdir(folder)
    sys.path.insert(0, folder)
    if REPO_ROOT:  # the repository's own packages, as if installed (``import tcn`` from tasks/)
        sys.path.append(REPO_ROOT)
    sys.argv = [SCRIPT]
    # Record whatever has been seen so far if the parent's timeout kills us.
    _write({"status": "running"})
    try:
        with open(SCRIPT, "rb") as f:
            code = compile(f.read(), SCRIPT, "exec", dont_inherit=True)
        namespace = {"__name__": "__main__", "__file__": SCRIPT, "__builtins__": __builtins__}
        exec(code, namespace)
        result = {"status": "ok"}
    except SystemExit as exc:
        result = {"status": "ok"} if exc.code in (None, 0) else {"status": "raised", "error": _describe(exc)}
    except BaseException as exc:  # noqa: BLE001 - the script's own exception is the result
        result = {"status": "raised", "error": _describe(exc)}
    _write(result)


def prepare() -> None:
    _install_dataset_stubs()
    _install_model_stubs()
    _install_plot_stubs()
    Model.summary = _summary


def serve() -> None:
    """One request per line on stdin; each script runs in a fork of this prepared process."""
    prepare()
    fork_server({"ready": True}, lambda request: run_script(request["script"], request["out"], request.get("root")),
                default_timeout=120)


def fork_server(ready: dict, run: "Callable[[dict], None]", default_timeout: float) -> None:
    """Answer ``ready`` on stdout, then run each JSON request of stdin in a fork of this process
    (``run(request)``), killed past its ``timeout``; one JSON reply per request: done, crashed or
    timeout, with the seconds taken. Shared with scripts/record_keras2.py."""
    import signal

    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    replies.write(json.dumps(ready) + "\n")
    replies.flush()
    for line in sys.stdin:
        request = json.loads(line)
        started = time.time()
        pid = os.fork()
        if pid == 0:
            try:
                run(request)
            finally:
                os._exit(0)
        deadline = started + float(request.get("timeout", default_timeout))
        reply = {"status": "done"}
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                if os.WIFSIGNALED(status) or os.WEXITSTATUS(status) != 0:
                    reply = {"status": "crashed", "exit": status}
                break
            if time.time() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                reply = {"status": "timeout"}
                break
            time.sleep(0.05)
        reply["seconds"] = round(time.time() - started, 2)
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


def main() -> None:
    if sys.argv[1:] == ["--serve"]:
        serve()
        return
    prepare()
    run_script(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)


if __name__ == "__main__":
    main()
