"""Merging layers (keras/src/layers/merging): Add, Subtract, Multiply, Average, Maximum, Minimum,
Concatenate, Dot. They are called on a list of tensors; ``input_shape`` is a list of shapes.

Keras checks shapes in ``build`` (which runs before ``compute_output_shape``), so those checks and
their messages come first here. An error Keras raises inside ``compute_output_shape`` is wrapped in
a message holding tensor reprs; it is reported with its bare text.
"""

from __future__ import annotations

from .arguments import format_shape
from .base import LayerSpec, functional_form, register
from .types import KerasError, Opaque, Unknown


def _is_list_of_shapes(input_shape) -> bool:
    return isinstance(input_shape, (list, tuple)) and len(input_shape) > 0 and isinstance(input_shape[0], (tuple, list))


def _fmt(input_shape) -> str:
    if _is_list_of_shapes(input_shape):
        return repr([tuple(s) for s in input_shape])
    return format_shape(input_shape)


def _elemwise(shape1: tuple, shape2: tuple) -> tuple:
    """``Merge._compute_elemwise_op_output_shape``: right-aligned broadcasting of non-batch dims."""
    if len(shape1) < len(shape2):
        return _elemwise(shape2, shape1)
    if not shape2:
        return shape1
    out = list(shape1[: -len(shape2)])
    for i, j in zip(shape1[-len(shape2):], shape2):
        if i is None or j is None:
            out.append(None)
        elif i == 1:
            out.append(j)
        elif j == 1 or i == j:
            out.append(i)
        else:
            raise KerasError(f"Inputs have incompatible shapes. Received shapes {shape1} and {shape2}")
    return tuple(out)


class _Merge(LayerSpec):
    multi_input = True

    def compute_mask(self, inputs, mask, op, n_outputs):
        """``Merge.compute_mask``: an OR of the masks when every input has one."""
        if mask is None or any(m is None for m in mask):
            return None
        output = mask[0]
        for m in mask[1:]:
            output = op("logical_or", x1=output, x2=m)
        return output

    def merge_shapes(self, input_shape) -> list[tuple]:
        """``Merge.build``: list check, one batch size, broadcastable element-wise shapes."""
        if not _is_list_of_shapes(input_shape):
            raise KerasError(
                f"A merge layer should be called on a list of inputs. Received: input_shape={_fmt(input_shape)} "
                "(not a list of shapes)"
            )
        shapes = [tuple(s) for s in input_shape]
        if len({s[0] for s in shapes if s} - {None}) > 1:
            raise KerasError(f"Cannot merge tensors with different batch sizes. Received tensors with shapes {shapes}")
        return shapes

    def compute_output_shape(self, input_shape):
        shapes = self.merge_shapes(input_shape)
        out = shapes[0][1:]
        for s in shapes[1:]:
            out = _elemwise(out, s[1:])
        batch = {s[0] for s in shapes} - {None}
        return (batch.pop() if len(batch) == 1 else None,) + out


@register
class Add(_Merge):
    pass


@register
class Subtract(_Merge):
    def compute_output_shape(self, input_shape):
        out = super().compute_output_shape(input_shape)
        if len(input_shape) != 2:
            raise KerasError(
                f"A `Subtract` layer should be called on exactly 2 inputs. Received: input_shape={_fmt(input_shape)}"
            )
        return out


@register
class Multiply(_Merge):
    pass


@register
class Average(_Merge):
    pass


@register
class Maximum(_Merge):
    pass


@register
class Minimum(_Merge):
    pass


@register
class Concatenate(_Merge):
    def compute_mask(self, inputs, mask, op, n_outputs):
        if mask is None or all(m is None for m in mask):
            return None
        masks = []
        for x, m in zip(inputs, mask):
            if m is None:
                masks.append(op("ones_like", x=x, dtype="bool"))
            elif len(m.shape) < len(x.shape):
                masks.append(op("logical_or", x1=op("expand_dims", x=m, axis=-1), x2=op("zeros_like", x=x, dtype="bool")))
            else:
                masks.append(m)
        return op("any", x=op("concatenate", xs=masks, axis=self.arg("axis")), axis=-1, keepdims=False)

    def compute_output_shape(self, input_shape):
        if not _is_list_of_shapes(input_shape):
            raise KerasError(
                "A `Concatenate` layer should be called on a list of at least 1 input. "
                f"Received: input_shape={_fmt(input_shape)}"
            )
        shapes, axis = [tuple(s) for s in input_shape], self.arg("axis")
        # build(): drop the concat axis (Keras deletes index `axis` only when len(shape) > axis).
        reduced = set()
        for s in shapes:
            r = list(s)
            if len(r) > axis:
                if not -len(r) <= axis < len(r):
                    raise KerasError("list assignment index out of range", "IndexError")
                del r[axis]
            reduced.add(tuple(r))
        if len(reduced) != 1:
            error = KerasError(
                "A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. "
                f"Received: input_shape={shapes}"
            )
            ranks = {len(r) for r in reduced}
            if len(ranks) != 1:
                raise error
            for k in range(ranks.pop()):
                if len({r[k] for r in reduced} - {None}) > 1:
                    raise error
        # compute_output_shape()
        out = list(shapes[0])
        for s in shapes[1:]:
            # `output_shape[axis] is None or shape[axis] is None`: a list, then a tuple, short-circuited.
            if not -len(out) <= axis < len(out) or (out[axis] is not None and not -len(s) <= axis < len(s)):
                raise KerasError(f"{'list' if not -len(out) <= axis < len(out) else 'tuple'} index out of range", "IndexError")
            if out[axis] is None or s[axis] is None:
                out[axis] = None
                break
            out[axis] += s[axis]
        return tuple(out)


@register
class Dot(_Merge):
    def compute_mask(self, inputs, mask, op, n_outputs):
        return None

    def validate(self):
        axes = self.args["axes"]
        if isinstance(axes, (Unknown, Opaque)) or isinstance(axes, int):
            return
        if not isinstance(axes, (list, tuple)):
            raise KerasError(
                f"Invalid type for argument `axes`: it should be a list or an int. Received: axes={axes}", "TypeError"
            )
        if len(axes) != 2:
            raise KerasError(
                f"Invalid format for argument `axes`: it should contain two elements. Received: axes={axes}"
            )
        if any(isinstance(a, (Unknown, Opaque)) for a in axes):
            return
        if not isinstance(axes[0], int) or not isinstance(axes[1], int):
            raise KerasError(
                f"Invalid format for argument `axes`: list elements should be integers. Received: axes={axes}"
            )

    def compute_output_shape(self, input_shape):
        if not _is_list_of_shapes(input_shape) or len(input_shape) != 2:
            raise KerasError(
                f"A `Dot` layer should be called on a list of 2 inputs. Received: input_shape={_fmt(input_shape)}"
            )
        s1, s2 = (tuple(s) for s in input_shape)
        axes = self.arg("axes")
        if isinstance(axes, int):
            axes = [axes % len(s1), axes % len(s2)] if axes < 0 else [axes, axes]
        a0, a1 = axes
        if not (-len(s1) <= a0 < len(s1) and -len(s2) <= a1 < len(s2)):
            raise KerasError("tuple index out of range", "IndexError")
        if s1[a0] != s2[a1]:  # Keras compares with `!=`, so None against a number is an error too
            raise KerasError(
                f"Incompatible input shapes: axis values {s1[a0]} (at axis {a0}) != {s2[a1]} (at axis {a1}). "
                f"Full input shapes: {s1}, {s2}"
            )
        l1, l2 = list(s1), list(s2)
        l1.pop(a0)
        l2.pop(a1)
        if not l2:
            raise KerasError("pop from empty list", "IndexError")
        l2.pop(0)
        out = l1 + l2
        return tuple(out + [1] if len(out) == 1 else out)


# keras.layers.concatenate(inputs, axis=-1, **kw) etc. build the class and call it on `inputs`.
# Note: keras.layers.dot(inputs, axes=-1, **kw) defaults `axes` to -1 (the class requires it).
for _name, _cls in [
    ("add", "Add"), ("subtract", "Subtract"), ("multiply", "Multiply"), ("average", "Average"),
    ("maximum", "Maximum"), ("minimum", "Minimum"), ("concatenate", "Concatenate"), ("dot", "Dot"),
]:
    functional_form(_name, _cls)
