"""``kerascheck verify``: run the user's own model-building code under real Keras and compare.

* ``session``: one file: analyse it, slice it, run it in the worker, compare;
* ``slicing`` (with ``nodes``): which statements of the script run (libcst; no TensorFlow);
* ``worker``: the only module that imports TensorFlow, run as a separate process by ``runner``;
* ``compare``: predicted (the static engine) against actual (the worker's report).

The click command is ``kerascheck/cli/verify.py``.

May import: kerascheck.analysis, kerascheck.shapes, kerascheck.summary, kerascheck.source_text.
"""
