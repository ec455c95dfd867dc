"""The Keras public-API catalogue: which modules, names, parameters and members each released Keras
version has, as generated from the distributions' source by scripts/build_catalogue.py into
kerascheck/data/keras_api_catalogue.json(.gz). Stdlib only; never imports keras or tensorflow.

Versions are named by their catalogue key ("keras-1.2.2", "keras-2.3.1", "tf_keras-2.21.0",
"keras-3.15.1") or a short form ("1.2.2", "1", "2.3.1", "2.3", "tf_keras", "tf.keras", "3.15.1", "3").
Paths are public dotted paths; `tensorflow.keras.`, `tf.keras.` and `tf_keras.` read as `keras.`.

    from kerascheck import catalogue as cat
    cat.module_exists("2.3.1", "keras.layers.merge")          # True
    cat.name_in_module("3", "keras.utils", "to_categorical")  # True
    cat.params("3", "keras.layers.Conv2D")                    # ["filters", "kernel_size", ...]
    cat.accepts("2.3.1", "keras.optimizers.Adam", "lr")       # True (through **kwargs)
    cat.members("2.3.1", "Layer")["get_output_at"]            # ["m", ["node_index"]]
    cat.removed_between("2.3.1", "3")                         # modules/names/arguments/members
"""
from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
DATA_NAME = "keras_api_catalogue.json"

# Classes whose members the catalogue compares, besides every class of keras.optimizers.
MEMBER_CLASSES = ("keras.layers.Layer", "keras.models.Model", "keras.models.Sequential")
_SHORT_CLASS = {"Layer": "keras.layers.Layer", "Model": "keras.models.Model",
                "Sequential": "keras.models.Sequential", "Optimizer": "keras.optimizers.Optimizer"}
_PREFIXES = ("tensorflow.keras", "tf.keras", "tf_keras")


def normalize_path(path: str) -> str:
    for p in _PREFIXES:
        if path == p or path.startswith(p + "."):
            return "keras" + path[len(p):]
    return path


def param_names(params) -> list[str]:
    """Names in a param list that can be passed by keyword (drops *args, **kwargs, '*', '/')."""
    return [p.split("=", 1)[0] for p in params or () if p not in ("*", "/") and not p.startswith("*")]


class Catalogue:
    def __init__(self, data: dict):
        self.data = data
        self.generated = data.get("generated")
        self._versions = data["versions"]
        self._flat: dict = {}
        self._imported_sets: dict = {}

    # ---- versions
    def versions(self) -> list[str]:
        return list(self._versions)

    def version_key(self, version: str) -> str:
        if version in self._versions:
            return version
        cache = self.__dict__.setdefault("_version_keys", {})  # asked on every catalogue question
        if version not in cache:
            cache[version] = self._find_version_key(version)
        return cache[version]

    def _find_version_key(self, version: str) -> str:
        v = version.replace("tf.keras", "tf_keras").replace("tensorflow.keras", "tf_keras")
        for key in self._versions:
            dist, _, num = key.partition("-")
            if v == dist and dist != "keras":
                return key
            if v == num or num.startswith(v + "."):
                return key
            if v.startswith(dist + "-") and (num == v[len(dist) + 1:] or num.startswith(
                    v[len(dist) + 1:] + ".")):
                return key
        raise KeyError(f"no Keras version {version!r} in the catalogue (have {self.versions()})")

    def info(self, version: str) -> dict:
        v = self._versions[self.version_key(version)]
        return {k: v[k] for k in ("distribution", "version", "requested", "used", "file", "url",
                                  "sha256", "package", "layout") if k in v}

    def _v(self, version: str) -> dict:
        return self._versions[self.version_key(version)]

    # ---- modules and names
    def modules(self, version: str) -> list[str]:
        return sorted(self._v(version)["modules"])

    def module_exists(self, version: str, path: str) -> bool:
        return normalize_path(path) in self._v(version)["modules"]

    def names(self, version: str, module: str) -> dict:
        """{name: ref} of a public module; ref is "d:<def>", "m:<module>", "v:..." or "x:..."."""
        return dict(self._v(version)["modules"].get(normalize_path(module), {}))

    def name_in_module(self, version: str, module: str, name: str) -> bool:
        """Would `from <module> import <name>` work (a binding or a submodule)?"""
        module = normalize_path(module)
        mods = self._v(version)["modules"]
        return module in mods and (name in mods[module] or f"{module}.{name}" in mods)

    def is_imported(self, version: str, module: str, name: str) -> bool:
        """True for a name a Keras 1/2 plain module only imports for its own use
        (keras.applications.vgg16.Dense): importable, but not API."""
        return name in self._imported(version).get(normalize_path(module), ())

    def _imported(self, version: str) -> dict:
        key = self.version_key(version)
        if key not in self._imported_sets:
            v = self._versions[key]
            self._imported_sets[key] = {m: set(ns) for m, ns in v.get("imported", {}).items()}
        return self._imported_sets[key]

    def aliases(self, version: str, module: str) -> dict:
        """{alias: canonical name} for names bound to a def under another name."""
        out = {}
        for name, ref in self.names(version, module).items():
            if ref.startswith("d:"):
                own = ref.rsplit(".", 1)[-1]
                if own != name:
                    out[name] = own
        return out

    def lookup(self, version: str, path: str):
        """The ref of a dotted public path: "m:<module>", "d:<def>", "v:...", "x:...",
        "member:<def>:<name>" for a class member (keras.models.Model.fit), or None."""
        path = normalize_path(path)
        mods = self._v(version)["modules"]
        if path in mods:
            return "m:" + path
        parts = path.split(".")
        for i in range(len(parts) - 1, 0, -1):
            mod = ".".join(parts[:i])
            if mod not in mods:
                continue
            ref = mods[mod].get(parts[i])
            rest = parts[i + 1:]
            if ref is None:
                return None
            if not rest:
                return ref
            if ref.startswith("m:"):
                return self.lookup(version, ".".join([ref[2:]] + rest))
            if ref.startswith("d:") and len(rest) == 1 and rest[0] in self._members_of(version, ref[2:]):
                return f"member:{ref[2:]}:{rest[0]}"
            return None
        return None

    def definition(self, version: str, path: str):
        """The catalogue record of a public class/function path (None if not a def)."""
        ref = self.lookup(version, path)
        if ref and ref.startswith("d:"):
            return self._v(version)["defs"].get(ref[2:])
        return None

    # ---- parameters
    def _callable(self, version: str, path: str):
        """(params, kw names, legacy renames, open) of a class (its constructor), a function or
        a class member method; None if unknown."""
        ref = self.lookup(version, path)
        if not ref:
            return None
        if ref.startswith("d:"):
            rec = self._v(version)["defs"].get(ref[2:])
            if rec is None or rec.get("p") is None:
                return None
            return rec["p"], rec.get("kw", []), rec.get("leg", {}), bool(rec.get("open"))
        if ref.startswith("member:"):
            _, cls, name = ref.split(":", 2)
            entry = self._members_of(version, cls)[name]
            if entry[0] not in ("m", "cm", "sm"):
                return None
            extra = entry[2] if len(entry) > 2 else {}
            return entry[1], extra.get("kw", []), extra.get("leg", {}), bool(extra.get("open"))
        return None

    def params(self, version: str, qualified_name: str):
        """Signature of a class constructor, function or method as source-text params
        ("name", "name=default", "*args", "**kwargs", "*", "/"); None if unknown."""
        c = self._callable(version, qualified_name)
        return list(c[0]) if c else None

    def accepted_kwargs(self, version: str, qualified_name: str):
        """(names accepted by keyword, open): explicit params plus names taken through **kwargs
        (legacy kwargs, allowed-kwargs lists, forwarded base parameters) and Keras 2 legacy-interface
        renames. open is True when **kwargs may take anything. None if unknown."""
        c = self._callable(version, qualified_name)
        if c is None:
            return None
        params, kw, leg, opened = c
        return set(param_names(params)) | set(kw) | set(leg), opened

    def accepts(self, version: str, qualified_name: str, arg: str):
        """True/False whether the callable takes `arg` by keyword; None if unknown."""
        a = self.accepted_kwargs(version, qualified_name)
        if a is None:
            return None
        names, opened = a
        return True if arg in names else (None if opened else False)

    def legacy_renames(self, version: str, qualified_name: str) -> dict:
        c = self._callable(version, qualified_name)
        return dict(c[2]) if c else {}

    # ---- members
    def _mro(self, version: str, qname: str) -> list[str]:
        defs = self._v(version)["defs"]

        def lin(q, seen):
            if q in seen or q not in defs:
                return [q] if q in defs else []
            seen = seen | {q}
            bases = [b for b in defs[q].get("b", ()) if b in defs]
            seqs = [lin(b, seen) for b in bases] + [bases]
            out = [q]
            while True:
                seqs = [s for s in seqs if s]
                if not seqs:
                    return out
                for s in seqs:
                    if not any(s[0] in t[1:] for t in seqs):
                        head = s[0]
                        break
                else:
                    for s in seqs:
                        out += [c for c in s if c not in out]
                    return out
                out.append(head)
                seqs = [s[1:] if s[0] == head else s for s in seqs]

        return lin(qname, frozenset())

    def _members_of(self, version: str, qname: str) -> dict:
        """Flattened members along the MRO; for a class whose constructor may build another
        class (keras.Model(inputs, outputs) -> Functional, "alt"), that class's members too."""
        key = (self.version_key(version), qname)
        if key not in self._flat:
            defs = self._v(version)["defs"]
            out: dict = {}
            for c in self._mro(version, qname):
                for name, entry in defs[c].get("mem", {}).items():
                    out.setdefault(name, entry)
            self._flat[key] = out  # cycle guard
            for alt in defs.get(qname, {}).get("alt", ()):
                if alt in defs and alt != qname:
                    for name, entry in self._members_of(version, alt).items():
                        out.setdefault(name, entry)
        return self._flat[key]

    def _class_qname(self, version: str, cls: str):
        cls = _SHORT_CLASS.get(cls, cls)
        if "." not in cls:
            for mod in ("keras.optimizers", "keras.layers", "keras.models", "keras"):
                ref = self.lookup(version, f"{mod}.{cls}")
                if ref and ref.startswith("d:"):
                    return ref[2:]
            return None
        ref = self.lookup(version, cls)
        if ref and ref.startswith("d:") and self._v(version)["defs"].get(ref[2:], {}).get("k") == "c":
            return ref[2:]
        return None

    def members(self, version: str, cls: str) -> dict:
        """Public members of a class with inherited ones: {name: [kind, params?, extra?]};
        kind m method, p property, cm/sm class/static method, a class attr, i instance attr.
        `cls` is a public path or Layer/Model/Sequential/Optimizer/an optimizer's name."""
        q = self._class_qname(version, cls)
        return dict(self._members_of(version, q)) if q else {}

    def member_classes(self, version: str) -> list[str]:
        """Public paths whose members removed_between compares."""
        out = [c for c in MEMBER_CLASSES if self._class_qname(version, c)]
        defs = self._v(version)["defs"]
        for name, ref in sorted(self.names(version, "keras.optimizers").items()):
            if ref.startswith("d:") and defs.get(ref[2:], {}).get("k") == "c":
                out.append(f"keras.optimizers.{name}")
        return out

    # ---- differences
    def removed_between(self, old: str, new: str) -> dict:
        """What `old` has and `new` lacks: {"modules": [module], "names": [module.name] (in modules
        both have; names bound from outside the package and submodule bindings not counted),
        "imported_names": the same for names that were only imports (see is_imported),
        "arguments": [(callable path, arg)] for constructors/functions at the same path in both and
        for the methods of Layer/Model/Sequential/optimizers (skipped where `new` takes **kwargs
        openly), "members": [class path.member] of Layer/Model/Sequential/optimizers}."""
        o, n = self._v(old)["modules"], self._v(new)["modules"]
        modules = sorted(m for m in o if m not in n)
        names, imported, arguments, members = [], [], [], []
        old_imported = self._imported(old)
        seen_pairs = set()
        for mod in sorted(set(o) & set(n)):
            for name, ref in sorted(o[mod].items()):
                if ref[0] not in "dv":
                    continue
                if not self.name_in_module(new, mod, name):
                    (imported if name in old_imported.get(mod, ()) else names).append(f"{mod}.{name}")
                    continue
                new_ref = n[mod].get(name, "")
                if ref.startswith("d:") and new_ref.startswith("d:"):
                    pair = (ref, new_ref)
                    if pair in seen_pairs:
                        continue
                    seen_pairs.add(pair)
                    arguments += self._removed_args(old, new, f"{mod}.{name}")
        for cls in self.member_classes(old):
            if not self._class_qname(new, cls):
                continue
            om, nm = self.members(old, cls), self.members(new, cls)
            for name in sorted(om):
                if name not in nm:
                    members.append(f"{cls}.{name}")
                elif om[name][0] in ("m", "cm", "sm") and nm[name][0] in ("m", "cm", "sm"):
                    pair = (self._class_qname(old, cls), self._class_qname(new, cls), name)
                    if pair not in seen_pairs:
                        seen_pairs.add(pair)
                        arguments += self._removed_args(old, new, f"{cls}.{name}")
        return {"modules": modules, "names": names, "imported_names": imported,
                "arguments": arguments, "members": members}

    def _removed_args(self, old, new, path):
        a, b = self.accepted_kwargs(old, path), self.accepted_kwargs(new, path)
        if a is None or b is None or b[1]:
            return []
        return [(path, arg) for arg in sorted(a[0] - b[0])]


@functools.lru_cache(maxsize=1)
def load(path: str | None = None) -> Catalogue:
    """The committed catalogue, read once (gzip or plain JSON)."""
    if path is None:
        gz, plain = DATA_DIR / (DATA_NAME + ".gz"), DATA_DIR / DATA_NAME
        p = gz if gz.exists() else plain
    else:
        p = Path(path)
    if p.suffix == ".gz":
        with gzip.open(p, "rt", encoding="utf-8") as f:
            return Catalogue(json.load(f))
    return Catalogue(json.loads(p.read_text(encoding="utf-8")))


def _default(method):
    def call(*args, **kwargs):
        return getattr(load(), method)(*args, **kwargs)
    call.__name__ = method
    call.__doc__ = getattr(Catalogue, method).__doc__
    return call


versions = _default("versions")
version_key = _default("version_key")
info = _default("info")
modules = _default("modules")
module_exists = _default("module_exists")
names = _default("names")
name_in_module = _default("name_in_module")
aliases = _default("aliases")
is_imported = _default("is_imported")
lookup = _default("lookup")
definition = _default("definition")
params = _default("params")
accepted_kwargs = _default("accepted_kwargs")
accepts = _default("accepts")
legacy_renames = _default("legacy_renames")
members = _default("members")
member_classes = _default("member_classes")
removed_between = _default("removed_between")
