#!/usr/bin/env python3
"""Build kerascheck/data/keras_api_catalogue.json (written as .json.gz instead if it grows over
~3 MB; the reader takes either): the public API of released Keras versions, read from the SOURCE
of their distributions. Nothing from them is imported or executed by this
script (only `pip download` runs, which for a source-only release lets pip prepare its metadata).

Run (from the repository root; about 20 s with pip's cache warm, a minute or two cold, ~10 s
with --from-dir; it prints the counts of what Keras 3 removed relative to each older version):

    .venv/bin/python scripts/build_catalogue.py            # download into a temp dir, build, write
    .venv/bin/python scripts/build_catalogue.py --from-dir DIR   # reuse archives already in DIR
    .venv/bin/python scripts/build_catalogue.py --keep DIR       # keep the downloaded archives in DIR

What it downloads (with `pip download --no-deps`, preferring the wheel, else the sdist; ~10 MB):
    keras==1.2.2     (sdist only: the last Keras 1)
    keras==2.3.1     (wheel: the last multi-backend Keras 2)
    tf_keras==2.21.* (wheel: what tf.keras meant before Keras 3; the newest tf_keras if 2.21 is gone)
    keras==3.15.1    (wheel: Keras 3; the wheel's keras/ tree *is* the generated public API)
Each file's URL and sha256 are looked up on the index's simple page (PEP 691 JSON) and checked
against the downloaded file; both are recorded under `versions` in the output.

How public paths are found:
    Keras 1.2.2 / 2.3.1 ("tree" layout): every module of the package whose dotted path has no
        component starting with "_" is public; its public names are its top-level bindings.
    tf_keras / Keras 3 ("generated" layout): the public modules are the generated `__init__.py`
        files outside `src/` and `api/` (Keras 3's wheel places its `keras/api/` tree at `keras/`;
        tf_keras's top-level tree equals `tf_keras/api/_v2/keras`, which is what `tf.keras` loads).
        Their re-exports (`from keras.src.layers... import Conv2D as Convolution2D`) are followed
        into `src/` to the defining class or function. tf_keras paths are recorded as `keras.*`.
    Where a module picks a backend (`if backend() == "tensorflow": ...`), the TensorFlow branch is
    taken. Star imports honour `__all__`.

What is recorded per version (see kerascheck/catalogue.py for the reader):
    modules: {public module: {public name: ref}} with ref "d:<def>" (class/function, see defs),
             "m:<module>", "v:<variable>" or "x:<external>" (bound from outside the package).
             An alias is a name whose def's own name differs (Convolution2D -> ...Conv2D).
    defs: {qualified name: {"k": "c"|"f", "p": [params], "kw": [names accepted through **kwargs],
           "leg": {old: new} (Keras 2 legacy-interface renames), "open": 1 if **kwargs may accept
           anything, "b": [bases], "mem": {member: [kind, params, extra]}}}.
           A param is its source text: "name", "name=default", "*args", "**kwargs", "*", "/".
           Member kinds: m method, p property, cm classmethod, sm staticmethod, a class
           attribute, i instance attribute (`self.x = ...`). "kw" is what a callable accepts
           through **kwargs: names read from kwargs (pop/get/[]/in), `allowed*` sets, and the
           parameters of whatever **kwargs is forwarded to (super().__init__, helpers).
"""
from __future__ import annotations

import argparse
import ast
import datetime as _dt
import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT_JSON = REPO / "kerascheck" / "data" / "keras_api_catalogue.json"
GZIP_OVER = 3_000_000  # bytes: write .json.gz instead of .json above this size

TARGETS = [
    {"key": "keras-1.2.2", "dist": "keras", "specs": ["keras==1.2.2"], "package": "keras",
     "layout": "tree"},
    {"key": "keras-2.3.1", "dist": "keras", "specs": ["keras==2.3.1"], "package": "keras",
     "layout": "tree"},
    {"key": "tf_keras", "dist": "tf_keras", "specs": ["tf_keras==2.21.*", "tf_keras"],
     "package": "tf_keras", "layout": "generated"},
    {"key": "keras-3.15.1", "dist": "keras", "specs": ["keras==3.15.1"], "package": "keras",
     "layout": "generated"},
]

PUBLIC_PREFIX = "keras"  # every version's public modules are recorded under keras.*
MAX_DEFAULT = 160  # longer default texts are cut (with "...")


# --------------------------------------------------------------------------- source scanning
def _is_public(name: str) -> bool:
    return not name.startswith("_")


def _str_consts(node) -> list[str]:
    """String constants of a set/list/tuple literal or set([...])/frozenset(...) call."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in (
            "set", "frozenset", "list", "tuple") and node.args:
        node = node.args[0]
    if isinstance(node, (ast.Set, ast.List, ast.Tuple)):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def _mentions_tensorflow(test) -> bool:
    return any(isinstance(n, ast.Constant) and n.value == "tensorflow" for n in ast.walk(test))


def _params(args: ast.arguments, drop_first: bool) -> list[str]:
    out: list[str] = []
    positional = list(args.posonlyargs) + list(args.args)
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for i, (a, d) in enumerate(zip(positional, defaults)):
        if not (drop_first and i == 0):
            out.append(a.arg if d is None else f"{a.arg}={_src(d)}")
        if args.posonlyargs and i == len(args.posonlyargs) - 1 and out:
            out.append("/")
    if args.vararg:
        out.append("*" + args.vararg.arg)
    elif args.kwonlyargs:
        out.append("*")
    for a, d in zip(args.kwonlyargs, args.kw_defaults):
        out.append(a.arg if d is None else f"{a.arg}={_src(d)}")
    if args.kwarg:
        out.append("**" + args.kwarg.arg)
    return out


def _src(node) -> str:
    text = ast.unparse(node)
    return text if len(text) <= MAX_DEFAULT else text[:MAX_DEFAULT] + "..."


def param_names(params) -> list[str]:
    """Names of a param list that can be passed by keyword (no *args/**kwargs/markers)."""
    out = []
    for p in params or ():
        if p in ("*", "/") or p.startswith("*"):
            continue
        out.append(p.split("=", 1)[0])
    return out


def _positional_names(params) -> list[str]:
    out = []
    for p in params or ():
        if p == "/":
            continue
        if p.startswith("*"):
            break
        out.append(p.split("=", 1)[0])
    return out


class Module:
    def __init__(self, name: str, path: Path, is_pkg: bool):
        self.name, self.path, self.is_pkg = name, path, is_pkg
        self.ops: list[tuple] = []          # binding operations in execution order
        self.var_values: dict[str, ast.AST] = {}
        self.all: list[str] | None = None
        self.error: str | None = None
        try:
            tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"), str(path))
        except SyntaxError as e:  # pragma: no cover - depends on the release
            self.error = f"{type(e).__name__}: {e}"
            return
        self._walk(tree.body, fallback=False)

    # op kinds: ("def", name, node) ("mod", name, dotted) ("from", name, absmod, attr)
    #           ("expr", name, node) ("var", name) ("star", absmod) ("del", name); each op ends
    #           with a `fallback` flag (bound in an except: clause). Scanner.bindings expands
    #           ("star", m) into ("sfrom", name, m, name) ops.
    def _walk(self, stmts, fallback: bool):
        for s in stmts:
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._add(("def", s.name, s), fallback)
            elif isinstance(s, ast.Import):
                for a in s.names:
                    if a.asname:
                        self._add(("mod", a.asname, a.name), fallback)
                    else:
                        top = a.name.split(".")[0]
                        self._add(("mod", top, top), fallback)
            elif isinstance(s, ast.ImportFrom):
                base = self._absolute(s.module, s.level)
                for a in s.names:
                    if a.name == "*":
                        self._add(("star", base), fallback)
                    else:
                        self._add(("from", a.asname or a.name, base, a.name), fallback)
            elif isinstance(s, (ast.Assign, ast.AnnAssign)):
                targets = s.targets if isinstance(s, ast.Assign) else [s.target]
                value = s.value
                for t in targets:
                    if isinstance(t, ast.Name):
                        if t.id == "__all__" and value is not None:
                            names = _str_consts(value)
                            if names:
                                self.all = names
                        if isinstance(value, (ast.Name, ast.Attribute)):
                            self._add(("expr", t.id, value), fallback)
                        else:
                            self._add(("var", t.id), fallback)
                            if value is not None:
                                self.var_values[t.id] = value
                    elif isinstance(t, (ast.Tuple, ast.List)):
                        for e in t.elts:
                            if isinstance(e, ast.Name):
                                self._add(("var", e.id), fallback)
            elif isinstance(s, ast.AugAssign) and isinstance(s.target, ast.Name):
                if s.target.id == "__all__" and self.all is not None:
                    self.all = self.all + _str_consts(s.value)
            elif isinstance(s, ast.Delete):
                for t in s.targets:
                    if isinstance(t, ast.Name):
                        self._add(("del", t.id), fallback)
            elif isinstance(s, ast.If):
                chain, rest = [], s
                while True:
                    chain.append((rest.test, rest.body))
                    if len(rest.orelse) == 1 and isinstance(rest.orelse[0], ast.If):
                        rest = rest.orelse[0]
                        continue
                    break
                tf = [body for test, body in chain if _mentions_tensorflow(test)]
                if tf:
                    self._walk(tf[0], fallback)
                else:
                    for _, body in chain:
                        self._walk(body, fallback)
                    self._walk(rest.orelse, fallback)
            elif isinstance(s, ast.Try) or type(s).__name__ == "TryStar":
                self._walk(s.body, fallback)
                for h in s.handlers:
                    self._walk(h.body, True)
                self._walk(s.orelse, fallback)
                self._walk(s.finalbody, fallback)
            elif isinstance(s, (ast.With, ast.AsyncWith)):
                self._walk(s.body, fallback)

    def _add(self, op, fallback):
        self.ops.append(op + (fallback,))

    def _absolute(self, module: str | None, level: int) -> str:
        if not level:
            return module or ""
        parts = self.name.split(".")
        if not self.is_pkg:
            parts = parts[:-1]
        if level > 1:
            parts = parts[: len(parts) - (level - 1)]
        base = ".".join(parts)
        return f"{base}.{module}" if module else base


class Scanner:
    """Reads one unpacked distribution: `root` holds the top-level `package` directory."""

    def __init__(self, root: Path, package: str, layout: str, public_prefix: str = PUBLIC_PREFIX):
        self.root, self.package, self.layout = Path(root), package, layout
        self.public_prefix = public_prefix
        self.files: dict[str, tuple[Path, bool]] = {}
        pkg_dir = self.root / package
        for path in sorted(pkg_dir.rglob("*.py")):
            rel = path.relative_to(self.root).with_suffix("")
            parts = list(rel.parts)
            is_pkg = parts[-1] == "__init__"
            if is_pkg:
                parts = parts[:-1]
            if not all(p.isidentifier() for p in parts):
                continue
            self.files[".".join(parts)] = (path, is_pkg)
        self._modules: dict[str, Module] = {}
        self._bindings: dict[str, dict] = {}
        self._resolving: set = set()
        self._memo_resolve: dict = {}
        self._accept_memo: dict = {}
        self.classes: dict[str, tuple[Module, ast.ClassDef]] = {}
        self.functions: dict[str, tuple[Module, ast.AST]] = {}
        self.errors: dict[str, str] = {}

    # ---- modules and bindings
    def is_internal(self, dotted: str) -> bool:
        return dotted == self.package or dotted.startswith(self.package + ".")

    def module(self, name: str) -> Module | None:
        if name not in self.files:
            return None
        if name not in self._modules:
            path, is_pkg = self.files[name]
            m = Module(name, path, is_pkg)
            if m.error:
                self.errors[name] = m.error
            self._modules[name] = m
        return self._modules[name]

    def bindings(self, modname: str) -> dict:
        """name -> op (the op that binds it last), star imports expanded."""
        if modname in self._bindings:
            return self._bindings[modname]
        mod = self.module(modname)
        result: dict = {}
        self._bindings[modname] = result  # cycle guard: partially filled while building
        if mod is None:
            return result
        for op in mod.ops:
            kind, fallback = op[0], op[-1]
            if kind == "star":
                src = op[1]
                if not self.is_internal(src) or src not in self.files:
                    continue
                names = self.public_names_for_star(src)
                for n in names:
                    if fallback and n in result:
                        continue
                    result[n] = ("sfrom", n, src, n, False)
            elif kind == "del":
                result.pop(op[1], None)
            else:
                name = op[1]
                if fallback and name in result:
                    continue
                result[name] = op
        return result

    def public_names_for_star(self, modname: str) -> list[str]:
        mod = self.module(modname)
        if mod is not None and mod.all is not None:
            return list(mod.all)
        return [n for n in self.bindings(modname) if _is_public(n)]

    def resolve(self, modname: str, name: str):
        """(kind, target) of `name` in module `modname`: kind d/m/v/x, or None."""
        key = (modname, name)
        if key in self._memo_resolve:
            return self._memo_resolve[key]
        if key in self._resolving:
            return None
        self._resolving.add(key)
        try:
            result = self._resolve(modname, name)
        finally:
            self._resolving.discard(key)
        self._memo_resolve[key] = result
        return result

    def _resolve(self, modname, name):
        op = self.bindings(modname).get(name)
        if op is None:
            sub = f"{modname}.{name}"
            return ("m", sub) if sub in self.files else None
        kind = op[0]
        if kind == "def":
            qname = f"{modname}.{name}"
            node = op[2]
            mod = self.module(modname)
            if isinstance(node, ast.ClassDef):
                self.classes.setdefault(qname, (mod, node))
            else:
                self.functions.setdefault(qname, (mod, node))
            return ("d", qname)
        if kind == "mod":
            dotted = op[2]
            return ("m", dotted) if dotted in self.files else ("x", dotted)
        if kind in ("from", "sfrom"):
            base, attr = op[2], op[3]
            if not self.is_internal(base):
                return ("x", f"{base}.{attr}" if base else attr)
            if base in self.files:
                r = self.resolve(base, attr)
                if r is not None:
                    return r
            sub = f"{base}.{attr}"
            if sub in self.files:
                return ("m", sub)
            return ("x", sub)  # broken internal import: keep it visible, not resolvable
        if kind == "expr":
            return self.resolve_expr(modname, op[2]) or ("v", f"{modname}.{name}")
        if kind == "var":
            return ("v", f"{modname}.{name}")
        return None

    def resolve_expr(self, modname, node, local=None):
        """Resolve a Name / Attribute chain in a module (with optional local import bindings)."""
        if isinstance(node, ast.Name):
            if local and node.id in local:
                return local[node.id]
            return self.resolve(modname, node.id)
        if isinstance(node, ast.Attribute):
            base = self.resolve_expr(modname, node.value, local)
            if base is None:
                return None
            kind, target = base
            if kind == "m":
                return self.resolve(target, node.attr)
            if kind == "x":
                return ("x", f"{target}.{node.attr}")
            if kind == "d":
                return ("attr", (target, node.attr))
        return None

    def local_imports(self, mod: Module, fn) -> dict:
        out = {}
        for n in ast.walk(fn):
            if isinstance(n, ast.ImportFrom):
                base = mod._absolute(n.module, n.level)
                for a in n.names:
                    if a.name == "*":
                        continue
                    if self.is_internal(base):
                        r = self.resolve(base, a.name) if base in self.files else None
                        if r is None and f"{base}.{a.name}" in self.files:
                            r = ("m", f"{base}.{a.name}")
                    else:
                        r = ("x", f"{base}.{a.name}")
                    if r:
                        out[a.asname or a.name] = r
            elif isinstance(n, ast.Import):
                for a in n.names:
                    dotted = a.name if a.asname else a.name.split(".")[0]
                    kind = "m" if dotted in self.files else "x"
                    out[a.asname or dotted] = (kind, dotted)
        return out

    def incidental(self, modname: str, name: str, _depth: int = 0) -> bool:
        """In a "tree" layout, a name a plain module imports for its own use (keras.applications.
        vgg16.Dense), or that a package re-exports by `*` from such an import (keras.layers.func_dump
        in Keras 1): importable, but not API. A package's named imports and every module's own
        definitions and assignments are API; so is everything in a "generated" layout."""
        if self.layout != "tree" or _depth > 20:
            return False
        op = self.bindings(modname).get(name)
        if op is None or op[0] not in ("from", "sfrom"):
            return False
        if not self.files[modname][1]:  # a plain module
            return True
        if op[0] == "sfrom" and op[2] in self.files:
            return self.incidental(op[2], name, _depth + 1)
        return False

    # ---- public modules
    def public_modules(self) -> list[str]:
        out = []
        for name in self.files:
            parts = name.split(".")
            if not all(_is_public(p) for p in parts[1:]):
                continue
            if self.layout == "generated" and len(parts) > 1 and parts[1] in ("src", "api"):
                continue
            out.append(name)
        return sorted(out)

    def public_name(self, modname: str) -> str:
        if modname == self.package:
            return self.public_prefix
        if modname.startswith(self.package + "."):
            return self.public_prefix + modname[len(self.package):]
        return modname

    # ---- classes
    def class_bases(self, qname: str) -> list:
        mod, node = self.classes[qname]
        out = []
        for b in node.bases:
            r = self.resolve_expr(mod.name, b)
            if r and r[0] == "d" and r[1] in self.classes:
                out.append(("d", r[1]))
            elif r and r[0] == "x":
                out.append(("x", r[1]))
            else:
                out.append(("?", ast.unparse(b)))
        return out

    def mro(self, qname: str, _seen=None) -> list[str]:
        """In-package classes of the C3 linearisation (external bases dropped)."""
        _seen = _seen or set()
        if qname in _seen:
            return [qname]
        _seen = _seen | {qname}
        seqs = [self.mro(b, _seen) for kind, b in self.class_bases(qname) if kind == "d"]
        bases = [b for kind, b in self.class_bases(qname) if kind == "d"]
        seqs = [list(s) for s in seqs] + [bases]
        result = [qname]
        while True:
            seqs = [s for s in seqs if s]
            if not seqs:
                return result
            for s in seqs:
                head = s[0]
                if not any(head in t[1:] for t in seqs):
                    break
            else:  # inconsistent hierarchy: fall back to depth-first order
                for s in seqs:
                    for c in s:
                        if c not in result:
                            result.append(c)
                return result
            result.append(head)
            for s in seqs:
                if s and s[0] == head:
                    del s[0]

    def find_method(self, cls: str, name: str, after: str | None = None):
        """(class qname, FunctionDef) of the first definition of `name` along cls's MRO."""
        order = self.mro(cls)
        if after is not None and after in order:
            order = order[order.index(after) + 1:]
        for c in order:
            mod, node = self.classes[c]
            for s in node.body:
                if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == name:
                    return c, s
        return None

    # ---- what a callable accepts
    def legacy_conversions(self, mod: Module, fn) -> dict:
        out = {}
        for dec in fn.decorator_list:
            r = self.resolve_expr(mod.name, dec)
            if not r or r[0] != "v":
                continue
            vmod, _, vname = r[1].rpartition(".")
            m = self.module(vmod)
            value = m.var_values.get(vname) if m else None
            if not isinstance(value, ast.Call):
                continue
            for kw in value.keywords:
                if kw.arg == "conversions" and isinstance(kw.value, (ast.List, ast.Tuple)):
                    for pair in kw.value.elts:
                        if isinstance(pair, (ast.Tuple, ast.List)) and len(pair.elts) == 2 and all(
                                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in pair.elts):
                            out[pair.elts[0].value] = pair.elts[1].value
        return out

    @staticmethod
    def _iter_body(fn):
        """Nodes of a function body, not descending into nested functions/classes/lambdas."""
        stack = list(fn.body)
        while stack:
            n = stack.pop()
            yield n
            for c in ast.iter_child_nodes(n):
                if not isinstance(c, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                    stack.append(c)

    def _reads(self, fn, var: str) -> tuple[set, bool]:
        """Names read from dict `var` in fn (pop/get/[]/in, `allowed*` sets) and whether fn
        raises on leftovers (a raise under a test or loop over `var`, or a validate_* call)."""
        names, closed = set(), False
        raise_only_tests = set()
        for n in self._iter_body(fn):
            if isinstance(n, ast.If) and n.body and all(
                    isinstance(s, ast.Raise) or (isinstance(s, ast.Expr)) for s in n.body) and any(
                    isinstance(s, ast.Raise) for s in n.body):
                raise_only_tests.add(id(n.test))
        excluded = set()
        for n in self._iter_body(fn):
            if id(n) in raise_only_tests:
                excluded.update(id(x) for x in ast.walk(n))
        for n in self._iter_body(fn):
            if id(n) in excluded:
                continue
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(
                    n.func.value, ast.Name) and n.func.value.id == var and n.func.attr in (
                    "pop", "get", "setdefault") and n.args and isinstance(n.args[0], ast.Constant) \
                    and isinstance(n.args[0].value, str):
                names.add(n.args[0].value)
            elif isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id == var \
                    and isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, str):
                names.add(n.slice.value)
            elif isinstance(n, ast.Compare) and isinstance(n.left, ast.Constant) and isinstance(
                    n.left.value, str) and len(n.ops) == 1 and isinstance(n.ops[0], (ast.In, ast.NotIn)) \
                    and isinstance(n.comparators[0], ast.Name) and n.comparators[0].id == var:
                names.add(n.left.value)
            elif isinstance(n, ast.Assign) and any(
                    isinstance(t, ast.Name) and "allowed" in t.id.lower() for t in n.targets):
                names.update(_str_consts(n.value))
            elif isinstance(n, (ast.If, ast.While, ast.For)):
                head = n.test if not isinstance(n, ast.For) else n.iter
                if any(isinstance(x, ast.Name) and x.id == var for x in ast.walk(head)) and any(
                        isinstance(x, ast.Raise) for x in ast.walk(n)):
                    closed = True
            elif isinstance(n, ast.Call):
                fname = n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")
                if "validate" in fname and any(isinstance(a, ast.Name) and a.id == var for a in n.args):
                    closed = True
        return names, closed

    def _callee(self, mod: Module, cls: str | None, call: ast.Call, local: dict):
        """Resolve a call's target to (module, fn node, class or None, drop_first, n_self)."""
        f = call.func
        if isinstance(f, ast.Attribute):
            v = f.value
            # super().m(...) / super(X, self).m(...)
            if isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and v.func.id == "super" and cls:
                after = cls
                if v.args:
                    r = self.resolve_expr(mod.name, v.args[0], local)
                    if r and r[0] == "d" and r[1] in self.classes:
                        after = r[1]
                found = self.find_method(cls, f.attr, after=after)
                if found:
                    c, node = found
                    return self.classes[c][0], node, c, True, 0
                return None
            if isinstance(v, ast.Name) and v.id in ("self", "cls") and cls:
                found = self.find_method(cls, f.attr)
                if found:
                    c, node = found
                    return self.classes[c][0], node, c, True, 0
                return None
            r = self.resolve_expr(mod.name, v, local)
            if r and r[0] == "d" and r[1] in self.classes:  # Base.__init__(self, ...)
                found = self.find_method(r[1], f.attr)
                if found:
                    c, node = found
                    return self.classes[c][0], node, c, True, 1
                return None
        r = self.resolve_expr(mod.name, f, local)
        if r and r[0] == "d":
            if r[1] in self.classes:
                found = self.find_method(r[1], "__init__")
                if found:
                    c, node = found
                    return self.classes[c][0], node, c, True, 0
                return None
            if r[1] in self.functions:
                m, node = self.functions[r[1]]
                return m, node, None, False, 0
        return None

    def accepts(self, mod: Module, fn, cls: str | None, drop_first: bool):
        """(params, kw names, legacy conversions, open) of a function or method."""
        key = id(fn)
        if key in self._accept_memo:
            return self._accept_memo[key]
        params = _params(fn.args, drop_first)
        leg = self.legacy_conversions(mod, fn)
        self._accept_memo[key] = (params, [], leg, False)  # cycle guard
        varkw = fn.args.kwarg.arg if fn.args.kwarg else None
        if not varkw:
            return self._accept_memo[key]
        kw, closed = self._reads(fn, varkw)
        opened = False
        local = self.local_imports(mod, fn)
        for n in self._iter_body(fn):
            if not isinstance(n, ast.Call):
                continue
            forwards = any(k.arg is None and isinstance(k.value, ast.Name) and k.value.id == varkw
                           for k in n.keywords)
            helper_pos = [i for i, a in enumerate(n.args) if isinstance(a, ast.Name) and a.id == varkw]
            if not forwards and not helper_pos:
                continue
            target = self._callee(mod, cls, n, local)
            if forwards:
                if target is None:
                    opened = True
                    continue
                tmod, tnode, tcls, tdrop, n_self = target
                tparams, tkw, tleg, topen = self.accepts(tmod, tnode, tcls, tdrop)
                npos = sum(1 for a in n.args if not isinstance(a, ast.Starred)) - n_self
                explicit = {k.arg for k in n.keywords if k.arg}
                names = [p for p in param_names(tparams) if p not in explicit]
                positional = _positional_names(tparams)[:max(npos, 0)]
                kw |= {p for p in names if p not in positional} | set(tkw) | set(tleg)
                if topen:
                    opened = True
                else:
                    closed = True
            elif target is not None:
                tmod, tnode, tcls, tdrop, n_self = target
                tparams = _params(tnode.args, False)
                pos = _positional_names(tparams)
                idx = helper_pos[0] + (1 if tdrop and not n_self else 0)
                if idx < len(pos):
                    names, hclosed = self._reads(tnode, pos[idx])
                    kw |= names
                    closed = closed or hclosed
        own = set(param_names(params))
        result = (params, sorted(kw - own), leg, bool(opened or not closed))
        self._accept_memo[key] = result
        return result

    # ---- class records
    def class_record(self, qname: str, with_members: bool = True) -> dict:
        mod, node = self.classes[qname]
        rec: dict = {"k": "c"}
        bases = self.class_bases(qname)
        if bases:
            rec["b"] = [(t if k == "d" else f"{k}:{t}") for k, t in bases]
        init = self.find_method(qname, "__init__")
        if init:
            c, fn = init
            params, kw, leg, opened = self.accepts(self.classes[c][0], fn, c, True)
            rec["p"] = params
            if kw:
                rec["kw"] = kw
            if leg:
                rec["leg"] = leg
            if opened:
                rec["open"] = 1
            if c != qname:
                rec["init"] = c
        else:
            rec["p"] = None if any(k != "d" for k, _ in bases) else []
            if rec["p"] is None:
                rec["open"] = 1
        alt = self.new_returns(qname)
        if alt:
            rec["alt"] = alt
        if with_members:
            rec["mem"] = self.own_members(qname)
        return rec

    def new_returns(self, qname: str) -> list[str]:
        """Classes that the class's own `__new__` returns instead of itself (Keras's
        `Model(inputs, outputs)` builds a Functional)."""
        mod, node = self.classes[qname]
        out = []
        for s in node.body:
            if not (isinstance(s, ast.FunctionDef) and s.name == "__new__"):
                continue
            local = self.local_imports(mod, s)
            for n in self._iter_body(s):
                if not (isinstance(n, ast.Return) and isinstance(n.value, ast.Call)):
                    continue
                f = n.value.func
                if isinstance(f, ast.Attribute) and f.attr == "__new__":
                    f = f.value
                r = self.resolve_expr(mod.name, f, local)
                if r and r[0] == "d" and r[1] in self.classes and r[1] != qname and r[1] not in out:
                    out.append(r[1])
        return out

    def own_members(self, qname: str) -> dict:
        mod, node = self.classes[qname]
        mem: dict = {}
        for s in node.body:
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if not _is_public(s.name):
                    continue
                decos = {ast.unparse(d) for d in s.decorator_list}
                if any(d.endswith(".setter") or d.endswith(".deleter") for d in decos):
                    continue
                if any(d == "property" or d.endswith(".property") or d.endswith("cached_property")
                       for d in decos):
                    mem[s.name] = ["p"]
                    continue
                kind = "cm" if "classmethod" in decos else "sm" if "staticmethod" in decos else "m"
                params, kw, leg, opened = self.accepts(mod, s, qname, kind != "sm")
                entry = [kind, params]
                extra = {}
                if kw:
                    extra["kw"] = kw
                if leg:
                    extra["leg"] = leg
                if opened:
                    extra["open"] = 1
                if extra:
                    entry.append(extra)
                mem[s.name] = entry
            elif isinstance(s, (ast.Assign, ast.AnnAssign)):
                targets = s.targets if isinstance(s, ast.Assign) else [s.target]
                for t in targets:
                    if isinstance(t, ast.Name) and _is_public(t.id):
                        if isinstance(s.value, ast.Call) and ast.unparse(s.value.func) in (
                                "property", "abc.abstractproperty"):
                            mem.setdefault(t.id, ["p"])
                        else:
                            mem.setdefault(t.id, ["a"])
        for s in node.body:
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for n in self._iter_body(s):
                    targets = n.targets if isinstance(n, ast.Assign) else [n.target] if isinstance(
                        n, (ast.AnnAssign, ast.AugAssign)) else []
                    for t in targets:
                        for e in (t.elts if isinstance(t, (ast.Tuple, ast.List)) else [t]):
                            if isinstance(e, ast.Attribute) and isinstance(e.value, ast.Name) and \
                                    e.value.id == "self" and _is_public(e.attr):
                                mem.setdefault(e.attr, ["i"])
        return mem

    def function_record(self, qname: str) -> dict:
        mod, node = self.functions[qname]
        params, kw, leg, opened = self.accepts(mod, node, None, False)
        rec: dict = {"k": "f", "p": params}
        if kw:
            rec["kw"] = kw
        if leg:
            rec["leg"] = leg
        if opened:
            rec["open"] = 1
        return rec

    # ---- the whole catalogue of this distribution
    def scan(self) -> dict:
        modules: dict[str, dict] = {}
        imported: dict[str, list] = {}
        public_mods = self.public_modules()
        for modname in public_mods:
            names = {}
            for name in sorted(self.bindings(modname)):
                if not _is_public(name):
                    continue
                r = self.resolve(modname, name)
                if r is None:
                    continue
                if r[0] in "dv" and self.incidental(modname, name):
                    imported.setdefault(self.public_name(modname), []).append(name)
                kind, target = r
                if kind == "attr":
                    kind, target = "v", f"{target[0]}.{target[1]}"
                if kind == "m" and target in self.files:
                    target = self.public_name(target)
                names[name] = f"{kind}:{target}"
            modules[self.public_name(modname)] = names
        defs: dict[str, dict] = {}
        todo = sorted({ref[2:] for names in modules.values() for ref in names.values()
                       if ref.startswith("d:")})
        while todo:
            q = todo.pop()
            if q in defs:
                continue
            if q in self.classes:
                rec = self.class_record(q)
                defs[q] = rec
                for b in rec.get("b", ()):
                    if ":" not in b and b not in defs:
                        todo.append(b)
                if "init" in rec and rec["init"] not in defs:
                    todo.append(rec["init"])
                todo.extend(a for a in rec.get("alt", ()) if a not in defs)
            elif q in self.functions:
                defs[q] = self.function_record(q)
        out = {"modules": modules, "imported": imported, "defs": dict(sorted(defs.items()))}
        if self.errors:
            out["parse_errors"] = dict(sorted(self.errors.items()))
        return out


# --------------------------------------------------------------------------- downloading
def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _index_entry(dist: str, filename: str) -> dict:
    """URL and sha256 of `filename` from the index's PEP 691 simple page (None if unreachable)."""
    url = f"https://pypi.org/simple/{dist.replace('_', '-').lower()}/"
    req = urllib.request.Request(url, headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            data = json.load(r)
    except Exception as e:  # noqa: BLE001 - recorded, not fatal
        print(f"  (index lookup failed for {dist}: {e})", file=sys.stderr)
        return {}
    for f in data.get("files", ()):
        if f.get("filename") == filename:
            return {"url": f.get("url", "").split("#")[0], "sha256": f.get("hashes", {}).get("sha256")}
    return {}


def download(target: dict, dest: Path) -> Path:
    """pip download the target (wheel preferred, else sdist) into dest; return the archive."""
    dest.mkdir(parents=True, exist_ok=True)
    for spec in target["specs"]:
        for mode in (["--only-binary", ":all:"], ["--no-binary", ":all:"]):
            before = set(dest.iterdir())
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                   "--disable-pip-version-check", *mode, "-d", str(dest), spec]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            new = [p for p in dest.iterdir() if p not in before]
            if proc.returncode == 0:
                got = new or _existing(dest, target, spec)
                if got:
                    target["used_spec"] = spec
                    return got[0]
    raise SystemExit(f"could not download {target['specs']}")


def _existing(dest: Path, target: dict, spec: str | None = None) -> list[Path]:
    dist = target["dist"].replace("-", "_").lower()
    want = None
    if spec and "==" in spec and "*" not in spec:
        want = spec.split("==")[1]
    out = []
    for p in sorted(dest.iterdir()):
        name = p.name.lower().replace("-", "_")
        if not name.startswith(dist + "_"):
            continue
        ver = _version_of(p)
        if want and ver != want:
            continue
        if spec and spec.endswith(".*") and not ver.startswith(spec.split("==")[1][:-1]):
            continue
        out.append(p)
    out.sort(key=lambda p: (not p.name.endswith(".whl"), [int(x) if x.isdigit() else 0 for x in
                                                         _version_of(p).split(".")]))
    return out


def _version_of(p: Path) -> str:
    name = p.name
    for suf in (".whl", ".tar.gz", ".zip"):
        if name.endswith(suf):
            name = name[: -len(suf)]
    return name.split("-")[1]


def unpack(archive: Path, dest: Path, package: str) -> Path:
    """Unpack and return the directory that holds `package/__init__.py`."""
    dest.mkdir(parents=True, exist_ok=True)
    if archive.name.endswith((".whl", ".zip")):
        with zipfile.ZipFile(archive) as z:
            z.extractall(dest)
    else:
        with tarfile.open(archive) as t:
            t.extractall(dest, filter="data") if hasattr(tarfile, "data_filter") else t.extractall(dest)
    candidates = sorted(dest.rglob(f"{package}/__init__.py"), key=lambda p: len(p.parts))
    if not candidates:
        raise SystemExit(f"{archive.name}: no {package}/__init__.py")
    return candidates[0].parent.parent


# --------------------------------------------------------------------------- main
def build(targets=TARGETS, from_dir: Path | None = None, keep: Path | None = None) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="kerascheck-catalogue-"))
    try:
        dl = keep or (tmp / "dl")  # --from-dir is only read; what it lacks is downloaded here
        versions = {}
        for target in targets:
            target = dict(target)
            t0 = time.time()
            archive = None
            if from_dir and from_dir.is_dir():
                for spec in target["specs"]:
                    found = _existing(from_dir, target, spec)
                    if found:
                        archive, target["used_spec"] = found[0], spec
                        break
            if archive is None:
                archive = download(target, dl)
            version = _version_of(archive)
            key = target["key"] if target["key"] != target["dist"] else f"{target['dist']}-{version}"
            root = unpack(archive, tmp / "src" / key, target["package"])
            scanner = Scanner(root, target["package"], target["layout"])
            data = scanner.scan()
            sha = _sha256(archive)
            entry = _index_entry(target["dist"], archive.name)
            if entry.get("sha256") and entry["sha256"] != sha:
                raise SystemExit(f"{archive.name}: sha256 differs from the index")
            versions[key] = {
                "distribution": target["dist"], "version": version, "requested": target["specs"][0],
                "used": target.get("used_spec", target["specs"][0]), "file": archive.name,
                "url": entry.get("url"), "sha256": sha, "package": target["package"],
                "layout": target["layout"], **data,
            }
            print(f"{key}: {archive.name}, {len(data['modules'])} modules, "
                  f"{sum(len(v) for v in data['modules'].values())} names, {len(data['defs'])} defs "
                  f"({time.time() - t0:.1f}s)", file=sys.stderr)
        return {"format": 1, "generated": _dt.date.today().isoformat(),
                "generator": "scripts/build_catalogue.py", "versions": versions}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write(catalogue: dict, out_json: Path = OUT_JSON) -> Path:
    text = json.dumps(catalogue, separators=(",", ":"), sort_keys=False)
    out_json.parent.mkdir(parents=True, exist_ok=True)
    gz = out_json.with_suffix(".json.gz")
    for stale in (out_json, gz):
        if stale.exists():
            stale.unlink()
    if len(text.encode()) > GZIP_OVER:
        with open(gz, "wb") as raw:  # mtime=0 keeps the file byte-identical across runs
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
                f.write(text.encode())
        return gz
    out_json.write_text(text)
    return out_json


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--from-dir", type=Path, help="use archives already in this directory")
    ap.add_argument("--keep", type=Path, help="download into (and keep) this directory")
    ap.add_argument("--out", type=Path, default=OUT_JSON)
    args = ap.parse_args(argv)
    t0 = time.time()
    cat = build(from_dir=args.from_dir, keep=args.keep)
    path = write(cat, args.out)
    print(f"wrote {path} ({path.stat().st_size} bytes) in {time.time() - t0:.0f}s", file=sys.stderr)
    sys.path.insert(0, str(REPO))
    from kerascheck import catalogue as C
    c = C.Catalogue(cat)
    new = next(k for k in cat["versions"] if k.startswith("keras-3"))
    for old in cat["versions"]:
        if old == new:
            continue
        r = c.removed_between(old, new)
        kinds = [c.members(old, path.rsplit(".", 1)[0])[path.rsplit(".", 1)[1]][0] for path in r["members"]]
        methods = sum(k in ("m", "cm", "sm") for k in kinds)
        callables = len({path for path, _ in r["arguments"]})
        print(f"removed {old} -> {new}: modules {len(r['modules'])}, names {len(r['names'])} "
              f"(+{len(r['imported_names'])} incidental imports), arguments {len(r['arguments'])} "
              f"(in {callables} callables), members {len(r['members'])} ({methods} methods, "
              f"{len(r['members']) - methods} properties/attributes)")


if __name__ == "__main__":
    main()
