"""doc"""
from __future__ import annotations
import numpy as np
from keras import backend as K
from keras.models import Sequential
from keras.layers import Dense
def my_loss(y_true, y_pred):
    return K.mean(K.square(K.flatten(y_true - y_pred))) + K.sum(K.cast(K.argmax(y_pred), "float32")) * 0.0
m = Sequential([Dense(4, input_shape=(3,))])
m.compile(optimizer="adam", loss=my_loss)
m.fit(np.zeros((8, 3)), np.zeros((8, 4)), epochs=1, verbose=0)
print("OK")
