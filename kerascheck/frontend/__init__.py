"""The abstract interpreter: walks a script (libcst) in execution order without running it.

Owns: the interpreter (``interpreter`` drives ``statements`` and ``expressions``), user modules
and the parse cache (``loader``), the names of Keras, TensorFlow and NumPy it evaluates
(``keras_api``, ``library``, ``arrays``), user classes (``classes``), values and symbols
(``values``, ``symbols``), path joins (``paths``), budgets, error recovery past Keras 1/2 code
(``repairs``), and the typed result it hands on (``result``: ``Result``, the errors and ``summary()``
calls, and one frozen class per event kind: ``LayerCreated``, ``LayerCalled``, ``MethodCalled``,
``RefCalled``, ``ClassDefined``, ``AmbiguousIO``, ``Assumption``; read with
``Result.events_of(LayerCalled)``).

May import: kerascheck.shapes, kerascheck.ir, kerascheck.models, kerascheck.optimizers,
kerascheck.parsing, kerascheck.summary, kerascheck.migration.
"""
