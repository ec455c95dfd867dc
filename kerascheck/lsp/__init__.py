"""``kerascheck lsp``: a language server (diagnostics, hover, inlay hints, quick fixes) over stdio.

Layout (only ``server`` imports pygls; ``documents``, ``requests`` and ``notebooks`` use the
protocol's types, lsprotocol; everything else is plain Python that the tests and the analysis
worker use without either):

- ``server``   the pygls 2.x language server: scheduling and debouncing analyses, publishing
- ``documents`` its state: options, one ``DocState`` per open document, the configuration per folder
- ``requests`` hover, inlay hints, quick fixes and the stats command, answered for the current text
- ``notebooks`` notebook documents (cells as one script) and ``.ipynb`` files opened as text
- ``engine``   the analysis worker process seen from the server: one request at a time, a deadline
  per document (the worker is killed and restarted when it passes), crash recovery, and the
  unsaved buffers of the other open files it hands on (the overlay the interpreter's loader reads)
- ``worker``   the worker process itself: lint exactly as ``kerascheck check`` does, then the facts
- ``facts``    what hover and inlay hints need from one analysis, as plain picklable data
- ``hover``    Markdown for layers, layer calls, models and ``summary()`` calls
- ``hints``    the output shape after each line that calls a layer
- ``actions``  quick fixes (a rule's own ``fix`` hook, else the built-in ones) and ``# noqa``
- ``textmap``  positions: code points <-> LSP units, and lines of an older text to the current one

May import: kerascheck (the version), kerascheck.config, kerascheck.diagnostics, kerascheck.fix,
kerascheck.frontend (the result's event types), kerascheck.ir, kerascheck.lint, kerascheck.models,
kerascheck.rules, kerascheck.summary, and the readers of a file's text: kerascheck.source_text,
kerascheck.notebook.
"""
