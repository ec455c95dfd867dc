"""Helpers for rules about user subclasses of ``keras.Layer`` / ``keras.Model`` (not a rule module)."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from ..frontend.result import ClassDefined
from ._syntax import dotted, in_file


def keras_classes(ctx) -> Iterator[tuple]:
    """(event, UserClass, ClassDef) for each Keras Layer/Model subclass defined in the analysed file."""
    seen = set()
    for event in ctx.result.events_of(ClassDefined):
        cls, node = event.cls, event.node
        if id(node) in seen or not in_file(event.loc) or cls.keras_kind is None:
            continue  # seen already, defined in an imported module, or not a Keras class
        seen.add(id(node))
        yield event, cls, node


def method(node: cst.ClassDef, name: str) -> cst.FunctionDef | None:
    """The class body's own ``def name`` (the last one, as Python keeps)."""
    found = None
    for stmt in node.body.body:
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value == name:
            found = stmt
    return found


def decorated_as(func: cst.FunctionDef, *names: str) -> bool:
    return any(dotted(d.decorator if not isinstance(d.decorator, cst.Call) else d.decorator.func).split(".")[-1]
               in names for d in func.decorators)


def returns_value(func: cst.FunctionDef) -> bool:
    """Some ``return <value>`` (or ``yield``) in the function's own body, not in nested functions."""
    found = False

    class Visitor(cst.CSTVisitor):
        def visit_Return(self, node):
            nonlocal found
            if node.value is not None and not (isinstance(node.value, cst.Name) and node.value.value == "None"):
                found = True

        def visit_Yield(self, node):
            nonlocal found
            found = True

        def visit_FunctionDef(self, node):
            return False

        def visit_Lambda(self, node):
            return False

        def visit_ClassDef(self, node):
            return False

    func.body.visit(Visitor())
    return found


def only_raises(func: cst.FunctionDef) -> bool:
    """An abstract method: the body (after a docstring) is a single ``raise`` or ``...``/``pass``."""
    body = list(func.body.body) if isinstance(func.body, cst.IndentedBlock) else [func.body]
    statements = []
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            statements.extend(stmt.body)
        else:
            statements.append(stmt)
    if statements and isinstance(statements[0], cst.Expr) and isinstance(statements[0].value, cst.SimpleString):
        statements = statements[1:]
    return any(isinstance(s, cst.Raise) for s in statements) or all(
        isinstance(s, cst.Pass) or (isinstance(s, cst.Expr) and isinstance(s.value, cst.Ellipsis)) for s in statements
    )
