"""Expressions and calls: constants, containers, operators, comprehensions, user functions with
Python's argument binding, builtins; Keras, TensorFlow and NumPy names go to ``keras_api``."""

from __future__ import annotations

import collections
import operator
from dataclasses import replace
from typing import Any

import libcst as cst

from ..ir import Layer, Loc, Tensor
from ..shapes.base import KerasError, Opaque, Unknown, UnknownMember, Unresolvable, describe
from ..shapes.symbolic import Sym
from . import budgets, keras_api, paths, repairs, tensors, user_layers
from .classes import is_instance
from .control import KerasErrorAt, Return
from .result import RefCalled, SummaryEvent
from .scans import PY_BUILTINS, hashable, is_generator, is_summary_call
from .symbols import SymbolicShape, has_symbol
from .symbols import compare as symbolic_compare
from .values import BoundMethod, Builtin, Function, Ref, Scope, Super, UserClass


BUILTINS = {
    name: Builtin(name)
    for name in (
        "len range list tuple dict set int float str bool print enumerate zip sum min max abs "
        "isinstance sorted reversed round super any all hasattr getattr map filter iter next type chr ord divmod"
    ).split()
}


class Expressions:
    """The expression half of ``Interpreter`` (a mixin: ``self`` is the interpreter)."""

    def eval(self, node: cst.BaseExpression, scope: Scope) -> Any:
        handler = EXPR_HANDLERS.get(type(node))
        if handler is None:
            return Unknown(f"{type(node).__name__} expressions are not evaluated")
        return handler(self, node, scope)

    # Literals without libcst's ``evaluated_value`` (an ``ast.literal_eval``, a compile, per use).
    def expr_Integer(self, node, scope):
        return int(node.value, 0)

    def expr_Float(self, node, scope):
        return float(node.value)

    def expr_Imaginary(self, node, scope):
        return node.evaluated_value

    def expr_SimpleString(self, node, scope):
        text = node.value
        if "\\" not in text and "\r" not in text and text[0] in "'\"":  # no prefix, escapes or CRs: as written
            quote = 3 if text[:3] in ('"""', "'''") else 1
            return text[quote:-quote]
        return node.evaluated_value

    def expr_ConcatenatedString(self, node, scope):
        value = node.evaluated_value
        return value if value is not None else Unknown("byte string")

    def expr_FormattedString(self, node, scope):
        parts = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(part.value)
            else:
                value = self.eval(part.expression, scope)
                if isinstance(value, Unknown) or not isinstance(value, (int, float, str, bool, type(None), tuple)):
                    return Unknown("f-string with a value not known statically")
                spec = ""
                if part.format_spec:
                    spec = "".join(p.value for p in part.format_spec if isinstance(p, cst.FormattedStringText))
                conv = {"r": repr, "s": str, "a": ascii}.get(part.conversion or "", None)
                parts.append(format(conv(value) if conv else value, spec))
        return "".join(parts)

    def expr_Ellipsis(self, node, scope):
        return Ellipsis

    def expr_Name(self, node, scope):
        name = node.value
        try:
            return scope.lookup(name)
        except KeyError:
            pass
        if name in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[name]
        if name in BUILTINS:
            return BUILTINS[name]
        module = scope.module
        if name not in PY_BUILTINS and not module.star_imports and name not in module.bound_names:
            raise KerasError(f"name '{name}' is not defined", "NameError").annotate(stage="name", loc=self.loc(node))
        return Unknown(f"`{name}` is not defined here")

    def expr_Attribute(self, node, scope):
        obj = self.eval(node.value, scope)
        if isinstance(obj, (Unknown, Opaque)) and node.attr.value == "shape":
            return self.symbols.shape(node)
        loc = self.loc(node)
        try:
            return keras_api.get_attribute(self, obj, node.attr.value, loc)
        except KerasError as exc:
            raise exc.annotate(loc=loc)

    def expr_Tuple(self, node, scope):
        return tuple(self.eval_elements(node.elements, scope))

    def expr_List(self, node, scope):
        return self.eval_elements(node.elements, scope)

    def expr_Set(self, node, scope):
        items = self.eval_elements(node.elements, scope)
        if any(isinstance(i, Unknown) or not hashable(i) for i in items):
            return Unknown("a set element is not known statically")
        return set(items)

    def expr_Dict(self, node, scope):
        result = {}
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                value = self.eval(element.value, scope)
                if isinstance(value, dict):
                    result.update(value)
                continue
            key = self.eval(element.key, scope)
            if isinstance(key, Unknown) or not hashable(key):
                return Unknown("a dict key is not known statically")
            result[key] = self.eval(element.value, scope)
        return result

    def eval_elements(self, elements, scope) -> list:
        items: list = []
        for element in elements:
            value = self.eval(element.value, scope)
            if isinstance(element, cst.StarredElement):
                items.extend(self.iterate(value))
            else:
                items.append(value)
        return items

    def expr_Subscript(self, node, scope):
        obj = self.eval(node.value, scope)
        if len(node.slice) == 1:
            index = self.eval_slice(node.slice[0].slice, scope)
        else:
            index = tuple(self.eval_slice(s.slice, scope) for s in node.slice)
        if isinstance(obj, SymbolicShape):
            return self.symbols.item(obj, index)
        return keras_api.subscript(self, obj, index, self.loc(node))

    def eval_slice(self, node, scope):
        if isinstance(node, cst.Index):
            return self.eval(node.value, scope)
        parts = [self.eval(p, scope) if p is not None else None for p in (node.lower, node.upper, node.step)]
        if any(isinstance(p, Unknown) for p in parts):
            return Unknown("slice bounds not known statically")
        return slice(*parts)

    def expr_BinaryOperation(self, node, scope):
        left, right = self.eval(node.left, scope), self.eval(node.right, scope)
        return self.binop(type(node.operator).__name__, left, right, node)

    def binop(self, op: str, left: Any, right: Any, node: cst.CSTNode) -> Any:
        if isinstance(left, Unknown):
            return left
        if isinstance(right, Unknown):
            return right
        if isinstance(left, Tensor) or isinstance(right, Tensor):
            return tensors.tensor_binop(self, op, left, right, self.loc(node))
        if isinstance(left, str) and has_symbol(right):
            return Unknown("a string formatted with a symbolic dimension")
        fn = _BINOPS.get(op)
        if fn is None:
            return Unknown(f"operator {op}")
        if isinstance(left, (Opaque, Ref)) or isinstance(right, (Opaque, Ref)):
            return Unknown(f"operator {op} on a library object")
        too_big = _too_big(op, left, right)
        if too_big:
            return Unknown(too_big)
        try:
            return fn(left, right)
        except Exception as exc:  # the user's arithmetic, e.g. a TypeError: Python would raise
            return Unknown(f"{op} raised {type(exc).__name__}")

    def expr_UnaryOperation(self, node, scope):
        value = self.eval(node.expression, scope)
        if isinstance(value, Unknown):
            return value
        op = type(node.operator).__name__
        if op == "Not":
            truth = self.truth(value)
            return truth if isinstance(truth, Unknown) else not truth
        if isinstance(value, (int, float, Sym)):
            return {"Minus": operator.neg, "Plus": operator.pos, "BitInvert": operator.invert}[op](value)
        if isinstance(value, Tensor):
            if op == "Minus":
                return tensors.tensor_negative(self, value, self.loc(node))
            return value
        return Unknown(f"unary {op}")

    def expr_BooleanOperation(self, node, scope):
        left = self.eval(node.left, scope)
        truth = self.truth(left)
        if isinstance(truth, Unknown):
            return truth
        is_and = isinstance(node.operator, cst.And)
        if (is_and and not truth) or (not is_and and truth):
            return left
        return self.eval(node.right, scope)

    def expr_Comparison(self, node, scope):
        left = self.eval(node.left, scope)
        for target in node.comparisons:
            right = self.eval(target.comparator, scope)
            if isinstance(left, Unknown) or isinstance(right, Unknown):
                return Unknown("comparison of values not known statically")
            op = type(target.operator).__name__
            if (isinstance(left, Sym) or isinstance(right, Sym)) and op in _SYMBOLIC_COMPARISONS:
                result = symbolic_compare(_SYMBOLIC_COMPARISONS[op], left, right)
                if isinstance(result, Unknown):
                    return result
            elif op in ("Is", "IsNot"):
                result = (left is right) if op == "Is" else (left is not right)
            else:
                fn = _COMPARISONS.get(op)
                if fn is None or isinstance(left, Tensor) or isinstance(right, Tensor):
                    return Unknown(f"comparison {op}")
                try:
                    result = fn(left, right)
                except Exception:
                    return Unknown(f"comparison {op} failed")
            if not result:
                return False
            left = right
        return True

    def expr_IfExp(self, node, scope):
        cond = self.truth(self.eval(node.test, scope))
        if isinstance(cond, Unknown):
            return cond
        return self.eval(node.body if cond else node.orelse, scope)

    def expr_NamedExpr(self, node, scope):
        value = self.eval(node.value, scope)
        self.assign(node.target, value, scope)
        return value

    def expr_Lambda(self, node, scope):
        return Function(node, scope, "<lambda>")

    def expr_ListComp(self, node, scope):
        return self.comprehension(node.for_in, lambda s: [self.eval(node.elt, s)], scope)

    expr_GeneratorExp = expr_ListComp

    def expr_DictComp(self, node, scope):
        pairs = self.comprehension(node.for_in, lambda s: [(self.eval(node.key, s), self.eval(node.value, s))], scope)
        if isinstance(pairs, Unknown):
            return pairs
        if any(isinstance(k, Unknown) or not hashable(k) for k, _ in pairs):
            return Unknown("a dict key is not known statically")
        return dict(pairs)

    def comprehension(self, for_in: cst.CompFor, produce, scope: Scope) -> Any:
        inner = Scope(scope, scope.module)
        out: list = []
        start, count = self.steps, 0
        names = collections.Counter(self.keras.naming.uids)

        def loop(clause: cst.CompFor | None) -> None:
            nonlocal count
            if clause is None:
                out.extend(produce(inner))
                return
            for item in self.iterate(self.eval(clause.iter, inner)):
                count += 1  # the comprehension's own budget, as a loop's (budgets.LOOP_STEPS)
                if count > budgets.MAX_ITERATIONS or self.steps - start > budgets.LOOP_STEPS:
                    if self.keras.naming.uids != names:
                        for prefix in set(self.keras.naming.uids) | set(names):
                            if self.keras.naming.uids[prefix] != names[prefix]:
                                self.keras.naming.uncertain.setdefault(prefix, f"the comprehension {self.where(for_in)} runs too long to follow")
                    raise Unresolvable(f"the comprehension {self.where(for_in)} runs too long to follow")
                self.assign(clause.target, item, inner)
                ok = True
                for cond in clause.ifs:
                    truth = self.truth(self.eval(cond.test, inner))
                    if isinstance(truth, Unknown):
                        raise Unresolvable(f"comprehension condition not known ({truth.reason})")
                    ok = ok and truth
                if ok:
                    loop(clause.inner_for_in)

        try:
            loop(for_in)
        except Unresolvable as exc:
            return Unknown(exc.reason)
        return out

    def expr_Call(self, node: cst.Call, scope: Scope):
        func = self.eval(node.func, scope)
        args, kwargs = [], {}
        for arg in node.args:
            value = self.eval(arg.value, scope)
            if arg.star == "*":
                if isinstance(value, Unknown):
                    return value
                args.extend(self.iterate(value))
            elif arg.star == "**":
                if not isinstance(value, dict):
                    return Unknown("**kwargs not known statically")
                kwargs.update(value)
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = value
            else:
                args.append(value)
        if isinstance(func, Builtin) and func.name == "len" and len(args) == 1 and isinstance(args[0], (Unknown, Opaque)):
            return self.symbols.of_expression(node)  # a data-dependent size
        return self.call(func, args, kwargs, node)

    # -- calls --------------------------------------------------------------------------------------
    def call(self, func: Any, args: list, kwargs: dict, node: cst.CSTNode | None) -> Any:
        loc = self.loc(node)
        try:
            return self._call(func, args, kwargs, node, loc)
        except KerasError as exc:
            if self.file_stack[-1] is None:
                exc.annotate(main_loc=loc)
            raise exc.annotate(loc=loc)
        except KerasErrorAt as exc:  # raised by a statement of a user function
            if self.file_stack[-1] is None:
                exc.error.annotate(main_loc=loc)
            raise

    def _call(self, func: Any, args: list, kwargs: dict, node: cst.CSTNode, loc: Loc) -> Any:
        if isinstance(func, (Unknown, Opaque)) and is_summary_call(node):
            reason = func.reason if isinstance(func, Unknown) else f"`{func.description}` is not a model kerascheck can follow"
            self.add_summary(SummaryEvent(loc, None, None, reason))
        if isinstance(func, UnknownMember):
            return keras_api.call_unknown_member(self, func, args, kwargs, loc)
        if isinstance(func, Unknown):
            return Unknown(func.reason)
        if isinstance(func, Function):
            return self.call_function(func, args, kwargs)
        if isinstance(func, BoundMethod):
            return self.call_function(func.function, [func.self_value, *args], kwargs)
        if isinstance(func, UserClass):
            return user_layers.instantiate(self, func, args, kwargs, loc)
        if isinstance(func, Builtin):
            return self.call_builtin(func.name, args, kwargs, loc)
        if isinstance(func, Super):
            return func
        if isinstance(func, Ref):
            events = self.result.events
            index = len(events)  # the event comes before those of the call itself (the layer it creates)
            events.append(RefCalled(loc, func.path, args, kwargs, node, func.tf_keras))
            func, kwargs = repairs.ref_call(self, func, args, kwargs, loc)  # a removed name: its Keras 3 twin
            value = keras_api.call(self, func, args, kwargs, loc) if isinstance(func, Ref) else func
            # The value made is kept for rules that read its arguments later (a loss object's from_logits).
            events[index] = replace(events[index], result=value)
            return value
        return keras_api.call(self, func, args, kwargs, loc)

    def call_function(self, func: Function, args: list, kwargs: dict) -> Any:
        if self.depth >= budgets.MAX_DEPTH:
            raise Unresolvable(f"recursion deeper than {budgets.MAX_DEPTH} calls in `{func.name}`")
        if self.speculative and any(frame[0] is func for frame in self.frames):
            # Recursion on a path the analysis cannot decide (``if isinstance(part, list): walk(part)``
            # over unknown data) would be explored on every path at every level: summarised instead.
            return Unknown(f"`{func.name}` calls itself on a path not known statically")
        func.calls += 1
        scope = Scope(func.scope, func.scope.module)
        self.bind_params(func, args, kwargs, scope)
        if isinstance(func.node, cst.FunctionDef) and is_generator(func.node):
            # Calling a generator function runs none of its body: it returns a generator.
            return Opaque(f"generator {func.name}()")
        self.depth += 1
        self.frames.append((func, scope))
        self.file_stack.append(func.scope.module.file)
        self.pending_returns.append([])
        value: Any = None
        try:
            if isinstance(func.node, cst.Lambda):
                value = self.eval(func.node.body, scope)
            else:
                scope.vars["__class__"] = func.owner
                self.exec_block(func.node.body.body, scope)
        except Return as ret:
            value = ret.value
        finally:
            self.depth -= 1
            self.frames.pop()
            self.file_stack.pop()
            pending = self.pending_returns.pop()
        if pending and not all(paths.same(value, v) for v in pending):
            return Unknown(f"what `{func.name}` returns depends on a path the analysis cannot choose")
        return value

    def bind_params(self, func: Function, args: list, kwargs: dict, scope: Scope) -> None:
        """Bind arguments as Python does, raising the TypeError Python raises for a bad call."""
        params = func.node.params
        positional = list(params.posonly_params) + list(params.params)
        qualname = f"{func.owner.name}.{func.name}" if func.owner else func.name
        args, kwargs = list(args), dict(kwargs)
        if len(args) > len(positional) and not isinstance(params.star_arg, cst.Param):
            given = len(args)
            takes = len(positional)
            raise KerasError(f"{qualname}() takes {takes} positional argument{'s' * (takes != 1)} "
                             f"but {given} {'were' if given != 1 else 'was'} given", "TypeError")
        missing = []
        for param in positional:
            name = param.name.value
            if args:
                scope.vars[name] = args.pop(0)
            elif name in kwargs:
                scope.vars[name] = kwargs.pop(name)
            elif param.default is not None:
                scope.vars[name] = self.eval(param.default, func.scope)
            else:
                missing.append(name)
        if missing:
            names = [f"'{n}'" for n in missing]
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
            raise KerasError(f"{qualname}() missing {len(missing)} required positional argument"
                             f"{'s' * (len(missing) != 1)}: {listed}", "TypeError")
        if isinstance(params.star_arg, cst.Param):
            scope.vars[params.star_arg.name.value] = tuple(args)
        for param in params.kwonly_params:
            name = param.name.value
            if name in kwargs:
                scope.vars[name] = kwargs.pop(name)
            elif param.default is not None:
                scope.vars[name] = self.eval(param.default, func.scope)
            else:
                raise KerasError(f"{qualname}() missing 1 required keyword-only argument: '{name}'", "TypeError")
        if params.star_kwarg is not None:
            scope.vars[params.star_kwarg.name.value] = kwargs
        elif kwargs:
            raise KerasError(f"{qualname}() got an unexpected keyword argument '{next(iter(kwargs))}'", "TypeError")

    def call_builtin(self, name: str, args: list, kwargs: dict, loc: Loc) -> Any:
        if name == "print":
            return None
        if name == "super":
            return user_layers.make_super(self, args)
        if any(isinstance(a, (Unknown, Opaque)) for a in args):  # set(<data>); len() of one was a symbol above
            return Unknown(f"{name}() of a value not known statically")
        if name not in _SYMBOL_SAFE_BUILTINS and any(has_symbol(a) for a in args):
            if name == "int" and len(args) == 1 and isinstance(args[0], Sym):
                return args[0]
            return Unknown(f"{name}() of a symbolic dimension")
        try:
            if name == "len":
                return keras_api.length(args[0])
            if name in ("list", "tuple", "sorted", "reversed", "enumerate", "zip", "sum", "min", "max", "any", "all", "set"):
                unordered = name in _ORDER_FREE
                iterables = [self.iterate(a, unordered) if not isinstance(a, (int, float)) else a for a in args]
                fn = {"list": list, "tuple": tuple, "sorted": sorted, "enumerate": enumerate, "zip": zip,
                      "sum": sum, "min": min, "max": max, "any": any, "all": all, "set": set,
                      "reversed": lambda x: list(reversed(list(x)))}[name]
                value = fn(*iterables, **kwargs) if name != "reversed" else fn(*iterables)
                return list(value) if name in ("enumerate", "zip") else value
            if name in ("range", "int", "float", "str", "bool", "abs", "round", "dict", "chr", "ord", "divmod"):
                return {"range": range, "int": int, "float": float, "str": str, "bool": bool,
                        "abs": abs, "round": round, "dict": dict, "chr": chr, "ord": ord,
                        "divmod": divmod}[name](*args, **kwargs)
            if name == "isinstance":
                return is_instance(args[0], args[1])
            if name == "hasattr" and len(args) == 2 and isinstance(args[1], str) and _plain(args[0]):
                return hasattr(args[0], args[1])  # ``v.value if hasattr(v, "value") else v`` over a shape
            if name == "map" and args and isinstance(args[0], (Function, BoundMethod, Builtin)):
                return [self.call(args[0], list(items), {}, cst.Name("map")) for items in zip(*map(self.iterate, args[1:]))]
        except (TypeError, ValueError) as exc:
            return Unknown(f"{name}() raised {type(exc).__name__}")
        return Unknown(f"{name}() is not evaluated")

    # -- helpers --------------------------------------------------------------------------------------
    def iterate(self, value: Any, unordered: bool = False):
        """The items of ``value`` (a range is not materialised: a loop stops at its budget);
        ``unordered``: the consumer ignores the order (``sorted``, ``len``, ``set``)."""
        if isinstance(value, Unknown):
            raise Unresolvable(value.reason)
        if isinstance(value, range):
            return value
        if isinstance(value, (list, tuple, str)):
            return list(value)
        if isinstance(value, dict):
            return list(value)
        if isinstance(value, (set, frozenset)):
            if not unordered and any(isinstance(v, str) for v in value):  # hash order: differs per run
                raise Unresolvable("the order of a set of strings changes from run to run")
            return list(value)
        it = keras_api.iterate(self, value)
        if it is None:
            raise Unresolvable(f"cannot iterate over {type(value).__name__} statically")
        return it

    def truth(self, value: Any) -> Any:
        if isinstance(value, Unknown):
            return value
        if isinstance(value, (Tensor, Opaque, Ref)):
            return Unknown(f"truth value of {describe(value)}")
        if isinstance(value, (Layer,)):
            return True
        try:
            return bool(value)
        except Exception:
            return Unknown("truth value not known")


_ORDER_FREE = {"sorted", "sum", "min", "max", "any", "all", "set"}  # results that ignore the items' order


def _plain(value: Any) -> bool:
    """A plain Python value, whose attributes are Python's own."""
    if isinstance(value, (tuple, list)):
        return all(_plain(v) for v in value)
    return value is None or type(value) in (bool, int, float, str, dict)


_BINOPS = {
    "Add": operator.add, "Subtract": operator.sub, "Multiply": operator.mul, "Divide": operator.truediv,
    "FloorDivide": operator.floordiv, "Modulo": operator.mod, "Power": operator.pow,
    "LeftShift": operator.lshift, "RightShift": operator.rshift, "BitOr": operator.or_,
    "BitAnd": operator.and_, "BitXor": operator.xor, "MatrixMultiply": operator.matmul,
}
_SYMBOLIC_COMPARISONS = {
    "Equal": "==", "NotEqual": "!=", "LessThan": "<", "LessThanEqual": "<=", "GreaterThan": ">", "GreaterThanEqual": ">=",
}
# Builtins whose result cannot depend on a symbol's value (anything else of a symbol is unknown).
_SYMBOL_SAFE_BUILTINS = {"print", "super", "len", "list", "tuple", "enumerate", "zip", "sum", "isinstance", "reversed"}

_COMPARISONS = {
    "Equal": operator.eq, "NotEqual": operator.ne, "LessThan": operator.lt, "LessThanEqual": operator.le,
    "GreaterThan": operator.gt, "GreaterThanEqual": operator.ge,
    "In": lambda a, b: a in b, "NotIn": lambda a, b: a not in b,
}





def _too_big(op: str, left: Any, right: Any) -> str | None:
    """Why computing ``left op right`` would cost more memory or time than it is worth, if so."""
    if op == "Multiply":
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, (list, tuple, str, bytes)) and isinstance(n, int) and len(seq) * n > budgets.MAX_ITEMS:
                return f"a sequence of {len(seq) * n:,} items is not built statically"
    if op in ("Power", "LeftShift") and isinstance(left, int) and isinstance(right, int) and right > 0:
        bits = max(left.bit_length(), 1) * right if op == "Power" else left.bit_length() + right
        if bits > budgets.MAX_BITS:
            return "an integer too large to compute statically"
    return None


EXPR_HANDLERS = {getattr(cst, name[5:]): fn for name, fn in vars(Expressions).items() if name.startswith("expr_")}
