import keras
from keras.layers import Input, Dense, merge
a = Input(shape=(4,))
b = Input(shape=(4,))
c = merge([a, b], mode='concat', concat_axis=-1)
d = merge([a, b], mode='sum')
e = merge([Dense(3)(a), Dense(3)(b)], mode='cos', dot_axes=1)
f = keras.layers.Reshape((8,))(c)
m = keras.Model([a, b], [f, d, e])
print(m.output_shape)
