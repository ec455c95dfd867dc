import numpy as np
from keras.layers import Input, Dense, Embedding, LSTM
from keras.layers.merge import concatenate
from keras.models import Model
from keras.optimizers import Adam
from keras.callbacks import EarlyStopping
main_input = Input(shape=(100,), dtype='int32')
x = Embedding(output_dim=64, input_dim=1000, input_length=100)(main_input)
lstm_out = LSTM(32)(x)
aux_input = Input(shape=(5,))
x = concatenate([lstm_out, aux_input])
x = Dense(64, activation='relu')(x)
out = Dense(1, activation='sigmoid')(x)
model = Model(inputs=[main_input, aux_input], outputs=out)
model.compile(optimizer=Adam(lr=1e-3), loss='binary_crossentropy', metrics='accuracy')
def gen():
    while True:
        yield (np.zeros((8, 100)), np.zeros((8, 5))), np.zeros((8, 1))
model.fit_generator(gen(), 2, 1, verbose=0)
print(model.layers[-1].output_shape)
