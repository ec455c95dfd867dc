from __future__ import annotations

from .base import EngineErrorRule, Invalid


class DataMismatch(EngineErrorRule):
    """## What it does
    Checks the arrays given to `fit`, `evaluate` and `predict` against the model: the inputs against
    its `Input` shapes, the labels against its output under the compiled loss.

    It reads the shapes of NumPy arrays the script makes (the `keras.datasets` loaders, `np.random`,
    `np.eye(n)[labels]`, `to_categorical`, slicing and `reshape`) and reports where Keras raises for
    any values of them: an input of another shape or rank than the `Input` (validation data included),
    labels of another rank or size than the output for `categorical_crossentropy` and
    `binary_crossentropy`, labels that are not one class index per prediction for
    `sparse_categorical_crossentropy`, labels that do not broadcast against the output for the mean
    errors, and a custom loss function that fails on the labels' and the output's shapes. What Keras
    accepts is not reported: a last axis of 1 is squeezed or added where Keras does (labels of shape
    (N,) or (N, 1) for one sigmoid unit or for sparse labels).

    ## Why is this bad?
    The model is built and compiled without complaint, then the first batch of training fails:
    `ValueError: Arguments target and output must have the same shape`. The usual causes are class
    indices given to `categorical_crossentropy` (which wants one-hot rows), a convolutional output
    that still has its spatial axes (a missing `Flatten`), or data reshaped for another model.

    ## Example
    ```python
    import numpy as np
    import keras
    from keras import layers
    model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    x = np.random.random((100, 20))
    y = np.random.randint(10, size=(100, 1))
    model.fit(x, y, epochs=1)
    ```

    Use instead (`sparse_categorical_crossentropy` for class indices, or one-hot labels with
    `keras.utils.to_categorical(y, 10)`):
    ```python
    import numpy as np
    import keras
    from keras import layers
    model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = np.random.random((100, 20))
    y = np.random.randint(10, size=(100, 1))
    model.fit(x, y, epochs=1)
    ```

    ## References
    - [Keras: squeeze_or_expand_to_same_rank, keras/src/losses/loss.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/losses/loss.py)
    - [Keras: the crossentropy checks, keras/src/backend/tensorflow/nn.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/backend/tensorflow/nn.py)
    - [Keras: the model's input checks, keras/src/models/functional.py](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/models/functional.py)
    """

    code = "KC110"
    name = "data-shape-mismatch"

    def matches(self, error):
        return error.stage == "data"

    def hint(self, error):
        return getattr(error, "data_hint", "")

    VALID = [
        "import numpy as np\nimport keras\nm = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(3, "
        "activation='softmax')])\nm.compile(loss='sparse_categorical_crossentropy')\n"
        "m.fit(np.zeros((64, 8)), np.random.randint(3, size=(64, 1)), epochs=1)\n",
        "import numpy as np\nimport keras\nm = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1, "
        "activation='sigmoid')])\nm.compile(loss='binary_crossentropy')\n"
        "m.fit(np.zeros((64, 8)), np.random.randint(2, size=64), epochs=1)\nm.predict(np.zeros((5, 8)))\n",
        "import numpy as np\nimport keras\nm = keras.Sequential([keras.Input(shape=(8, 1)), keras.layers.Flatten(), "
        "keras.layers.Dense(2)])\nm.compile(loss='mse')\nm.fit(np.zeros((64, 8)), np.zeros((64, 1)), epochs=1)\n",
    ]
    INVALID = [
        Invalid("import numpy as np\nimport keras\nm = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(3, "
                "activation='softmax')])\nm.compile(loss='categorical_crossentropy')\n"
                "m.fit(np.zeros((64, 8)), np.random.randint(3, size=(64, 1)), epochs=1)\n", line=5, column=1,
                message="target.shape=(32, 1), output.shape=(32, 3)"),
        Invalid("import numpy as np\nimport keras\nx = keras.Input(shape=(784,))\n"
                "m = keras.Model(x, keras.layers.Dense(784, activation='sigmoid')(x))\n"
                "m.compile(loss='binary_crossentropy')\nx_train = np.zeros((256, 784))\n"
                "m.fit(x_train, x_train, validation_data=(np.zeros((64, 28, 28)), np.zeros((64, 28, 28))))\n",
                line=7, column=1, message="expected shape=(None, 784), found shape=(32, 28, 28)"),
        Invalid("import numpy as np\nimport keras\nm = keras.Sequential([keras.Input(shape=(28, 28)), "
                "keras.layers.Flatten(), keras.layers.Dense(10)])\nm.predict(np.zeros((3, 784)))\n", line=4,
                column=1, message="Expected shape (None, 28, 28), but input has incompatible shape (3, 784)"),
    ]
