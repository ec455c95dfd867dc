"""``kerascheck lsp``: a language server (diagnostics, hover, inlay hints, quick fixes) over stdio.

Layout (only ``server`` and ``command``'s ``run`` import pygls; everything else is plain Python
that the tests and the analysis worker use without it):

- ``server``   the pygls 2.x language server: documents, debouncing, publishing, requests
- ``engine``   the analysis worker process seen from the server: one request at a time, a deadline
  per document (the worker is killed and restarted when it passes), crash recovery
- ``worker``   the worker process itself: lint exactly as ``kerascheck check`` does, then the facts
- ``facts``    what hover and inlay hints need from one analysis, as plain picklable data
- ``hover``    Markdown for layers, layer calls, models and ``summary()`` calls
- ``hints``    the output shape after each line that calls a layer
- ``actions``  quick fixes (a rule's own ``fix`` hook, else the built-in ones) and ``# noqa``
- ``textmap``  positions: code points <-> LSP units, and lines of an older text to the current one
- ``sources``  open buffers for the interpreter's sibling-module loader (multi-file analysis)

May import: kerascheck (the version), kerascheck.config, kerascheck.diagnostics, kerascheck.fix,
kerascheck.frontend (the result's event types), kerascheck.ir, kerascheck.lint, kerascheck.models, kerascheck.rules, kerascheck.summary, and the
readers of a file's text: kerascheck.source_text (issue 18), kerascheck.notebook (issue 17).
"""
