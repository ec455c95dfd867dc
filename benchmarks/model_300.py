"""A realistic model-building script for the single-file latency benchmark (benchmarks/run.py, section 4).

Several models of the kind people write: a Sequential MLP, a small ResNet built from block
functions in a loop, a U-Net, a text classifier, a multi-input tabular model and a
sequence-to-sequence encoder. Only model building and summary(); no training, no data.
"""

import keras
from keras import layers

NUM_CLASSES = 10
IMAGE_SIZE = 64
CHANNELS = 3
VOCAB_SIZE = 20000
SEQUENCE_LENGTH = 128
EMBED_DIM = 64


# ---------------------------------------------------------------------------------------------
# 1. A Sequential MLP, built layer by layer.
# ---------------------------------------------------------------------------------------------
def build_mlp(input_dim, hidden_units=(512, 256, 128), dropout=0.3):
    model = keras.Sequential(name="mlp")
    model.add(keras.Input(shape=(input_dim,)))
    for i, units in enumerate(hidden_units):
        model.add(layers.Dense(units, name=f"hidden_{i}"))
        model.add(layers.BatchNormalization())
        model.add(layers.Activation("relu"))
        model.add(layers.Dropout(dropout))
    model.add(layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities"))
    return model


mlp = build_mlp(784)
mlp.summary()


# ---------------------------------------------------------------------------------------------
# 2. A small ResNet: residual blocks from a function, stages in a loop.
# ---------------------------------------------------------------------------------------------
def conv_bn_relu(x, filters, kernel_size=3, strides=1):
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.ReLU()(x)


def residual_block(x, filters, strides=1):
    shortcut = x
    y = conv_bn_relu(x, filters, strides=strides)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    if strides != 1 or x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=strides, use_bias=False)(x)
        shortcut = layers.BatchNormalization()(shortcut)
    y = layers.Add()([y, shortcut])
    return layers.ReLU()(y)


def build_resnet(input_shape, stages=(32, 64, 128), blocks_per_stage=2):
    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Rescaling(1.0 / 255)(inputs)
    x = conv_bn_relu(x, 32, kernel_size=5, strides=2)
    x = layers.MaxPooling2D(pool_size=3, strides=2, padding="same")(x)
    for stage, filters in enumerate(stages):
        for block in range(blocks_per_stage):
            strides = 2 if block == 0 and stage > 0 else 1
            x = residual_block(x, filters, strides=strides)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.2)(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="small_resnet")


resnet = build_resnet((IMAGE_SIZE, IMAGE_SIZE, CHANNELS))
resnet.summary()


# ---------------------------------------------------------------------------------------------
# 3. A U-Net for segmentation: encoder and decoder in loops, skip connections.
# ---------------------------------------------------------------------------------------------
def double_conv(x, filters):
    for _ in range(2):
        x = layers.Conv2D(filters, 3, padding="same", kernel_initializer="he_normal")(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
    return x


def build_unet(input_shape, depth=4, base_filters=16, num_masks=3):
    inputs = keras.Input(shape=input_shape)
    x = inputs
    skips = []
    for level in range(depth):
        x = double_conv(x, base_filters * 2**level)
        skips.append(x)
        x = layers.MaxPooling2D(2)(x)
    x = double_conv(x, base_filters * 2**depth)
    x = layers.SpatialDropout2D(0.1)(x)
    for level in reversed(range(depth)):
        x = layers.Conv2DTranspose(base_filters * 2**level, 2, strides=2, padding="same")(x)
        x = layers.Concatenate()([x, skips[level]])
        x = double_conv(x, base_filters * 2**level)
    outputs = layers.Conv2D(num_masks, 1, activation="softmax", name="mask")(x)
    return keras.Model(inputs, outputs, name="unet")


unet = build_unet((128, 128, 1))
unet.summary()


# ---------------------------------------------------------------------------------------------
# 4. A text classifier: embedding, convolutions, a bidirectional LSTM and self-attention.
# ---------------------------------------------------------------------------------------------
def build_text_classifier(vocab_size, sequence_length, embed_dim, num_labels=4):
    tokens = keras.Input(shape=(sequence_length,), dtype="int32", name="tokens")
    x = layers.Embedding(vocab_size, embed_dim, name="token_embedding")(tokens)
    x = layers.SpatialDropout1D(0.2)(x)
    convs = []
    for width in (3, 4, 5):
        c = layers.Conv1D(64, width, padding="same", activation="relu", name=f"conv_{width}")(x)
        convs.append(c)
    x = layers.Concatenate(name="ngrams")(convs)
    x = layers.Bidirectional(layers.LSTM(64, return_sequences=True), name="bilstm")(x)
    attention = layers.Attention(use_scale=True, name="self_attention")([x, x])
    x = layers.Add()([x, attention])
    x = layers.LayerNormalization()(x)
    pooled_max = layers.GlobalMaxPooling1D()(x)
    pooled_avg = layers.GlobalAveragePooling1D()(x)
    x = layers.Concatenate()([pooled_max, pooled_avg])
    x = layers.Dense(128, activation="relu")(x)
    x = layers.Dropout(0.3)(x)
    outputs = layers.Dense(num_labels, activation="softmax", name="label")(x)
    return keras.Model(tokens, outputs, name="text_classifier")


text_model = build_text_classifier(VOCAB_SIZE, SEQUENCE_LENGTH, EMBED_DIM)
text_model.summary()


# ---------------------------------------------------------------------------------------------
# 5. A multi-input, multi-output tabular model.
# ---------------------------------------------------------------------------------------------
NUMERIC_FEATURES = ["age", "income", "balance", "tenure", "score"]
CATEGORICAL_FEATURES = {"country": 50, "product": 12, "channel": 6}


def build_tabular_model():
    numeric_inputs = [keras.Input(shape=(1,), name=name) for name in NUMERIC_FEATURES]
    categorical_inputs = []
    encoded = []
    for name, cardinality in CATEGORICAL_FEATURES.items():
        inp = keras.Input(shape=(1,), dtype="int32", name=name)
        categorical_inputs.append(inp)
        emb = layers.Embedding(cardinality + 1, min(16, (cardinality + 1) // 2), name=f"{name}_embedding")(inp)
        encoded.append(layers.Flatten(name=f"{name}_flat")(emb))
    numeric = layers.Concatenate(name="numeric")(numeric_inputs)
    numeric = layers.BatchNormalization(name="numeric_norm")(numeric)
    x = layers.Concatenate(name="features")([numeric] + encoded)
    for i, units in enumerate([256, 128, 64]):
        x = layers.Dense(units, activation="relu", name=f"tower_{i}")(x)
        x = layers.Dropout(0.1 * (i + 1))(x)
    churn = layers.Dense(1, activation="sigmoid", name="churn")(x)
    value = layers.Dense(1, name="lifetime_value")(x)
    segment = layers.Dense(5, activation="softmax", name="segment")(x)
    return keras.Model(
        inputs=numeric_inputs + categorical_inputs,
        outputs={"churn": churn, "value": value, "segment": segment},
        name="tabular",
    )


tabular = build_tabular_model()
tabular.summary()


# ---------------------------------------------------------------------------------------------
# 6. A sequence-to-sequence encoder-decoder with GRUs.
# ---------------------------------------------------------------------------------------------
def build_seq2seq(source_vocab=8000, target_vocab=6000, units=128):
    encoder_inputs = keras.Input(shape=(None,), dtype="int32", name="source")
    enc = layers.Embedding(source_vocab, units)(encoder_inputs)
    enc, state = layers.GRU(units, return_state=True, name="encoder_gru")(enc)
    decoder_inputs = keras.Input(shape=(None,), dtype="int32", name="target")
    dec = layers.Embedding(target_vocab, units)(decoder_inputs)
    dec = layers.GRU(units, return_sequences=True, name="decoder_gru")(dec, initial_state=state)
    dec = layers.Dropout(0.2)(dec)
    logits = layers.TimeDistributed(layers.Dense(target_vocab), name="logits")(dec)
    return keras.Model([encoder_inputs, decoder_inputs], logits, name="seq2seq")


seq2seq = build_seq2seq()
seq2seq.summary()


# ---------------------------------------------------------------------------------------------
# 7. An autoencoder: two Sequential halves composed into one model.
# ---------------------------------------------------------------------------------------------
def build_encoder(latent_dim=32):
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, 3, strides=2, padding="same", activation="relu"),
            layers.Conv2D(64, 3, strides=2, padding="same", activation="relu"),
            layers.Flatten(),
            layers.Dense(latent_dim, name="latent"),
        ],
        name="encoder",
    )


def build_decoder(latent_dim=32):
    return keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),
            layers.Dense(7 * 7 * 64, activation="relu"),
            layers.Reshape((7, 7, 64)),
            layers.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu"),
            layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu"),
            layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
        ],
        name="decoder",
    )


encoder = build_encoder()
decoder = build_decoder()
image = keras.Input(shape=(28, 28, 1), name="digit")
autoencoder = keras.Model(image, decoder(encoder(image)), name="autoencoder")
autoencoder.summary()


# ---------------------------------------------------------------------------------------------
# 8. A depthwise-separable mobile-style network with squeeze-and-excitation blocks.
# ---------------------------------------------------------------------------------------------
def squeeze_excite(x, ratio=4):
    channels = x.shape[-1]
    s = layers.GlobalAveragePooling2D(keepdims=True)(x)
    s = layers.Conv2D(max(1, channels // ratio), 1, activation="relu")(s)
    s = layers.Conv2D(channels, 1, activation="sigmoid")(s)
    return layers.Multiply()([x, s])


def inverted_residual(x, expansion, filters, strides):
    in_channels = x.shape[-1]
    y = layers.Conv2D(in_channels * expansion, 1, padding="same", use_bias=False)(x)
    y = layers.BatchNormalization()(y)
    y = layers.ReLU(6.0)(y)
    y = layers.DepthwiseConv2D(3, strides=strides, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    y = layers.ReLU(6.0)(y)
    y = squeeze_excite(y)
    y = layers.Conv2D(filters, 1, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    if strides == 1 and in_channels == filters:
        y = layers.Add()([x, y])
    return y


BLOCKS = [
    # expansion, filters, repeats, first stride
    (1, 16, 1, 1),
    (6, 24, 2, 2),
    (6, 32, 3, 2),
    (6, 64, 2, 2),
]


def build_mobile(input_shape=(96, 96, 3)):
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(32, 3, strides=2, padding="same", use_bias=False)(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU(6.0)(x)
    for expansion, filters, repeats, stride in BLOCKS:
        for i in range(repeats):
            x = inverted_residual(x, expansion, filters, stride if i == 0 else 1)
    x = layers.Conv2D(256, 1, use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU(6.0)(x)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="mobile_se")


mobile = build_mobile()
mobile.summary()


# ---------------------------------------------------------------------------------------------
# 9. A small transformer encoder stack for sequences of feature vectors.
# ---------------------------------------------------------------------------------------------
def transformer_block(x, num_heads, key_dim, ff_dim, dropout=0.1):
    query = layers.Dense(num_heads * key_dim)(x)
    value = layers.Dense(num_heads * key_dim)(x)
    attn = layers.Attention(use_scale=True, dropout=dropout)([query, value])
    attn = layers.Dense(x.shape[-1])(attn)
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, attn]))
    ff = layers.Dense(ff_dim, activation="gelu")(x)
    ff = layers.Dense(x.shape[-1])(ff)
    ff = layers.Dropout(dropout)(ff)
    return layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, ff]))


def build_transformer(timesteps=50, features=32, depth=3):
    inputs = keras.Input(shape=(timesteps, features), name="series")
    x = layers.Dense(64)(inputs)
    for _ in range(depth):
        x = transformer_block(x, num_heads=4, key_dim=16, ff_dim=128)
    x = layers.GlobalAveragePooling1D()(x)
    outputs = layers.Dense(1, name="forecast")(x)
    return keras.Model(inputs, outputs, name="transformer")


transformer = build_transformer()
transformer.summary()
