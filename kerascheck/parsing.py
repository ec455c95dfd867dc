"""``libcst.parse_module`` with the cyclic garbage collector paused.

A libcst tree is acyclic (nodes only point at their children), so it is freed by reference counting
alone; but while the parser allocates its hundreds of thousands of nodes, the collector keeps
running generation passes over them, for nothing: ~10-15 % of the parse of a large module.
"""

from __future__ import annotations

import gc

import libcst as cst


def parse_module(source: str) -> cst.Module:
    enabled = gc.isenabled()
    gc.disable()
    try:
        return cst.parse_module(source)
    finally:
        if enabled:
            gc.enable()
