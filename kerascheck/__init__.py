"""kerascheck: static shape checking and summary prediction for Keras code."""

__version__ = "0.1.0"

# The Keras release whose behaviour the engine reproduces and the goldens were recorded with.
KERAS_VERSION = "3.15.1"
