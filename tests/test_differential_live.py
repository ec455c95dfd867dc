"""Fresh Hypothesis examples of every strategy family, compared live with real Keras.

``test_family_agrees_with_keras`` runs only where TensorFlow is importable (the ``verify`` extra)
and Hypothesis is installed; it is skipped otherwise (CI replays the saved corpora in
``fixtures/layers/generated/`` instead, through ``tests/test_layer_cases.py``). Each run draws new
examples (no seed, no example database), so a machine with TensorFlow checks cases nobody has
looked at before; a failure is shrunk by Hypothesis to a small case, printed with the Keras and
engine answers. ``KERASCHECK_LIVE_EXAMPLES`` sets the examples per family (default 20).

The other tests check the harness's own comparison logic and need neither TensorFlow nor
Hypothesis. Families and the comparison live in ``scripts/strategies/`` and
``scripts/differential.py``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

import differential  # noqa: E402  (imports neither TensorFlow nor Hypothesis)

EXAMPLES = int(os.environ.get("KERASCHECK_LIVE_EXAMPLES", "20"))
FAMILIES = sorted(p.stem for p in (SCRIPTS / "strategies").glob("*.py") if not p.stem.startswith("_"))


@pytest.mark.parametrize("family", FAMILIES)
def test_family_agrees_with_keras(family):
    pytest.importorskip("tensorflow")
    pytest.importorskip("hypothesis")
    from hypothesis import HealthCheck, given, settings

    import strategies

    keras = differential._import_keras()
    module = strategies.load(family)
    known = differential.known_mismatches(module)

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=module.cases)
    def agrees(case):
        # "unknown" (the engine says it cannot know) and "unsupported" (not in the registry yet)
        # are not wrong answers; a confident wrong answer or a bad example fails.
        status, problems, _, _ = differential.check(case, keras, known)
        assert status not in ("mismatch", "bad-example"), "\n".join(
            [f"{status}: {differential.case_repr(case)}", *problems])

    agrees()


WRAPPED = (
    "Exception encountered when calling Reshape.call().\n\n\x1b[1mThe total size of the tensor must be "
    "unchanged. Received: input_shape=(3, 4), target_shape=(7,)\x1b[0m\n\nArguments received by "
    "Reshape.call():\n  • args=('<KerasTensor shape=(None, 3, 4), dtype=float32, sparse=False, "
    "ragged=False, name=keras_tensor>',)\n  • kwargs=<class 'inspect._empty'>"
)


def test_call_wrapper_is_stripped_to_the_inner_message():
    inner = "The total size of the tensor must be unchanged. Received: input_shape=(3, 4), target_shape=(7,)"
    assert differential.unwrap(WRAPPED) == (inner, "Reshape.call()")
    # Only the innermost failing call is wrapped (keras/src/utils/traceback_utils.py).
    assert differential.unwrap(WRAPPED.replace("Arguments received by Reshape", "Arguments received by X"))[1] is None
    assert differential.unwrap("plain message") == ("plain message", None)
    assert differential.normalize_message("<Dense object at 0x7f3a9c>") == "<Dense object at 0x...>"


def _engine(case):
    return differential.run_engine(differential.record_of(case))


def test_engine_side_reads_cases_like_the_replay_test():
    assert _engine(("Dense", [4], {}, (None, 3))) == {
        "name": "dense", "output_shape": [None, 4], "trainable": 16, "non_trainable": 0}
    assert _engine(("Dense", [4], {"trainable": False}, (None, 3)))["non_trainable"] == 16
    err = _engine(("Dense", [0], {}, (None, 3)))["error"]
    assert (err["stage"], err["type"]) == ("constructor", "ValueError")
    assert "unsupported" in _engine(("NoSuchLayer", [], {}, (None, 3)))


def test_compare_statuses():
    keras_ok = {"name": "dense", "output_shape": [None, 4], "trainable": 16, "non_trainable": 0}
    assert differential.compare(keras_ok, dict(keras_ok)) == ("agree", [])
    status, problems = differential.compare(keras_ok, {**keras_ok, "output_shape": [None, 5]})
    assert status == "mismatch" and "output shape" in problems[0]
    assert differential.compare(keras_ok, {"name": "dense", "unknown": "why"})[0] == "unknown"
    assert differential.compare(keras_ok, {"name": "dense_1", "unknown": "why"})[0] == "mismatch"
    keras_err = {"name": "x", "error": {"stage": "call", "type": "ValueError", "message": WRAPPED}}
    inner = differential.unwrap(WRAPPED)[0]
    assert differential.compare(keras_err, {"name": "x", "error": {"stage": "call", "type": "ValueError", "message": inner}})[0] == "agree"
    assert differential.compare(keras_err, {"name": "x", "error": {"stage": "constructor", "type": "ValueError", "message": inner}})[0] == "mismatch"
    assert differential.compare(keras_err, keras_ok)[0] == "mismatch"
    unresolvable = {**keras_ok, "unresolvable": "depends on adapt()"}
    assert differential.compare(unresolvable, {"name": "dense", "unknown": "why"})[0] == "agree"
    assert differential.compare(unresolvable, dict(keras_ok))[0] == "mismatch"
    assert differential.compare({"error": {"stage": "input", "type": "ValueError", "message": "m"}}, {})[0] == "bad-example"


def test_known_mismatch_matches_case_and_problems():
    known = [(r"\A\('Dense'.*params", "reported")]
    case = ("Dense", [4], {}, (None, 3))
    assert differential.known_issue(case, ["params (trainable, non-trainable): ..."], known) == "reported"
    assert differential.known_issue(case, ["output shape: ..."], known) is None


def test_inexact_engine_message_matches_only_its_template():
    """An engine error with ``exact: False`` (Keras's message embeds something the engine cannot
    print, such as a serialized config) matches where "…" stands for that part, nowhere else."""
    keras_err = {"name": "b", "error": {"stage": "constructor", "type": "TypeError",
                                        "message": "<class 'keras.src.layers.x.Conv1D'> could not be deserialized "
                                                   "properly. config={'a': 1}. Unrecognized: {'go_backwards': True}"}}
    template = "<class 'keras.src.layers.…Conv1D'> could not be deserialized properly. config=…. Unrecognized: …"
    engine = {"name": "b", "error": {"stage": "constructor", "type": "TypeError", "message": template, "exact": False}}
    assert differential.compare(keras_err, engine)[0] == "agree"
    wrong = {"name": "b", "error": {**engine["error"], "message": template.replace("Conv1D", "Dense")}}
    assert differential.compare(keras_err, wrong)[0] == "mismatch"
    exact = {"name": "b", "error": {**engine["error"], "exact": True}}
    assert differential.compare(keras_err, exact)[0] == "mismatch"


def test_unresolvable_case_still_compares_a_constructor_error():
    """``unresolvable`` is about the call (state such as adapt()); a constructor error is compared."""
    keras_err = {"name": "p", "unresolvable": "needs adapt()",
                 "error": {"stage": "constructor", "type": "TypeError", "message": "bad"}}
    assert differential.compare(keras_err, {"error": {"stage": "constructor", "type": "TypeError", "message": "bad"}})[0] == "agree"
    assert differential.compare(keras_err, {"name": "p", "unknown": "why"})[0] == "unknown"
