"""The presets' tables shipped with the package, so that a first run does not compute them.

A first run (an empty kernel cache) would fly the interceptor presets' flyout fans (~1 s of
Python each) and the threat presets' shape tables and trajectory families (seconds together)
before its first footprint. ``tools/make_tables.py`` computes the tables that ``thaadsim demo``
and every interceptor preset need and ships them in ``data/tables``, with a manifest
(``tables.json``) of what each one is; ``core._jit.load_named`` reads a shipped table only under
the name its inputs give today (the preset's parameters, the arguments, the sources that compute
it and every ``core/`` source), so after any such change the table is computed again, as without
the file. ``tests/reference/test_shipped_tables.py`` holds every shipped table equal to a fresh
computation and fails, naming the tool, when one is missing or stale.

Kinds: ``reach`` (``interceptors.reach.reach_table``), ``family``
(``analysis.families.family_of``) and ``shape`` (``threats.solve.shape_table``).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import numpy as np

MANIFEST = "tables.json"
KINDS = ("reach", "family", "shape")


def manifest() -> list[dict[str, Any]]:
    """The shipped tables: per table its ``name``, ``kind`` and the inputs it was computed from
    (``interceptor`` or ``missile``, and ``args``).

    Returns
    -------
    list of dict
        The entries (empty when no manifest ships).
    """
    try:
        text = resources.files("thaadsim.data").joinpath("tables", MANIFEST).read_text()
        return list(json.loads(text)["tables"])
    except (OSError, ValueError, KeyError, TypeError):
        return []


def entry(kind: str, preset: str, args: tuple) -> dict[str, Any]:
    """A manifest entry: what a table is and its current name.

    Parameters
    ----------
    kind : str
        One of ``KINDS``.
    preset : str
        The interceptor (``reach``) or missile preset's name.
    args : tuple
        The remaining arguments of the computation (as ``reach_table``, ``family_of`` or
        ``shape_table`` take them).

    Returns
    -------
    dict
        ``kind``, ``interceptor`` or ``missile``, ``args`` and ``name``.
    """
    who = "interceptor" if kind == "reach" else "missile"
    out: dict[str, Any] = {"kind": kind, who: preset, "args": list(args)}
    out["name"] = current_name(out)
    return out


def _inputs(e: dict[str, Any]):
    """The entry's preset object, its arguments and the module that computes its kind."""
    if e["kind"] == "reach":
        from thaadsim.interceptors import reach
        from thaadsim.interceptors.reach import get_interceptor

        return get_interceptor(e["interceptor"]), tuple(e["args"]), reach, reach._reach_table
    from thaadsim.threats.missile import get_missile

    if e["kind"] == "family":
        from thaadsim.analysis import families

        return get_missile(e["missile"]), tuple(e["args"]), families, families._family_of
    from thaadsim.threats import solve

    return get_missile(e["missile"]), tuple(e["args"]), solve, solve._shape_table


def current_name(e: dict[str, Any]) -> str:
    """The name the entry's inputs give today (a shipped file under another name is stale).

    Parameters
    ----------
    e : dict
        A manifest entry.

    Returns
    -------
    str
        The file name (``core._jit.array_name``).
    """
    preset, args, module, _ = _inputs(e)
    return str(module.table_name(preset, *args))


def compute(e: dict[str, Any]) -> dict[str, np.ndarray]:
    """The entry's table computed afresh, as it is stored (not read from the cache or the
    shipped folder; a family is flown from its shape table, which may be read, and which is
    checked as an entry of its own).

    Parameters
    ----------
    e : dict
        A manifest entry.

    Returns
    -------
    dict of ndarray
        The stored arrays.
    """
    preset, args, module, fresh = _inputs(e)
    return dict(module.table_arrays(fresh(preset, *args)))
