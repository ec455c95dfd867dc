"""The fixes of Keras 1's merges (not a rule module; KC302 reports them): the ``merge(mode=...)``
function and the ``Merge`` layer of Sequential branches."""

from __future__ import annotations

import libcst as cst

from ..migration import MERGE_MODES, missing_name
from ._syntax import dotted, whole_edit


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
