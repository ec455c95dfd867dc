"""What the slicer asks of libcst nodes: the calls and names in a statement, the names it binds."""

from __future__ import annotations

import libcst as cst


class _Collect(cst.CSTVisitor):
    def __init__(self):
        self.calls: list[cst.Call] = []
        self.names: list[str] = []

    def visit_Lambda(self, node) -> bool:
        return False

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False


def collect(node) -> _Collect:
    collector = _Collect()
    node.visit(collector)
    return collector


def calls(node) -> list[cst.Call]:
    return collect(node).calls


def reads(node) -> list[str]:
    """Names a small statement or an expression reads (plain assignment targets excluded)."""
    if isinstance(node, cst.Assign):
        parts = [node.value] + [t.target for t in node.targets if not plain_target(t.target)]
    elif isinstance(node, cst.AnnAssign):
        parts = [node.value] if node.value is not None else []
    else:
        parts = [node]
    return [name for part in parts for name in collect(part).names]


def plain_target(node) -> bool:
    if isinstance(node, cst.Name):
        return True
    if isinstance(node, (cst.Tuple, cst.List)):
        return all(plain_target(e.value) for e in node.elements)
    return isinstance(node, cst.StarredElement) and plain_target(node.value)


class _Stores(cst.CSTVisitor):
    """Names a statement binds: assignment, loop and ``with`` targets, definitions, imports."""

    def __init__(self):
        self.names: list[str] = []

    def _targets(self, node) -> None:
        if isinstance(node, cst.Name):
            self.names.append(node.value)
        elif isinstance(node, (cst.Tuple, cst.List)):
            for element in node.elements:
                self._targets(element.value)
        elif isinstance(node, cst.StarredElement):
            self._targets(node.value)

    def visit_AssignTarget(self, node) -> None:
        self._targets(node.target)

    def visit_AnnAssign(self, node) -> None:
        self._targets(node.target)

    def visit_AugAssign(self, node) -> None:
        self._targets(node.target)

    def visit_For(self, node) -> None:
        self._targets(node.target)

    def visit_AsName(self, node) -> None:
        self._targets(node.name)

    def visit_NamedExpr(self, node) -> None:
        self._targets(node.target)

    def visit_Import(self, node) -> None:
        for alias in node.names:
            if alias.asname is None:
                self.names.append(dotted_name(alias.name).split(".")[0])

    def visit_ImportFrom(self, node) -> None:
        if not isinstance(node.names, cst.ImportStar):
            self.names += [a.name.value for a in node.names if a.asname is None and isinstance(a.name, cst.Name)]

    def visit_FunctionDef(self, node) -> bool:
        self.names.append(node.name.value)
        return False

    def visit_ClassDef(self, node) -> bool:
        self.names.append(node.name.value)
        return False

    def visit_Lambda(self, node) -> bool:
        return False


def stored(node) -> list[str]:
    visitor = _Stores()
    node.visit(visitor)
    return visitor.names


def base_name(node) -> str | None:
    """The name at the root of ``a.b(...)[0].c``."""
    while True:
        if isinstance(node, cst.Name):
            return node.value
        if isinstance(node, (cst.Attribute, cst.Subscript)):
            node = node.value
        elif isinstance(node, cst.Call):
            node = node.func
        else:
            return None


def params(params: cst.Parameters) -> list[str]:
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            every.append(star)
    return [p.name.value for p in every]


def dotted_name(node) -> str:
    if isinstance(node, cst.Name):
        return node.value
    return f"{dotted_name(node.value)}.{node.attr.value}"


def trivial(stmt) -> bool:
    """``pass``, docstrings and imports do not count when deciding whether a whole body was skipped."""
    if not isinstance(stmt, cst.SimpleStatementLine):
        return False
    return all(isinstance(s, (cst.Pass, cst.Import, cst.ImportFrom)) or
               (isinstance(s, cst.Expr) and isinstance(s.value, (cst.SimpleString, cst.ConcatenatedString)))
               for s in stmt.body)


def comment(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 120 else text[:117] + "..."
