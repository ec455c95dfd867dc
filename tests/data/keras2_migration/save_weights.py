import numpy as np
import keras
m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
m.compile(optimizer="adam", loss="mse")
cb = keras.callbacks.ModelCheckpoint("best.hdf5", save_weights_only=True)
m.fit(np.zeros((4, 3)), np.zeros((4, 1)), epochs=1, verbose=0, callbacks=[cb])
m.save_weights("model.h5")
m.load_weights("model.h5")
print("OK")
