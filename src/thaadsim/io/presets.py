"""Lookup of named presets in the shipped TOML data files."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

from thaadsim.errors import ThaadsimError


@lru_cache(maxsize=8)
def load(filename: str) -> dict:
    return tomllib.loads(resources.files("thaadsim.data").joinpath(filename).read_text())


def lookup(table: dict, parameter: str, name: str, also: str = "") -> tuple[str, dict]:
    """(key, a copy of the preset with 'sources' as a tuple); an unknown name is an error that
    lists the known ones."""
    key = str(name).strip().lower()
    if key not in table:
        raise ThaadsimError(parameter, f"must be one of {', '.join(sorted(table))}{also}", name)
    d = dict(table[key])
    d["sources"] = tuple(d.get("sources", ()))
    return key, d
