"""Formatting result dictionaries for the terminal: table, JSON, CSV (presentation only)."""

from __future__ import annotations

import csv
import io
import json
import math


def _clean(obj):
    """Replace non-finite floats by None so that no NaN ever reaches an output."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):
        try:
            return _clean(obj.item())
        except (TypeError, ValueError):
            return obj
    return obj


def to_json(obj) -> str:
    return json.dumps(_clean(obj), indent=2, allow_nan=False)


def flatten(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, key + "."))
        elif isinstance(v, list) and v and isinstance(v[0], dict):
            continue
        else:
            out[key] = v
    return out


def rows_to_csv(rows: list[dict]) -> str:
    rows = [flatten(_clean(r)) for r in rows]
    keys: list[str] = []
    for r in rows:
        keys += [k for k in r if k not in keys]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=keys, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in keys})
    return buf.getvalue()


def kv_table(d: dict) -> str:
    flat = flatten(_clean(d))
    width = max(len(k) for k in flat) if flat else 0
    return "\n".join(f"{k:<{width}}  {'-' if v is None else v}" for k, v in flat.items())


def rows_table(rows: list[dict], columns: list[str]) -> str:
    rows = [flatten(_clean(r)) for r in rows]
    cells = [[str("-" if r.get(c) is None else r.get(c)) for c in columns] for r in rows]
    w = [max([len(c)] + [len(x[i]) for x in cells]) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w[i]) for i, c in enumerate(columns))
    body = ["  ".join(x[i].ljust(w[i]) for i in range(len(columns))) for x in cells]
    return "\n".join([line, "  ".join("-" * n for n in w)] + body)
