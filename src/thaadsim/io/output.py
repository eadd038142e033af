"""Formatting result dictionaries for the terminal: table, JSON, CSV (presentation only).

Models return full-precision numbers; rounding happens here, for people: JSON keeps
``JSON_DIGITS`` significant digits (about 1 cm in 100 km, 1 ms in 3,000 s), tables
``TABLE_DIGITS``."""

from __future__ import annotations

import csv
import io
import json
import math

JSON_DIGITS = 8
TABLE_DIGITS = 6


def round_sig(x: float, digits: int) -> float:
    """A number rounded to significant digits (0 and non-finite values unchanged).

    Parameters
    ----------
    x : float
        The number.
    digits : int
        Significant digits.

    Returns
    -------
    float
        The rounded number.
    """
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - int(math.floor(math.log10(abs(x)))))


def _clean(obj, digits: int | None = None):
    """Replace non-finite floats by None so that no NaN ever reaches an output; round floats to
    ``digits`` significant digits when given."""
    if isinstance(obj, bool):
        return obj
    if isinstance(obj, float):
        if not math.isfinite(obj):
            return None
        return round_sig(obj, digits) if digits else obj
    if isinstance(obj, dict):
        return {k: _clean(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v, digits) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):
        try:
            return _clean(obj.item(), digits)
        except (TypeError, ValueError):
            return obj
    return obj


def to_json(obj, digits: int = JSON_DIGITS) -> str:
    """A result dict as indented JSON: NaN and inf become null, floats are rounded.

    Parameters
    ----------
    obj : object
        Dicts, lists, numbers, strings and numpy scalars.
    digits : int, optional
        Significant digits of floats; default ``JSON_DIGITS``.

    Returns
    -------
    str
        The JSON text.
    """
    return json.dumps(_clean(obj, digits), indent=2, allow_nan=False)


def flatten(d: dict, prefix: str = "") -> dict:
    """Nested dicts flattened to dotted keys (lists of dicts are left out).

    Parameters
    ----------
    d : dict
        The dict.
    prefix : str, optional
        Prefix of every key.

    Returns
    -------
    dict
        ``{"a.b": value, ...}``.
    """
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


def rows_to_csv(rows: list[dict], digits: int | None = JSON_DIGITS) -> str:
    """Rows of result dicts as CSV (flattened keys, union of the columns in order of appearance).

    Parameters
    ----------
    rows : list of dict
        The rows.
    digits : int or None, optional
        Significant digits of floats; default ``JSON_DIGITS``; None for rows already rounded
        (``history_rows``: fixed decimals).

    Returns
    -------
    str
        CSV text with a header; missing or None values empty, floats rounded to ``digits``.
    """
    rows = [flatten(_clean(r, digits)) for r in rows]
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
    """A result dict as a two-column text table of flattened keys and values.

    Parameters
    ----------
    d : dict
        The dict.

    Returns
    -------
    str
        The table; None shown as a dash, floats rounded to ``TABLE_DIGITS``.
    """
    flat = flatten(_clean(d, TABLE_DIGITS))
    width = max(len(k) for k in flat) if flat else 0
    return "\n".join(f"{k:<{width}}  {'-' if v is None else v}" for k, v in flat.items())


def rows_table(rows: list[dict], columns: list[str]) -> str:
    """Rows of result dicts as an aligned text table.

    Parameters
    ----------
    rows : list of dict
        The rows.
    columns : list of str
        Flattened keys to show, in order.

    Returns
    -------
    str
        Header, rule and one line per row; None shown as a dash.
    """
    rows = [flatten(_clean(r, TABLE_DIGITS)) for r in rows]
    cells = [[str("-" if r.get(c) is None else r.get(c)) for c in columns] for r in rows]
    w = [max([len(c)] + [len(x[i]) for x in cells]) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w[i]) for i, c in enumerate(columns))
    body = ["  ".join(x[i].ljust(w[i]) for i in range(len(columns))) for x in cells]
    return "\n".join([line, "  ".join("-" * n for n in w)] + body)


def write_text(text: str, path) -> None:
    """Write a text file whole: beside the target first, then moved into place (a reader never
    sees half a file). Validate the path first with ``io.files.check_output_file``.

    Parameters
    ----------
    text : str
        The contents (UTF-8).
    path : str or PathLike
        The file.
    """
    import os
    import tempfile
    from pathlib import Path

    p = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o644 & ~umask)
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


HISTORY_COLUMNS = ["t_s", "lat_deg", "lon_deg", "alt_km", "speed_km_s", "phase"]


def history_rows(flight) -> list[dict]:
    """The sampled trajectory of a ``Flight`` (or a one-member ``TrajectoryBatch``), one row per
    sample, with its phase.

    Phases: ``boost`` up to burnout (or the thrust cutoff), ``midcourse`` after it, ``terminal``
    once the missile descends below the reentry altitude (``core.integrate.REENTRY_ALT_M``,
    100 km; the whole descent for a missile whose apogee is lower).

    Parameters
    ----------
    flight : Flight or TrajectoryBatch
        Flown with a history (the API's ``fly`` and ``aim`` keep one by default).

    Returns
    -------
    list of dict
        ``t_s``, ``lat_deg``, ``lon_deg``, ``alt_km``, ``speed_km_s`` (Earth-relative), ``phase``;
        rounded for people to fixed decimals: 1 ms, 1e-6 deg (0.1 m), 1 mm, 1 mm/s.

    Raises
    ------
    ValueError
        A trajectory flown without a history.
    """
    from thaadsim.core.integrate import COL, REENTRY_ALT_M

    batch = getattr(flight, "batch", flight)
    batch.history  # noqa: B018 (raises ValueError without one)
    df = batch.to_dataframe()
    df = df[df["trajectory"] == 0]
    s = batch.summary[0]
    t_bo, t_apo = float(s[COL["t_burnout"]]), float(s[COL["t_apogee"]])
    if not math.isfinite(t_bo):
        t_bo = -math.inf
    if not math.isfinite(t_apo):
        t_apo = math.inf
    rows = []
    for t, lat, lon, alt, v in zip(df["t_s"], df["lat_deg"], df["lon_deg"], df["alt_km"],
                                   df["speed_km_s"], strict=True):
        if t <= t_bo:
            phase = "boost"
        elif t > t_apo and alt * 1e3 < REENTRY_ALT_M:
            phase = "terminal"
        else:
            phase = "midcourse"
        rows.append({"t_s": _fixed(t, 3), "lat_deg": _fixed(lat, 6), "lon_deg": _fixed(lon, 6),
                     "alt_km": _fixed(alt, 6), "speed_km_s": _fixed(v, 6), "phase": phase})
    return rows


def _fixed(x: float, decimals: int) -> float:
    """A number rounded to fixed decimals, without a negative zero."""
    return round(float(x), decimals) + 0.0
