"""Differential test of the layer registry against real Keras, on Hypothesis-generated cases.

    /work/tfenv/bin/python scripts/differential.py [--family conv ...] [--examples 200] [--seed 0]
        [--per-layer N] [--show 5] [--save fixtures/layers/generated/{family}.json]

For each family in ``scripts/strategies/`` (auto-discovered; see its README.md) it draws
``--examples`` cases ``(class_name, args, kwargs, input_shape)`` with a fixed Hypothesis seed,
builds each layer in real Keras (after ``keras.backend.clear_session()``, so names are the bare
automatic ones) on ``keras.Input(batch_shape=input_shape)``, and asks the engine the same question
in the same process. It compares:

- the automatic name (``layer.name`` vs the spec's name);
- the output shape(s), the trainable and non-trainable parameter counts;
- errors both ways: Keras raising (exception type and message, and whether it came from the
  constructor or the call) vs the engine's ``KerasError`` (``kind``, ``message``).

Error messages are compared after two normalisations:

- Keras wraps an exception raised inside ``Layer.call()`` (typically from ``compute_output_shape``)
  as ``Exception encountered when calling X.call().\\n\\n\\x1b[1m<inner>\\x1b[0m\\n\\nArguments received
  by X.call(): ... <KerasTensor ... name=keras_tensor_3> ...``. The tensor reprs depend on the
  session, so the wrapper is stripped (repeatedly, for wrappers inside wrappers) and only the inner
  message is compared; the engine raises the inner message. Recordings store the inner message
  and name the wrapper in ``error["wrapped"]``.
- Object addresses (``<... object at 0x7f3a...>``) become ``at 0x...``.

An engine error marked inexact (``KerasError(exact=False)``: Keras's message embeds text the engine
cannot print, such as a serialized config) matches when Keras's message fits its template, each
``…`` standing for the unprintable part (``kerascheck.shapes.base.message_matches``).

Each case ends in one status: ``agree``; ``mismatch`` (a confident wrong answer: a different shape,
count, name, error or no error, or an error raised at another stage; or the engine crashed with a
Python exception); ``known`` (a mismatch matching a family's ``KNOWN_MISMATCHES`` or the shared
list in ``strategies/_common.py``: a bug already reported to the code's owner); ``unknown`` (the
engine raised ``Unresolvable``: imprecise, not wrong; for a case marked ``unresolvable`` that is
the right answer); ``unsupported`` (the class is not in the registry); ``bad-example``
(``keras.Input`` rejected the generated shape: a strategy bug).

``--save`` writes the cases in the format ``tests/test_layer_cases.py`` replays (the one
``scripts/record_layers.py`` writes); a ``{family}`` in the path is replaced by each family's name.
Cases the engine does not get right are kept, marked ``"xfail": "<why>"`` (the replay marks them
xfail, non-strict), so the corpus shows what is left and replays green without TensorFlow.

The engine side (``run_engine``, ``compare``) imports neither TensorFlow nor Keras; only
``run_keras`` and ``main`` need the TF environment.
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import os
import re
import sys
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _p in (ROOT, ROOT / "scripts"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

Case = tuple  # (class_name, args, kwargs, input_shape)

STATUSES = ("agree", "mismatch", "known", "unknown", "unsupported", "bad-example")


# -- the case record (the JSON format of fixtures/layers/*.json) -----------------------------------

def record_of(case: Case) -> dict:
    """The case part of a recording: repr keeps tuples as tuples; the replay reads them with literal_eval.

    A case may carry a fifth element, the options of ``scripts/record_layers.py``: ``dtype`` (of the
    ``keras.Input``) and ``unresolvable`` (the engine must answer "unknown" here).
    """
    class_name, args, kwargs, input_shape = case[:4]
    options = case[4] if len(case) > 4 else {}
    rec = {"layer": class_name, "args": repr(list(args)), "kwargs": repr(kwargs), "input_shape": repr(input_shape)}
    if options.get("dtype") is not None:
        rec["input_dtype"] = options["dtype"]
    if options.get("unresolvable"):
        rec["unresolvable"] = options["unresolvable"]
    return rec


def layers_in(class_name: str, args, kwargs) -> set[str]:
    """The registry classes a case constructs: the layer, the layers passed to it (wrapped layers,
    cells, a Pipeline's list, nestable) and the StackedRNNCells an ``RNN([cells])`` makes. Aliases
    count under their class (``MaxPool2D`` is ``MaxPooling2D``); names the registry lacks are left out."""
    from kerascheck.shapes import REGISTRY  # noqa: PLC0415

    def nested(value) -> list[str]:
        if isinstance(value, dict) and isinstance(value.get("layer"), str) and set(value) <= {"layer", "args", "kwargs"}:
            return layers_of(value["layer"], value.get("args", []), value.get("kwargs", {}))
        if isinstance(value, (list, tuple)):
            return [n for v in value for n in nested(v)]
        if isinstance(value, dict):
            return [n for v in value.values() for n in nested(v)]
        return []

    def layers_of(name, a, kw) -> list[str]:
        found = [name] + nested(list(a)) + nested(dict(kw))
        cell = a[0] if a else kw.get("cell")
        if name == "RNN" and isinstance(cell, (list, tuple)):
            found.append("StackedRNNCells")
        return found

    return {REGISTRY[n].__name__ for n in layers_of(class_name, args, kwargs) if n in REGISTRY}


def is_multi(input_shape) -> bool:
    return bool(input_shape) and isinstance(input_shape[0], (list, tuple))


_WRAPPER = re.compile(
    r"\AException encountered when calling (?P<where>[\w.]+\(\))\.\n\n(?:\x1b\[1m)?(?P<inner>.*?)(?:\x1b\[0m)?"
    r"\n\nArguments received by (?P=where):\n.*\Z",
    re.S,
)


def unwrap(message: str) -> tuple[str, str | None]:
    """Strip Keras's ``Exception encountered when calling X.call()`` wrapper: ``(inner, "X.call()")``.

    (keras/src/utils/traceback_utils.py wraps only the innermost failing call; the loop is a guard.)
    """
    outer = None
    while (m := _WRAPPER.match(message)) is not None:
        outer = outer or m.group("where")
        message = m.group("inner")
    return message, outer


def normalize_message(message: str) -> str:
    return re.sub(r" at 0x[0-9a-fA-F]+", " at 0x...", unwrap(message)[0])


# -- Keras side (needs the TF environment) ---------------------------------------------------------

def _import_keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    warnings.filterwarnings("ignore")
    import keras  # noqa: PLC0415

    return keras


def run_keras(case: Case, keras=None) -> dict:
    """Build the layer in real Keras and call it on ``keras.Input(batch_shape=...)``: a recording.

    Mirrors ``scripts/record_layers.py`` (nested layers, ``{"function": src}``, dict inputs passed
    by keyword, flattened nested outputs), except that a call-wrapped message is stored unwrapped.
    """
    keras = keras or _import_keras()
    class_name, args, kwargs, input_shape = case[:4]
    dtype = (case[4] if len(case) > 4 else {}).get("dtype")

    def nested(v):
        if isinstance(v, dict) and isinstance(v.get("layer"), str) and set(v) <= {"layer", "args", "kwargs"}:
            return getattr(keras.layers, v["layer"])(*[nested(a) for a in v.get("args", [])],
                                                     **{k: nested(a) for k, a in v.get("kwargs", {}).items()})
        if isinstance(v, list):
            return [nested(a) for a in v]
        if isinstance(v, dict) and set(v) == {"function"}:
            return eval(v["function"])  # noqa: S307 - source written in a strategy module
        return v

    keras.backend.clear_session()
    rec = record_of(case)
    stage = "constructor"
    try:
        layer = getattr(keras.layers, class_name)(*[nested(a) for a in args], **{k: nested(a) for k, a in kwargs.items()})
        rec["name"] = layer.name
        stage = "input"
        if isinstance(input_shape, dict):
            inputs = {k: keras.Input(batch_shape=tuple(s), dtype=dtype) for k, s in input_shape.items()}
        elif is_multi(input_shape):
            inputs = [keras.Input(batch_shape=tuple(s), dtype=dtype) for s in input_shape]
        else:
            inputs = keras.Input(batch_shape=tuple(input_shape), dtype=dtype)
        stage = "call"
        out = layer(**inputs) if isinstance(inputs, dict) else layer(inputs)
        if isinstance(out, (list, tuple)):
            rec["output_shape"] = [list(t.shape) for t in keras.tree.flatten(out)]
        else:
            rec["output_shape"] = list(out.shape)
        rec["trainable"] = int(sum(math.prod(w.shape) for w in layer.trainable_weights))
        rec["non_trainable"] = int(sum(math.prod(w.shape) for w in layer.non_trainable_weights))
    except Exception as exc:  # noqa: BLE001 - every Keras error is a result
        message, wrapper = unwrap(str(exc))
        rec["error"] = {"stage": stage, "type": type(exc).__name__, "message": message}
        if wrapper:
            rec["error"]["wrapped"] = wrapper
    return rec


# -- engine side (no TensorFlow) -------------------------------------------------------------------

_REPLAY = None


def _replay_helpers():
    """``_nested`` and ``_as_shape`` of ``tests/test_layer_cases.py``: the harness reads a case
    exactly the way the replay test does (the case format evolves there)."""
    global _REPLAY
    if _REPLAY is None:
        import importlib.util  # noqa: PLC0415

        spec = importlib.util.spec_from_file_location("_layer_case_replay", ROOT / "tests" / "test_layer_cases.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _REPLAY = module
    return _REPLAY


def run_engine(rec: dict) -> dict:
    """What the engine says for a recorded case, the way ``tests/test_layer_cases.py`` replays it.

    Returns ``name`` / ``output_shape`` / ``trainable`` / ``non_trainable``, or ``error`` (a
    ``KerasError``, with the stage), ``unknown`` (``Unresolvable``), ``crash`` (any other
    exception: an engine bug) or ``unsupported`` (not in the registry).
    """
    from kerascheck.shapes import REGISTRY, KerasError, Unresolvable  # noqa: PLC0415

    replay = _replay_helpers()
    spec_cls = REGISTRY.get(rec["layer"])
    if spec_cls is None:
        return {"unsupported": f"{rec['layer']} is not in the registry"}
    out: dict[str, Any] = {}
    stage = "constructor"
    try:
        args, kwargs = ast.literal_eval(rec["args"]), ast.literal_eval(rec["kwargs"])
        try:
            positional, keywords = [replay._nested(a) for a in args], {k: replay._nested(a) for k, a in kwargs.items()}
        except KeyError as exc:  # a wrapped layer the registry does not have
            return {"unsupported": f"{exc.args[0]} is not in the registry"}
        spec = spec_cls.bind(positional, keywords)
        out["name"] = spec.layer_name
        stage = "call"
        input_shape = replay._as_shape(ast.literal_eval(rec["input_shape"]), spec_cls)
        shape = spec.compute_output_shape(input_shape)
        weights = spec.build(input_shape)
        out["output_shape"] = [list(s) for s in shape] if isinstance(shape, list) else list(shape)
        trainable = sum(w.size for w in weights if w.trainable and kwargs.get("trainable", True))
        out["trainable"] = trainable
        out["non_trainable"] = sum(w.size for w in weights) - trainable
    except KerasError as exc:
        out = {"name": out["name"]} if "name" in out else {}
        out["error"] = {"stage": stage, "type": exc.kind, "message": exc.message}
        if not exc.exact:  # "…" marks parts of the message the engine cannot print
            out["error"]["exact"] = False
    except Unresolvable as exc:
        out = {"name": out["name"]} if "name" in out else {}
        out["unknown"] = exc.reason
    except Exception as exc:  # noqa: BLE001 - an engine crash is a finding
        tb = exc.__traceback__
        while tb.tb_next is not None:
            tb = tb.tb_next
        where = f"{Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}"
        out = {"name": out["name"]} if "name" in out else {}
        out["crash"] = f"{type(exc).__name__}: {exc} ({where})"
    return out


def _result(r: dict) -> str:
    if "error" in r:
        return f"{r['error']['type']} in {r['error']['stage']}: {r['error']['message']}"
    if "output_shape" in r:
        return f"output {r['output_shape']}, params {r['trainable']}/{r['non_trainable']}"
    for key in ("unknown", "crash", "unsupported"):
        if key in r:
            return f"{key}: {r[key]}"
    return repr(r)


def compare(keras_rec: dict, engine: dict) -> tuple[str, list[str]]:
    """``(status, problems)`` for one case (see the module docstring for the statuses)."""
    if keras_rec.get("error", {}).get("stage") == "input":
        return "bad-example", [f"keras.Input rejected the shape: {keras_rec['error']['message']}"]
    if "unsupported" in engine:
        return "unsupported", [engine["unsupported"]]
    problems = []
    if "crash" in engine:
        problems.append(f"engine crashed: {engine['crash']}\n      keras:  {_result(keras_rec)}")
    if "name" in keras_rec and "name" in engine and keras_rec["name"] != engine["name"]:
        problems.append(f"name: keras {keras_rec['name']!r}, engine {engine['name']!r}")
    constructor_error = keras_rec.get("error", {}).get("stage") == "constructor"
    if keras_rec.get("unresolvable") and "crash" not in engine and not constructor_error:
        # (A constructor error does not depend on that state: it is compared as usual below.)
        # The case says Keras's answer depends on state the analysis cannot see: "unknown" is right.
        if "unknown" not in engine:
            problems.append(f"engine answered where it cannot know ({keras_rec['unresolvable']}): {_result(engine)}")
        return ("mismatch" if problems else "agree"), problems
    if "unknown" in engine or "crash" in engine:
        return ("mismatch" if problems else "unknown"), problems or [f"engine unknown: {engine['unknown']}"]
    k_err, e_err = keras_rec.get("error"), engine.get("error")
    if k_err and e_err:
        from kerascheck.shapes.base import message_matches  # noqa: PLC0415

        same_message = message_matches(normalize_message(e_err["message"]), e_err.get("exact", True),
                                       normalize_message(k_err["message"]))
        if k_err["type"] != e_err["type"] or not same_message:
            problems.append(f"error differs:\n      keras:  {_result(keras_rec)}\n      engine: {_result(engine)}")
        elif k_err["stage"] != e_err["stage"]:
            problems.append(f"error stage: keras raises in the {k_err['stage']}, engine in the {e_err['stage']}")
    elif k_err or e_err:
        problems.append(f"one side raised:\n      keras:  {_result(keras_rec)}\n      engine: {_result(engine)}")
    else:
        if keras_rec["output_shape"] != engine["output_shape"]:
            problems.append(f"output shape: keras {keras_rec['output_shape']}, engine {engine['output_shape']}")
        k_params = (keras_rec["trainable"], keras_rec["non_trainable"])
        e_params = (engine["trainable"], engine["non_trainable"])
        if k_params != e_params:
            problems.append(f"params (trainable, non-trainable): keras {k_params}, engine {e_params}")
    return ("mismatch" if problems else "agree"), problems


def known_issue(case: Case, problems: list[str], known: list[tuple[str, str]]) -> str | None:
    """The description of the first ``KNOWN_MISMATCHES`` entry whose regex matches this mismatch.

    The regex is searched in ``case_repr(case)`` + newline + the problems, one per line.
    """
    text = case_repr(case) + "\n" + "\n".join(problems)
    for pattern, description in known:
        if re.search(pattern, text, re.S):
            return description
    return None


def known_mismatches(module) -> list[tuple[str, str]]:
    """A family's ``KNOWN_MISMATCHES`` plus the shared ones of ``strategies._common``."""
    from strategies import _common  # noqa: PLC0415

    return list(getattr(module, "KNOWN_MISMATCHES", ())) + list(_common.KNOWN_MISMATCHES)


def check(case: Case, keras=None, known: list[tuple[str, str]] = ()) -> tuple[str, list[str], dict, dict]:
    """Run one case on both sides: ``(status, problems, keras_record, engine_result)``.

    A mismatch matching one of ``known`` (a family's ``KNOWN_MISMATCHES``) has status ``known``
    and the matching description appended to its problems.
    """
    keras_rec = run_keras(case, keras)
    engine = run_engine(keras_rec)
    status, problems = compare(keras_rec, engine)
    if status == "mismatch" and (why := known_issue(case, problems, list(known))):
        status, problems = "known", problems + [f"known: {why}"]
    return status, problems, keras_rec, engine


# -- generation ------------------------------------------------------------------------------------

def generate(strategy, examples: int, seed: int) -> list[Case]:
    """``examples`` cases drawn by Hypothesis with a fixed seed (deterministic, no database)."""
    from hypothesis import HealthCheck, Phase, given, settings  # noqa: PLC0415
    from hypothesis import seed as hseed  # noqa: PLC0415

    drawn: list[Case] = []

    @hseed(seed)
    @settings(max_examples=examples, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(case):
        drawn.append(case)

    collect()
    return drawn


def case_repr(case: Case) -> str:
    class_name, args, kwargs, input_shape = case[:4]
    options = f", {case[4]!r}" if len(case) > 4 else ""
    return f"({class_name!r}, {list(args)!r}, {kwargs!r}, {input_shape!r}{options})"


def per_layer_cases(module, examples: int, seed: int, per_layer: int) -> list[Case]:
    """The ``examples`` draws of ``seed`` (distinct), then more until each class of the family's
    ``LAYERS`` is in at least ``per_layer`` cases: rounds of ``examples`` draws (seeds ``seed + 1``
    ... ; at most 20 rounds in all) of which a case is kept only while one of its classes still
    needs cases."""
    from kerascheck.shapes import REGISTRY  # noqa: PLC0415

    target = {REGISTRY[n].__name__ for n in getattr(module, "LAYERS", ()) if n in REGISTRY}
    counts = dict.fromkeys(target, 0)
    kept, seen = [], set()
    for round_ in range(20):
        for case in generate(module.cases, examples, seed + round_):
            key = json.dumps(record_of(case), sort_keys=True)
            classes = layers_in(*case[:3]) & target
            needed = round_ == 0 or not target or any(counts[c] < per_layer for c in classes)
            if key in seen or not needed:
                continue
            seen.add(key)
            kept.append(case)
            for c in classes:
                counts[c] += 1
        if all(n >= per_layer for n in counts.values()):
            break
    return kept


def run_family(name: str, module, examples: int, seed: int, keras, per_layer: int = 0) -> dict:
    started = time.monotonic()
    cases = per_layer_cases(module, examples, seed, per_layer) if per_layer else generate(module.cases, examples, seed)
    seen, rows = set(), []
    for case in cases:
        key = json.dumps(record_of(case), sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        status, problems, keras_rec, engine = check(case, keras, known_mismatches(module))
        rows.append({"case": case, "status": status, "problems": problems, "keras": keras_rec, "engine": engine})
    return {"family": name, "rows": rows, "drawn": len(cases), "seconds": time.monotonic() - started}


def print_report(results: list[dict], show: int) -> None:
    header = f"{'family':<16}{'cases':>7}{'agree':>7}{'mismatch':>10}{'known':>7}{'unknown':>9}{'unsupp.':>9}{'bad-ex':>8}{'keras raised':>14}{'time':>8}"
    print(header)
    print("-" * len(header))
    totals = {s: 0 for s in STATUSES}
    total_cases = total_raised = 0
    for res in results:
        rows = res["rows"]
        counts = {s: sum(r["status"] == s for r in rows) for s in STATUSES}
        raised = sum("error" in r["keras"] for r in rows)
        for s in STATUSES:
            totals[s] += counts[s]
        total_cases += len(rows)
        total_raised += raised
        print(f"{res['family']:<16}{len(rows):>7}{counts['agree']:>7}{counts['mismatch']:>10}{counts['known']:>7}{counts['unknown']:>9}"
              f"{counts['unsupported']:>9}{counts['bad-example']:>8}{raised:>8} ({100 * raised // max(len(rows), 1):>2}%)"
              f"{res['seconds']:>7.1f}s")
    if len(results) > 1:
        print("-" * len(header))
        print(f"{'total':<16}{total_cases:>7}{totals['agree']:>7}{totals['mismatch']:>10}{totals['known']:>7}{totals['unknown']:>9}"
              f"{totals['unsupported']:>9}{totals['bad-example']:>8}{total_raised:>8} ({100 * total_raised // max(total_cases, 1):>2}%)")
    for res in results:
        for status in ("mismatch", "known", "bad-example", "unknown"):
            bad = [r for r in res["rows"] if r["status"] == status]
            if not bad or show <= 0:
                continue
            groups: dict[str, list[dict]] = {}
            for r in bad:
                groups.setdefault(signature(r), []).append(r)
            print(f"\n{res['family']}: {len(bad)} {status} case(s) of {len(groups)} kind(s); "
                  f"the first case of each of the first {min(show, len(groups))}:")
            for rows in list(groups.values())[:show]:
                r = rows[0]
                print(f"  [{len(rows)}x] {case_repr(r['case'])}")
                for p in r["problems"]:
                    print(f"    - {p}")


def signature(row: dict) -> str:
    """Groups cases that fail the same way: the class and the first problem with numbers blanked."""
    first = row["problems"][0] if row["problems"] else ""
    first = re.sub(r"'[^']*'|\d+", "#", first.split("\n")[0] + " " + "".join(first.split("\n")[1:2]))
    return f"{row['case'][0]}: {first}"


def print_errors(results: list[dict]) -> None:
    """Which Keras errors the cases reach (message prefixes, counted): how well invalid cases spread."""
    for res in results:
        counts: dict[str, int] = {}
        for r in res["rows"]:
            err = r["keras"].get("error")
            if err:
                key = f"{r['case'][0]}: {err['type']}: {re.sub(r'[0-9]+', '#', err['message'])[:90]}"
                counts[key] = counts.get(key, 0) + 1
        print(f"\n{res['family']}: Keras errors reached ({len(counts)} kinds)")
        for key, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            print(f"  {n:>4}  {key}")


def save(res: dict, path: Path, keras_version: str, argv: list[str]) -> int:
    cases = []
    for r in res["rows"]:
        if r["status"] in ("bad-example", "unsupported"):
            continue
        rec = dict(r["keras"])
        if r["status"] != "agree":
            rec["xfail"] = f"{r['status']}: " + "; ".join(p.replace("\n      ", " / ") for p in r["problems"])
        cases.append(rec)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"keras": keras_version, "generated_by": "scripts/differential.py " + " ".join(argv), "cases": cases}
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    return len(cases)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    import strategies  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--family", action="append", help="a family (module of scripts/strategies/); repeatable; default all")
    parser.add_argument("--examples", type=int, default=200, help="Hypothesis examples per family (default 200)")
    parser.add_argument("--seed", type=int, default=0, help="Hypothesis seed (default 0)")
    parser.add_argument("--per-layer", type=int, default=0,
                        help="after the --examples draws, draw more (seeds seed+1 ...) until every class of a family's "
                             "LAYERS is in this many distinct cases; cases of layers that have enough are skipped")
    parser.add_argument("--show", type=int, default=5, help="mismatches shown per family (default 5)")
    parser.add_argument("--errors", action="store_true", help="also list the Keras errors the cases reach")
    parser.add_argument("--save", help="write the cases as a recording; '{family}' in the path is replaced")
    parser.add_argument("--list", action="store_true", help="list the families and exit")
    opts = parser.parse_args(argv)
    if opts.list:
        print("\n".join(strategies.family_names()))
        return 0

    names = opts.family or strategies.family_names()
    if opts.save and len(names) > 1 and "{family}" not in opts.save:
        parser.error("--save with several families needs '{family}' in the path")
    unknown = sorted(set(names) - set(strategies.family_names()))
    if unknown:
        parser.error(f"no such family: {', '.join(unknown)} (have {', '.join(strategies.family_names())})")
    keras = _import_keras()
    results = []
    broken = []
    for name in names:
        try:
            res = run_family(name, strategies.load(name), opts.examples, opts.seed, keras, opts.per_layer)
        except Exception as exc:  # noqa: BLE001 - a broken strategy module must not stop the others
            broken.append(name)
            print(f"{name}: the strategy failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        results.append(res)
        print(f"{name}: {len(res['rows'])} cases, {sum(r['status'] == 'mismatch' for r in res['rows'])} mismatches, "
              f"{res['seconds']:.0f}s", file=sys.stderr, flush=True)
        if opts.save:
            path = Path(opts.save.replace("{family}", name))
            how = ["--family", name, "--examples", str(opts.examples), "--seed", str(opts.seed)]
            n = save(res, path, keras.__version__, how + (["--per-layer", str(opts.per_layer)] if opts.per_layer else []))
            print(f"{name}: {n} cases -> {path}", file=sys.stderr)
    per = f", at least {opts.per_layer} cases per layer" if opts.per_layer else ""
    print(f"keras {keras.__version__}, seed {opts.seed}, {opts.examples} examples per family{per}\n")
    print_report(results, opts.show)
    if opts.errors:
        print_errors(results)
    if broken:
        print(f"\nstrategy modules that failed: {', '.join(broken)}")
    return 1 if broken or any(r["status"] == "mismatch" for res in results for r in res["rows"]) else 0


if __name__ == "__main__":
    sys.exit(main())
