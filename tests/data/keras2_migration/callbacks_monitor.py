import numpy as np
import keras
from keras.callbacks import EarlyStopping, ModelCheckpoint
m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation="softmax")])
m.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
stop = EarlyStopping(monitor="val_acc", patience=2)
ck = ModelCheckpoint("best_mon.keras", monitor="val_acc", save_best_only=True)
m.fit(np.zeros((8, 3)), np.zeros((8, 2)), validation_split=0.5, epochs=2, verbose=0, callbacks=[stop, ck])
print("OK")
