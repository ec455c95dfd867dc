import numpy as np
from keras.datasets import mnist
from keras.models import Sequential
from keras.layers.core import Dense, Dropout, Activation
from keras.optimizers import RMSprop
from keras.utils import np_utils

(X_train, y_train), (X_test, y_test) = mnist.load_data()
X_train = X_train.reshape(X_train.shape[0], 784).astype('float32') / 255
X_test = X_test.reshape(X_test.shape[0], 784).astype('float32') / 255
Y_train = np_utils.to_categorical(y_train, 10)
Y_test = np_utils.to_categorical(y_test, 10)

model = Sequential()
model.add(Dense(512, input_shape=(784,), init='glorot_uniform'))
model.add(Activation('relu'))
model.add(Dropout(0.2))
model.add(Dense(output_dim=10))
model.add(Activation('softmax'))
model.summary()
model.compile(loss='categorical_crossentropy', optimizer=RMSprop(lr=0.001, decay=1e-6), metrics=['accuracy'])
history = model.fit(X_train, Y_train, batch_size=128, nb_epoch=1, verbose=1, validation_data=(X_test, Y_test), show_accuracy=True)
score = model.evaluate(X_test, Y_test, verbose=0)
print('Test score:', score)
