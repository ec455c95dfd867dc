"""Facts about Keras activations, losses, constraints and layers that the model-fault rules read
(not a rule module). Kept declarative and in one place; each comes from the Keras sources named
beside it or from the facts recorded from Keras (``shapes.stubs``), never from the analysed code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..shapes.arguments import NO_DEFAULT, parse_signature
from ..shapes.stubs import layer_classes

INF = math.inf


@dataclass(frozen=True)
class Activation:
    """The range of an activation's output (keras/src/activations/activations.py)."""

    low: float
    high: float
    distribution: bool = False  # sums to 1 over the last axis (softmax)

    @property
    def probability(self) -> bool:
        """Each value is a probability in [0, 1]: what a crossentropy without from_logits expects."""
        return self.low >= 0 and self.high <= 1


ACTIVATIONS: dict[str, Activation] = {
    "softmax": Activation(0, 1, distribution=True),
    "sparsemax": Activation(0, 1, distribution=True),
    "sigmoid": Activation(0, 1),
    "hard_sigmoid": Activation(0, 1),
    "sparse_sigmoid": Activation(0, 1),
    "tanh": Activation(-1, 1),
    "hard_tanh": Activation(-1, 1),
    "softsign": Activation(-1, 1),
    "relu": Activation(0, INF),
    "relu6": Activation(0, 6),
    "softplus": Activation(0, INF),
    "exponential": Activation(0, INF),
    "elu": Activation(-1, INF),
    "selu": Activation(-1.7581, INF),
    "leaky_relu": Activation(-INF, INF),
    "gelu": Activation(-0.17, INF),
    "silu": Activation(-0.28, INF),
    "mish": Activation(-0.31, INF),
    "log_softmax": Activation(-INF, 0),
    "log_sigmoid": Activation(-INF, 0),
    "linear": Activation(-INF, INF),
}
# Other spellings of the same functions (keras.activations.get, tf.nn, tf.math).
ACTIVATION_ALIASES = {"swish": "silu", "hard_swish": "hard_silu", "exp": "exponential", "identity": "linear",
                      "none": "linear"}
# Layers that are an activation (keras/src/layers/activations/).
ACTIVATION_LAYERS = {"Softmax": "softmax", "ReLU": "relu", "LeakyReLU": "leaky_relu", "ELU": "elu", "PReLU": "leaky_relu"}
# keras.ops operations (their class names as Keras names the op layers) that are an activation.
ACTIVATION_OPS = {"Softmax": "softmax", "Sigmoid": "sigmoid", "Tanh": "tanh", "Relu": "relu", "Exp": "exponential"}


def _activation_argument() -> dict[str, str]:
    """Layers whose ``activation`` argument applies to their output, and its default when not given
    (``None`` is linear): read from the constructor signatures recorded from Keras
    (``data/layer_classes.json``), so a layer added there is known here. RNN cells are left out: a
    model calls the RNN layer that runs them, never the cell."""
    found = {}
    for name, signature in layer_classes()["signatures"].items():
        if "activation" not in signature or name.endswith("Cell"):
            continue
        default = dict(parse_signature(signature)).get("activation", _ABSENT)
        if default is not _ABSENT:
            found[name] = "linear" if default is None or default is NO_DEFAULT else default
    return found


_ABSENT = object()
ACTIVATION_ARGUMENT = _activation_argument()
# Layers that leave values unchanged in inference (an activation before them is still the output's).
TRANSPARENT = {"Dropout", "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization", "Identity",
               "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"}


@dataclass(frozen=True)
class Loss:
    """What a Keras loss expects of ``y_pred`` (keras/src/losses/losses.py; keras/src/backend/*/nn.py).

    ``kind``: ``binary`` (independent probabilities per unit), ``categorical`` (a distribution over
    the last axis, one-hot labels), ``sparse`` (a distribution over the last axis, integer labels),
    ``regression`` (any real value), ``other``. ``logits_option``: it takes ``from_logits``.
    """

    kind: str
    logits_option: bool = False


LOSSES: dict[str, Loss] = {
    "binary_crossentropy": Loss("binary", True),
    "binary_focal_crossentropy": Loss("binary", True),
    "categorical_crossentropy": Loss("categorical", True),
    "categorical_focal_crossentropy": Loss("categorical", True),
    "sparse_categorical_crossentropy": Loss("sparse", True),
    "kl_divergence": Loss("categorical"),
    "mean_squared_error": Loss("regression"),
    "mean_absolute_error": Loss("regression"),
    "mean_absolute_percentage_error": Loss("regression"),
    "mean_squared_logarithmic_error": Loss("regression"),
    "huber": Loss("regression"),
    "log_cosh": Loss("regression"),
    "poisson": Loss("other"),
    "cosine_similarity": Loss("other"),
    "hinge": Loss("other"),
    "squared_hinge": Loss("other"),
    "categorical_hinge": Loss("other"),
    "dice": Loss("other"),
    "tversky": Loss("other"),
    "ctc": Loss("other"),
    "circle": Loss("other"),
}
# keras.losses.ALL_OBJECTS_DICT's short names, and the loss classes (a class or its name given as
# the loss is instantiated with its defaults by keras.losses.get).
LOSS_ALIASES = {"bce": "binary_crossentropy", "mse": "mean_squared_error", "mae": "mean_absolute_error",
                "mape": "mean_absolute_percentage_error", "msle": "mean_squared_logarithmic_error",
                "kld": "kl_divergence", "kullback_leibler_divergence": "kl_divergence", "logcosh": "log_cosh",
                "huber_loss": "huber"}
LOSS_CLASSES = {
    "BinaryCrossentropy": "binary_crossentropy", "BinaryFocalCrossentropy": "binary_focal_crossentropy",
    "CategoricalCrossentropy": "categorical_crossentropy",
    "CategoricalFocalCrossentropy": "categorical_focal_crossentropy",
    "SparseCategoricalCrossentropy": "sparse_categorical_crossentropy", "KLDivergence": "kl_divergence",
    "MeanSquaredError": "mean_squared_error", "MeanAbsoluteError": "mean_absolute_error",
    "MeanAbsolutePercentageError": "mean_absolute_percentage_error",
    "MeanSquaredLogarithmicError": "mean_squared_logarithmic_error", "Huber": "huber", "LogCosh": "log_cosh",
    "Poisson": "poisson", "CosineSimilarity": "cosine_similarity", "Hinge": "hinge", "SquaredHinge": "squared_hinge",
    "CategoricalHinge": "categorical_hinge", "Dice": "dice", "Tversky": "tversky", "CTC": "ctc", "Circle": "circle",
}

# keras.constraints (keras/src/constraints/constraints.py): functions and classes.
CONSTRAINTS = {"max_norm", "non_neg", "unit_norm", "min_max_norm", "MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm",
               "Constraint", "maxnorm", "nonneg", "unitnorm", "minmaxnorm"}
REGULARIZER_ARGUMENTS = ("kernel_regularizer", "bias_regularizer", "activity_regularizer", "recurrent_regularizer",
                         "depthwise_regularizer", "pointwise_regularizer", "beta_regularizer", "gamma_regularizer",
                         "embeddings_regularizer")

# Layer families, by Keras class name.
CONVOLUTIONS_2D = {"Conv2D", "SeparableConv2D", "DepthwiseConv2D", "Conv2DTranspose", "ConvLSTM2D"}
POOLING = {"MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D"}
GLOBAL_POOLING = {"GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "GlobalAveragePooling1D",
                  "GlobalAveragePooling2D", "GlobalAveragePooling3D"}
SPATIAL = {"Conv1D", "Conv2D", "Conv3D", "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D",
           "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D",
           "Cropping1D", "Cropping2D", "Cropping3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
           "UpSampling1D", "UpSampling2D", "UpSampling3D", *POOLING}
RECURRENT = {"LSTM", "GRU", "SimpleRNN", "RNN", "Bidirectional"}
# Layers with a ``data_format`` argument whose default is "channels_last" (keras.config.image_data_format()).
DATA_FORMAT_LAYERS = {"Conv1D", "Conv2D", "Conv3D", "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D",
                      "DepthwiseConv2D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", *POOLING,
                      *GLOBAL_POOLING}
NORMALIZATIONS = {"BatchNormalization", "LayerNormalization", "GroupNormalization"}
# Image channel counts an input (C, H, W) may be meant to have.
IMAGE_CHANNELS = (1, 3, 4)
