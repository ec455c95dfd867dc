"""The fixes of Keras 1's merges (not a rule module; KC302 reports them): the ``merge(mode=...)``
function and the ``Merge`` layer of Sequential branches."""

from __future__ import annotations

import libcst as cst

from ..migration import MERGE_MODES, missing_name
from ._syntax import dotted, import_keras_edit, whole_edit


def merge_function_fix(diagnostic, source: str):
    """``from keras.layers import merge`` and Keras 1 calls ``merge([a, b], mode='concat')`` ->
    ``from keras.layers import concatenate`` and ``concatenate([a, b])`` (``sum`` -> ``add``, ``mul`` ->
    ``multiply``, ``dot``/``cos`` -> ``dot(axes=..., normalize=...)``): Keras 1's merge built exactly
    those layers. No fix when a call's mode is not a literal Keras 1 name."""

    try:
        module = cst.parse_module(source)
    except Exception:
        return []
    imports = [s for line in module.body if isinstance(line, cst.SimpleStatementLine) for s in line.body
               if isinstance(s, cst.ImportFrom) and not isinstance(s.names, cst.ImportStar)
               and any(dotted(a.name) == "merge" for a in s.names)]
    if len(imports) != 1 or missing_name(dotted(imports[0].module), "merge") is None:
        return []
    alias = next(a for a in imports[0].names if dotted(a.name) == "merge")
    bound = alias.asname.name.value if alias.asname else "merge"
    needed: list[str] = []
    failed = []

    def keyword(name: str, value) -> cst.Arg:
        return cst.Arg(value, keyword=cst.Name(name), equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))

    class Calls(cst.CSTTransformer):
        def leave_Call(self, original, updated):
            if not (isinstance(updated.func, cst.Name) and updated.func.value == bound):
                return updated
            given = {a.keyword.value: a.value for a in updated.args if a.keyword is not None}
            mode = given.get("mode")
            mode = "sum" if mode is None else (mode.evaluated_value if isinstance(mode, cst.SimpleString) else None)
            if mode not in MERGE_MODES or any(k in given for k in ("output_shape", "output_mask", "arguments",
                                                                  "node_indices", "tensor_indices")):
                failed.append(original)
                return updated
            fn = MERGE_MODES[mode]
            if fn not in needed:
                needed.append(fn)
            args = [a for a in updated.args if a.keyword is None or a.keyword.value not in (
                "mode", "concat_axis", "dot_axes")]
            extra = []
            if mode == "concat" and "concat_axis" in given:
                extra.append(keyword("axis", given["concat_axis"]))
            if mode in ("dot", "cos"):
                extra.append(keyword("axes", given.get("dot_axes", cst.parse_expression("-1"))))
                if mode == "cos":
                    extra.append(keyword("normalize", cst.Name("True")))
            args = [*args, *extra]
            args = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                    for a in args[:-1]] + [args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)] if args else []
            return updated.with_changes(func=cst.Name(fn), args=args)

    new_module = module.visit(Calls())
    if failed or not needed:
        return []
    target = imports[0]
    others = {dotted(a.name) for a in target.names}

    class Import(cst.CSTTransformer):
        def leave_ImportFrom(self, original, updated):
            if not original.deep_equals(target):
                return updated
            names = []
            for a in updated.names:
                if dotted(a.name) == "merge":
                    names += [cst.ImportAlias(cst.Name(fn)) for fn in needed if fn not in others]
                else:
                    names.append(a)
            names = [n.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for n in names[:-1]] \
                + [names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
            return updated.with_changes(names=names)

    try:
        code = new_module.visit(Import()).code
        cst.parse_module(code)
    except Exception:
        return []
    return whole_edit(source, code)


# Keras 1's Merge(mode=...) and the Keras 3 merge layer class that computes the same.
MERGE_LAYERS = {"concat": "Concatenate", "sum": "Add", "mul": "Multiply", "ave": "Average", "max": "Maximum",
                "dot": "Dot", "cos": "Dot"}


def merge_layer_fix(diagnostic, source: str):
    """Keras 1's ``Merge`` of Sequential branches as the first layer of a Sequential::

        merged = Merge([left, right], mode='concat')
        final = Sequential()
        final.add(merged)
        final.add(Dense(10))

    becomes the functional form on the branches' own tensors (the same layers and weights)::

        merged = Concatenate()([left.outputs[0], right.outputs[0]])
        final = Model(left.inputs + right.inputs, Dense(10)(merged))

    with ``Concatenate`` imported in place of ``Merge``. Only for that pattern, written at the module's
    top level (the branches made by ``Sequential()``, the merged layer used only by that ``add``, the
    adds right after ``Sequential()``); otherwise no fix."""
    try:
        module = cst.parse_module(source)
    except Exception:
        return []
    plan = _merge_plan(module)
    if plan is None:
        return []
    replace, delete, needs_keras = plan
    body = [replace.get(i, line) for i, line in enumerate(module.body) if i not in delete]
    try:
        code = module.with_changes(body=body).code
        cst.parse_module(code)
    except Exception:  # noqa: BLE001 - a fix never raises
        return []
    return whole_edit(source, code) + (import_keras_edit(source) if needs_keras else [])


def _statement(line):
    """The one small statement of a top-level line, else None."""
    if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
        return line.body[0]
    return None


def _assigned_call(line):
    """(target name, call) of ``name = call(...)`` at the top level."""
    stmt = _statement(line)
    if isinstance(stmt, cst.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0].target, cst.Name) \
            and isinstance(stmt.value, cst.Call):
        return stmt.targets[0].target.value, stmt.value
    return None


def _callee(call) -> str:
    return dotted(call.func).rpartition(".")[2]


def _names_used(module) -> dict[str, int]:
    counts: dict[str, int] = {}

    class Count(cst.CSTVisitor):
        def visit_Name(self, node):
            counts[node.value] = counts.get(node.value, 0) + 1

    module.visit(Count())
    return counts


def _merge_plan(module):
    body = module.body
    # the import of Merge (one, at the top level)
    imports = [(i, s) for i, line in enumerate(body) for s in [_statement(line)]
               if isinstance(s, cst.ImportFrom) and not isinstance(s.names, cst.ImportStar) and s.module is not None
               and any(dotted(a.name) == "Merge" for a in s.names)]
    if len(imports) != 1 or missing_name(dotted(imports[0][1].module), "Merge") is None:
        return None
    import_index, import_from = imports[0]
    alias = next(a for a in import_from.names if dotted(a.name) == "Merge")
    bound = alias.asname.name.value if alias.asname else "Merge"
    counts = _names_used(module)
    merges = [(i, found) for i, line in enumerate(body) for found in [_assigned_call(line)]
              if found is not None and isinstance(found[1].func, cst.Name) and found[1].func.value == bound]
    if len(merges) != 1 or counts.get(bound, 0) != 2:  # the import and this call
        return None
    merge_index, (merged, call) = merges[0]
    layer = _merge_layer(call)
    if layer is None:
        return None
    branches = [e.value.value for e in call.args[0].value.elements]
    sequentials = {found[0] for line in body[:merge_index] for found in [_assigned_call(line)]
                   if found is not None and _callee(found[1]) == "Sequential"}
    if not all(b in sequentials for b in branches):
        return None
    # final = Sequential(); final.add(merged); final.add(...)...
    model_index = merge_index + 1
    while model_index < len(body) and not (_assigned_call(body[model_index]) and _callee(
            _assigned_call(body[model_index])[1]) == "Sequential"):
        model_index += 1
    if model_index >= len(body):
        return None
    final, seq_call = _assigned_call(body[model_index])
    if seq_call.args:
        return None
    adds, i = [], model_index + 1
    while i < len(body):
        stmt = _statement(body[i])
        if not (isinstance(stmt, cst.Expr) and isinstance(stmt.value, cst.Call) and isinstance(
                stmt.value.func, cst.Attribute) and dotted(stmt.value.func) == f"{final}.add"
                and len(stmt.value.args) == 1 and stmt.value.args[0].keyword is None and not stmt.value.args[0].star):
            break
        adds.append((i, stmt.value.args[0].value))
        i += 1
    if not adds or not (isinstance(adds[0][1], cst.Name) and adds[0][1].value == merged) or counts.get(merged, 0) != 2:
        return None
    code = cst.Module([]).code_for_node
    tensor = merged
    for _, layer_expr in adds[1:]:
        tensor = f"{code(layer_expr)}({tensor})"
    model_name = _model_name(body) or "keras.Model"
    inputs = " + ".join(f"{b}.inputs" for b in branches)
    tensors = ", ".join(f"{b}.outputs[0]" for b in branches)
    layer_stmt = body[merge_index].with_changes(body=[cst.parse_statement(
        f"{merged} = {layer}([{tensors}])\n").body[0]])
    model_stmt = body[model_index].with_changes(body=[cst.parse_statement(
        f"{final} = {model_name}({inputs}, {tensor})\n").body[0]])
    layer_class = layer.split("(", 1)[0]
    names = []
    for a in import_from.names:
        if dotted(a.name) != "Merge":
            names.append(a)
        elif layer_class not in {dotted(n.name) for n in import_from.names}:
            names.append(a.with_changes(name=cst.Name(layer_class), asname=None))
    if not names:
        return None
    names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    new_import = body[import_index].with_changes(body=[import_from.with_changes(names=names)])
    replace = {import_index: new_import, merge_index: layer_stmt, model_index: model_stmt}
    return replace, {i for i, _ in adds}, model_name == "keras.Model"


def _merge_layer(call) -> str | None:
    """``Concatenate(axis=1)`` for ``Merge([...], mode='concat', concat_axis=1)``; None when the call
    is not a list of branch names with a literal Keras 1 mode."""
    if not call.args or call.args[0].keyword is not None or not isinstance(call.args[0].value, cst.List):
        return None
    if not call.args[0].value.elements or not all(isinstance(e.value, cst.Name) for e in call.args[0].value.elements):
        return None
    given = {a.keyword.value: a.value for a in call.args[1:] if a.keyword is not None}
    if len(given) != len(call.args) - 1 or set(given) - {"mode", "concat_axis", "dot_axes", "name"}:
        return None
    mode = given.get("mode")
    mode = "sum" if mode is None else (mode.evaluated_value if isinstance(mode, cst.SimpleString) else None)
    if mode not in MERGE_LAYERS:
        return None
    code = cst.Module([]).code_for_node
    keywords = []
    if mode == "concat" and "concat_axis" in given and code(given["concat_axis"]) != "-1":
        keywords.append(f"axis={code(given['concat_axis'])}")
    if mode in ("dot", "cos"):
        keywords.append(f"axes={code(given['dot_axes']) if 'dot_axes' in given else '-1'}")
        if mode == "cos":
            keywords.append("normalize=True")
    if "name" in given:
        keywords.append(f"name={code(given['name'])}")
    return f"{MERGE_LAYERS[mode]}({', '.join(keywords)})"


def _model_name(body) -> str | None:
    """How the module names ``keras.Model`` (``Model`` imported from keras.models or keras), None if it
    does not."""
    for line in body:
        stmt = _statement(line)
        if isinstance(stmt, cst.ImportFrom) and stmt.module is not None and not isinstance(stmt.names, cst.ImportStar) \
                and dotted(stmt.module) in ("keras.models", "keras", "tensorflow.keras.models", "tensorflow.keras"):
            for a in stmt.names:
                if dotted(a.name) == "Model":
                    return a.asname.name.value if a.asname else "Model"
    return None
