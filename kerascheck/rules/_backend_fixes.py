"""The fixes of removed ``keras.backend`` functions (not a rule module; KC302 reports them): the
``keras.ops`` / ``keras.random`` twin of a call (``K.sum`` -> ``keras.ops.sum``, defaults that changed
written out), ``K.int_shape``, ``K.function``, the image dim ordering, and a Lambda's function."""

from __future__ import annotations

import re

import libcst as cst

from ..migration import backend_twin, same_call
from ._syntax import codemod, fix_failed, import_keras_edit, parse_with_positions, whole_edit

_CAUSES = re.compile(r"((?:`\w+`(?:, )?)+) \(line (\d+)\)")


def backend_fix(diagnostic, source: str, name: str):
    """The fix of a call of the removed ``keras.backend.<name>`` the diagnostic points at."""
    if name == "set_image_dim_ordering":
        return codemod(source, diagnostic, _data_format)
    if name == "image_dim_ordering":
        return codemod(source, diagnostic, _ordering_comparison, cst.Comparison, where="around", inner=True) \
            or codemod(source, diagnostic, _ordering_value)
    if name in _SPECIAL_BACKEND:
        edits = codemod(source, diagnostic, _SPECIAL_BACKEND[name])
        return edits + import_keras_edit(source) if edits and name == "function" else edits
    return _backend_fix(diagnostic, source, name)


def _backend_fix(diagnostic, source: str, name: str):
    """``K.sum(x, axis=1)`` -> ``keras.ops.sum(x, axis=1)`` (``import keras`` added when the file does not
    bind ``keras``); defaults that changed are given explicitly (``K.argmax(x)`` ->
    ``keras.ops.argmax(x, axis=-1)``). No fix when the call would not mean the same."""
    edits = codemod(source, diagnostic, lambda call: _twin_call(call, name))
    if not edits:
        return []
    return edits + import_keras_edit(source)


def _twin_call(call, name: str):
    """The call of the removed ``keras.backend.<name>`` as its Keras 3 twin, None when it would not
    mean the same."""
    twin = backend_twin(name)
    if twin is None:
        return None
    target, old, new = twin
    if not isinstance(call.func, cst.Attribute) or call.func.attr.value != name or any(a.star for a in call.args):
        return None
    positional = sum(1 for a in call.args if a.keyword is None)
    keywords = [a.keyword.value for a in call.args if a.keyword is not None]
    how = same_call(old, new, positional, keywords)
    if how is None:
        return None
    args = [a.with_changes(keyword=cst.Name(how["rename"][a.keyword.value]))
            if a.keyword is not None and a.keyword.value in how["rename"] else a for a in call.args]
    for key, default in how["add"].items():
        if args:
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        args.append(cst.Arg(cst.parse_expression(default), keyword=cst.Name(key), equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))))
    return call.with_changes(func=cst.parse_expression(target), args=args)


def lambda_fix(diagnostic, source: str):
    """A Lambda whose function calls removed ``keras.backend`` functions: each of those calls (named
    with its line in the message) as its Keras 3 twin, all or none."""
    if "`keras.backend` has no" not in diagnostic.message:
        return []
    wanted = {(name, int(line)) for names, line in _CAUSES.findall(diagnostic.message)
              for name in re.findall(r"`(\w+)`", names)}
    parsed = parse_with_positions(source)
    if not wanted or parsed is None:
        return []
    module, pos = parsed
    targets = {node: node.func.attr.value for node, rng in pos.items()
               if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
               and (node.func.attr.value, rng.start.line) in wanted}
    failed = []

    class Twins(cst.CSTTransformer):
        def leave_Call(self, original, updated):
            if original not in targets:
                return updated
            new = _twin_call(updated, targets[original])
            if new is None:
                failed.append(original)
                return updated
            return new

    found = {(name, pos[node].start.line) for node, name in targets.items()}
    try:
        code = module.visit(Twins()).code
        cst.parse_module(code)
    except Exception as exc:  # noqa: BLE001 - a fix never raises
        fix_failed(diagnostic, exc)
        return []
    if failed or found != wanted:
        return []
    return whole_edit(source, code) + import_keras_edit(source)


def _int_shape(call):
    """``K.int_shape(x)`` -> ``tuple(x.shape)``: the same tuple of ints and None, for a Keras tensor, a
    backend tensor or an array."""
    if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
        return None
    value = call.args[0].value
    if not isinstance(value, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)) and not value.lpar:
        value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return call.with_changes(func=cst.Name("tuple"), args=[cst.Arg(cst.Attribute(value, cst.Name("shape")))])


def _is_learning_phase(node) -> bool:
    return isinstance(node, cst.Call) and not node.args and isinstance(node.func, cst.Attribute) \
        and node.func.attr.value == "learning_phase"


def _function(call):
    """``K.function([a, K.learning_phase()], [b])`` -> ``lambda args, _model=keras.Model([a], [b]):
    [keras.ops.convert_to_numpy(t) for t in keras.tree.flatten(_model(args[:1], training=bool(args[1])))]``:
    the model is built once (a default argument), called on the values in the order of the inputs, with
    the learning phase (0 when not among the inputs) as ``training``; the outputs come back as a list of
    arrays. Only for list literals of inputs and outputs."""
    given = {a.keyword.value if a.keyword else ("inputs", "outputs")[i]: a.value
             for i, a in enumerate(call.args[:2]) if not a.star}
    if len(call.args) != 2 or set(given) != {"inputs", "outputs"} or not all(
            isinstance(given[k], cst.List) for k in given):
        return None
    elements = list(given["inputs"].elements)
    phases = [i for i, e in enumerate(elements) if _is_learning_phase(e.value)]
    if any(_is_learning_phase(e.value) for e in given["outputs"].elements) or len(phases) > 1 or (
            phases and phases[0] != len(elements) - 1) or len(elements) == len(phases):
        return None
    code = cst.Module([]).code_for_node
    n = len(elements) - len(phases)
    inputs = "[" + ", ".join(code(e.value) for e in elements[:n]) + "]"
    called = f"_model(args[:{n}], training=bool(args[{n}]))" if phases else f"_model(args[:{n}], training=False)"
    text = (f"lambda args, _model=keras.Model({inputs}, {code(given['outputs'])}): "
            f"[keras.ops.convert_to_numpy(t) for t in keras.tree.flatten({called})]")
    try:
        new = cst.parse_expression(text)
    except Exception:  # noqa: BLE001 - a fix never raises
        return None
    return new.with_changes(lpar=call.lpar, rpar=call.rpar)


_SPECIAL_BACKEND = {"int_shape": _int_shape, "function": _function}
_ORDERINGS = {"tf": "channels_last", "th": "channels_first"}


def _data_format(call):
    """``K.set_image_dim_ordering('tf')`` -> ``K.set_image_data_format('channels_last')`` ('th':
    'channels_first'): the same setting under its Keras 2+ name."""
    if not isinstance(call.func, cst.Attribute) or len(call.args) != 1 or call.args[0].keyword is not None:
        return None
    value = call.args[0].value
    if not isinstance(value, cst.SimpleString) or value.evaluated_value not in _ORDERINGS:
        return None
    new = value.with_changes(value=value.prefix + value.quote + _ORDERINGS[value.evaluated_value] + value.quote)
    return call.with_changes(func=call.func.with_changes(attr=cst.Name("set_image_data_format")),
                             args=[call.args[0].with_changes(value=new)])


def _is_dim_ordering_call(node) -> bool:
    return isinstance(node, cst.Call) and not node.args and isinstance(node.func, cst.Attribute) \
        and node.func.attr.value == "image_dim_ordering"


def _ordering_comparison(comparison):
    """``K.image_dim_ordering() == 'th'`` -> ``K.image_data_format() == 'channels_first'`` (either side,
    ``==`` / ``!=``): the same test of the same setting under its Keras 2+ name and values."""
    if len(comparison.comparisons) != 1:
        return None
    target = comparison.comparisons[0]
    if not isinstance(target.operator, (cst.Equal, cst.NotEqual)):
        return None
    left, right = comparison.left, target.comparator
    call, text = (left, right) if _is_dim_ordering_call(left) else (right, left)
    if not _is_dim_ordering_call(call) or not isinstance(text, cst.SimpleString) \
            or text.evaluated_value not in _ORDERINGS:
        return None
    new_call = call.with_changes(func=call.func.with_changes(attr=cst.Name("image_data_format")))
    new_text = text.with_changes(value=text.prefix + text.quote + _ORDERINGS[text.evaluated_value] + text.quote)
    if call is left:
        return comparison.with_changes(left=new_call, comparisons=[target.with_changes(comparator=new_text)])
    return comparison.with_changes(left=new_text, comparisons=[target.with_changes(comparator=new_call)])


def _ordering_value(call):
    """``K.image_dim_ordering()`` elsewhere -> ``('th' if K.image_data_format() == 'channels_first'
    else 'tf')``: the Keras 1 value, computed from the Keras 3 setting."""
    if not _is_dim_ordering_call(call):
        return None
    backend = cst.Module([]).code_for_node(call.func.value)
    new = cst.parse_expression(f"('th' if {backend}.image_data_format() == 'channels_first' else 'tf')")
    return new.with_changes(lpar=call.lpar or new.lpar, rpar=call.rpar or new.rpar)
