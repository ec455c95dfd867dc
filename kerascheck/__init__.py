"""kerascheck: static shape checking and summary prediction for Keras code.

Owns: the package's version and the one pinned Keras release (``KERAS_VERSION``) every other module
reads. May import: nothing of kerascheck.

The stages, each a package or module that imports only the ones before it: ``shapes`` (Keras layer
semantics) -> ``ir``, ``masking``, ``models`` (the model graph and Keras's model building) ->
``summary`` (the printed table) -> ``frontend`` (the abstract interpreter) -> ``analysis`` ->
``rules`` -> ``lint`` -> the faces (``cli``, ``check``, ``fix``, ``lsp``, ``verify``).
"""

__version__ = "0.1.0"

# The Keras release whose behaviour the engine reproduces and the goldens were recorded with.
KERAS_VERSION = "3.15.1"
