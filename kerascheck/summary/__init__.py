"""Reproduce Keras 3's ``model.summary()``: ``rows`` turns the model IR into table rows, ``table`` draws them."""
