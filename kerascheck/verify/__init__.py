"""``kerascheck verify``: run the user's own model-building code under real Keras and compare.

* ``slicing``: which statements of the script run (libcst; no TensorFlow);
* ``worker``: the only module that imports TensorFlow, run as a separate process by ``runner``;
* ``compare``: predicted (the static engine) against actual (the worker's report);
* ``command``: the click command.

May import: kerascheck.analysis, kerascheck.shapes, kerascheck.summary, kerascheck.source_text
(issue 18), and kerascheck.cli for its file walker and ``--dim`` parser (a cycle through cli's lazy
import of ``command``: issue 18).
"""
