from __future__ import annotations

from ..diagnostics import NOTE_CODE
from .base import Invalid, Rule


class AnalysisNote(Rule):
    """## What it does
    Notes what the analysis could not do: a `summary()` it could not predict, or a file whose analysis was cut short.

    KC001 is information, never a problem: it is not counted by `check` (the closing line and the
    exit status ignore it) and `--fix` has nothing to do with it. It says, at the line concerned,
    why a prediction is missing:

    - `summary() not predicted: ...` for each `summary()` the script reaches whose table the
      analysis cannot give exactly, with the reason (a model changed on a path that may not run,
      a model from a library kerascheck does not follow, an analysis cut short before it, ...);
    - `analysis cut short here: ...` where the file's last-resort budget (400,000 statements or
      8 s of CPU time) was hit; what comes after that line is not analysed.

    The editor shows these as information diagnostics. `kerascheck summary` names the same
    calls on stderr, and `kerascheck check` prints them on stderr: a cut-short analysis always,
    the unpredicted summaries with `--show-unresolved`.

    ## Why is this bad?
    It is not: the script may well be right. But kerascheck checks only what it can follow, and a
    note marks where that ends, so that a missing prediction (or a missing diagnostic after a cut
    short analysis) is never mistaken for a clean result. Often a value the analysis cannot know
    (a command-line flag, a configuration file read at run time) decides the model; written as a
    constant, the model is predicted again.

    ## Example
    ```python
    import sys
    import keras
    model = keras.Sequential([keras.Input(shape=(4,))])
    if len(sys.argv) > 1:
        model.add(keras.layers.Dense(8))
    model.add(keras.layers.Dense(2))
    model.summary()
    ```

    Use instead (a condition the analysis can decide, such as a constant):
    ```python
    import keras
    HIDDEN = True
    model = keras.Sequential([keras.Input(shape=(4,))])
    if HIDDEN:
        model.add(keras.layers.Dense(8))
    model.add(keras.layers.Dense(2))
    model.summary()
    ```

    ## References
    - [Keras: Model.summary](https://keras.io/api/models/model/#summary-method)
    - [Keras: print_summary, keras/src/utils/summary_utils.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/utils/summary_utils.py)
    """

    code = NOTE_CODE
    name = "analysis-note"
    severity = "info"

    # Reported by the pipeline after the rules (``lint.analysis_notes``), never by ``check``.
    VALID = ["import keras\nm = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])\nm.summary()\n"]
    INVALID = [
        Invalid("import sys\nimport keras\nm = keras.Sequential([keras.Input(shape=(4,))])\n"
                "if len(sys.argv) > 1:\n    m.add(keras.layers.Dense(8))\nm.add(keras.layers.Dense(2))\nm.summary()\n",
                line=7, column=1, message="summary() not predicted"),
    ]
