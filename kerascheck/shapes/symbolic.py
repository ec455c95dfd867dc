"""Symbolic dimensions: sizes known only when the script runs (``X_train.shape[1]``, ``len(vocab)``).

A ``Sym`` is a polynomial with integer coefficients over named atoms: a symbol (``n_features``) or a
floor division of another polynomial (``(n - 3) // 2``), which is what convolution arithmetic on an
unknown length produces. Layer code computes with it through the ordinary operators, so a Dense on
``(None, n_features)`` has ``64*n_features + 64`` parameters without any special case.

Every symbol stands for a positive integer. Comparisons a layer makes while validating (``if
out <= 0: raise``) are decided by bounds when they can be, otherwise under the assumption that the
symbols are large enough for the model to build (the only case in which a summary exists at all);
equality, and user code's own comparisons (``compare(..., strict=True)``), never assume. Anything
else (a float factor, ``range(n)``, ``int()`` of it in layer code) raises ``Unresolvable``: unknown,
never a guessed number.
"""

from __future__ import annotations

from typing import Any

from .types import Unresolvable

_OPS = {
    "<": lambda s: s < 0, "<=": lambda s: s <= 0, ">": lambda s: s > 0,
    ">=": lambda s: s >= 0, "==": lambda s: s == 0, "!=": lambda s: s != 0,
}


class Atom:
    """A named positive integer, or ``inner // divisor`` (``inner`` a ``Sym``)."""

    __slots__ = ("name", "provisional", "inner", "divisor")

    def __init__(self, name: str, provisional: bool = False, inner: "Sym | None" = None, divisor: int = 0):
        self.name = name
        self.provisional = provisional  # named after its source text, not yet by an assignment
        self.inner = inner
        self.divisor = divisor

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Atom) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)

    def __lt__(self, other: "Atom") -> bool:
        return self.name < other.name

    @property
    def lower(self) -> int | None:
        if self.inner is None:
            return 1
        low = self.inner.lower
        return None if low is None else low // self.divisor

    @property
    def growth(self) -> int:
        """Sign of the atom as every symbol grows (a floor division follows its numerator)."""
        return 1 if self.inner is None else self.inner.growth

    def evaluate(self, values: dict[str, int]) -> Any:
        if self.inner is None:
            return values[self.name] if self.name in values else symbol(self.name, self.provisional)
        return self.inner.evaluate(values) // self.divisor


class Sym:
    """A polynomial over atoms; an operation that leaves no atom returns a plain ``int``."""

    __slots__ = ("terms",)

    def __init__(self, terms: dict):
        self.terms = terms  # monomial (sorted tuple of Atoms, repeated for powers; () constant) -> coefficient

    @staticmethod
    def make(terms: dict) -> "Sym | int":
        terms = {m: c for m, c in terms.items() if c}
        if all(not m for m in terms):
            return terms.get((), 0)
        return Sym(terms)

    @property
    def atoms(self) -> set[Atom]:
        return {a for m in self.terms for a in m}

    @property
    def constant(self) -> int:
        return self.terms.get((), 0)

    # -- arithmetic ----------------------------------------------------------------------------------
    def __add__(self, other: Any) -> "Sym | int":
        terms = dict(self.terms)
        for m, c in _as_sym(other, "+").terms.items():
            terms[m] = terms.get(m, 0) + c
        return Sym.make(terms)

    __radd__ = __add__

    def __neg__(self) -> "Sym | int":
        return Sym.make({m: -c for m, c in self.terms.items()})

    def __pos__(self) -> "Sym":
        return self

    def __sub__(self, other: Any) -> "Sym | int":
        return self + (-_as_sym(other, "-"))

    def __rsub__(self, other: Any) -> "Sym | int":
        return _as_sym(other, "-") + (-self)

    def __mul__(self, other: Any) -> "Sym | int":
        terms: dict = {}
        for m1, c1 in self.terms.items():
            for m2, c2 in _as_sym(other, "*").terms.items():
                m = tuple(sorted(m1 + m2))
                terms[m] = terms.get(m, 0) + c1 * c2
        return Sym.make(terms)

    __rmul__ = __mul__

    def __floordiv__(self, other: Any) -> "Sym | int":
        divisor = _divisor(other, "//")
        if all(c % divisor == 0 for c in self.terms.values()):
            return Sym.make({m: c // divisor for m, c in self.terms.items()})
        # (p + q*d) // d == p // d + q: keep the numerator's constant in [0, d) so equal sizes print alike.
        shift = self.constant // divisor
        inner = self - shift * divisor
        return Sym({(Atom(f"{_paren(inner)} // {divisor}", inner=inner, divisor=divisor),): 1}) + shift

    def __truediv__(self, other: Any) -> "Sym | int":
        divisor = _divisor(other, "/")
        if all(c % divisor == 0 for c in self.terms.values()):
            return Sym.make({m: c // divisor for m, c in self.terms.items()})
        raise Unresolvable(f"{self} / {divisor} is not a whole number for every value of the symbols")

    def __mod__(self, other: Any) -> int:
        divisor = _divisor(other, "%")
        if all(c % divisor == 0 for c in self.terms.values()):
            return 0
        raise Unresolvable(f"{self} % {divisor} depends on the symbols' values")

    def __rtruediv__(self, other: Any):
        raise Unresolvable(f"division by the symbolic dimension {self}")

    __rfloordiv__ = __rmod__ = __rtruediv__

    def __pow__(self, other: Any) -> "Sym | int":
        if isinstance(other, int) and not isinstance(other, bool) and 0 <= other <= 8:
            result: Any = 1
            for _ in range(other):
                result = result * self
            return result
        raise Unresolvable(f"{self} ** {other!r}")

    # -- bounds and comparisons ----------------------------------------------------------------------
    @property
    def lower(self) -> int | None:
        """A lower bound over all positive values of the symbols, or None when unbounded below."""
        low = self.constant
        for m, c in self.terms.items():
            if not m:
                continue
            bounds = [a.lower for a in m]
            if c < 0 or any(b is None or b < 0 for b in bounds):
                return None
            product = 1
            for b in bounds:
                product *= b
            low += c * product
        return low

    @property
    def growth(self) -> int:
        """Sign as every symbol grows large: that of the highest-degree terms when they agree, else 0."""
        degree = max(len(m) for m in self.terms)
        top = [(m, c) for m, c in self.terms.items() if len(m) == degree]
        if any(a.growth <= 0 for m, _ in top for a in m):
            return 0
        signs = {c > 0 for _, c in top}
        return 0 if len(signs) > 1 else (1 if True in signs else -1)

    def sign(self, strict: bool) -> int | None:
        """1 or -1 when decided for the values the symbols may take, else None."""
        low = self.lower
        if low is not None and low > 0:
            return 1
        negated = -self
        high = negated.lower if isinstance(negated, Sym) else None
        if high is not None and high > 0:
            return -1
        return None if strict else (self.growth or None)

    def compare(self, op: str, other: Any, strict: bool) -> bool:
        """``self <op> other``; raises ``Unresolvable`` when it depends on the symbols' values."""
        difference = self - _as_sym(other, op)
        if isinstance(difference, Sym):
            sign = difference.sign(strict or op in ("==", "!="))
            if sign is None:
                raise Unresolvable(f"whether {self} {op} {other} depends on the symbols' values")
        else:
            sign = (difference > 0) - (difference < 0)
        return _OPS[op](sign)

    def __lt__(self, other: Any) -> bool:
        return self.compare("<", other, strict=False)

    def __le__(self, other: Any) -> bool:
        return self.compare("<=", other, strict=False)

    def __gt__(self, other: Any) -> bool:
        return self.compare(">", other, strict=False)

    def __ge__(self, other: Any) -> bool:
        return self.compare(">=", other, strict=False)

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, Sym) and self.terms == other.terms:
            return True
        if isinstance(other, Sym) or (isinstance(other, int) and not isinstance(other, bool)):
            return self.compare("==", other, strict=True)
        return False

    def __ne__(self, other: Any) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(frozenset(self.terms.items()))

    def __bool__(self) -> bool:
        return self.compare("!=", 0, strict=True)

    def __index__(self) -> int:
        raise Unresolvable(f"{self} is a symbolic dimension, not a number")

    __int__ = __index__

    def __float__(self) -> float:
        raise Unresolvable(f"{self} is a symbolic dimension, not a number")

    # -- values and text -----------------------------------------------------------------------------
    def evaluate(self, values: dict[str, int]) -> "Sym | int":
        """The value once the named symbols in ``values`` are known (the others stay symbolic)."""
        total: Any = 0
        for m, c in self.terms.items():
            term: Any = c
            for a in m:
                term = term * a.evaluate(values)
            total = total + term
        return total

    def __repr__(self) -> str:
        ordered = sorted(self.terms.items(), key=lambda mc: (-len(mc[0]), [a.name for a in mc[0]]))
        text = ""
        for m, c in ordered:
            magnitude = abs(c)
            bare = len(m) == 1 and magnitude == 1
            powers = {a: m.count(a) for a in m}
            factor = "*".join((a.name if a.inner is None or bare else f"({a.name})") + (f"**{k}" if k > 1 else "")
                              for a, k in powers.items())
            body = factor if m and magnitude == 1 else (f"{magnitude:,}*{factor}" if m else f"{magnitude:,}")
            if not text:
                text = f"-{body}" if c < 0 else body
            else:
                text += f" - {body}" if c < 0 else f" + {body}"
        return text

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)


def symbol(name: str, provisional: bool = False) -> Sym:
    return Sym({(Atom(name, provisional),): 1})


def is_provisional(value: Any) -> bool:
    """A dimension named only after the expression it came from (renamed when assigned to a variable)."""
    return isinstance(value, Sym) and all(a.provisional for a in value.atoms)


def _as_sym(value: Any, op: str) -> Sym:
    if isinstance(value, Sym):
        return value
    if isinstance(value, int):
        return Sym({(): int(value)} if value else {})
    raise Unresolvable(f"a symbolic dimension {op} {type(value).__name__}")


def _divisor(value: Any, op: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise Unresolvable(f"a symbolic dimension {op} {value!r}")


def _paren(value: Sym) -> str:
    text = repr(value)
    single = len(value.terms) == 1 and all(c == 1 for c in value.terms.values())
    return text if single else f"({text})"
