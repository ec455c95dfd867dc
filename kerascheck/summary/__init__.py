"""Reproduce Keras 3's ``model.summary()``: ``rows`` turns the model IR into table rows, ``table`` draws them.

Owns: what Keras prints for a model (rows, parameter counts, the table byte for byte).
May import: kerascheck.ir, kerascheck.models, kerascheck.shapes.
"""
