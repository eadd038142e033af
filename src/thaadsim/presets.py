"""The one reader of preset tables: the shipped TOML files in ``thaadsim/data`` and the user's own
files in the same format.

Tables: ``missiles.toml`` ([missile.NAME]), ``radars.toml`` ([radar.NAME], [site.NAME]),
``interceptors.toml`` ([interceptor.NAME]), ``threat_sets.toml`` ([set.NAME]), ``systems.toml``
([system.NAME]: interceptor + radar + battery defaults + tier; [configuration.NAME]: preset
battery configurations). Each model module
(threats, sensors, interceptors) builds its frozen objects from ``table(...)``; nothing else reads
the files.

User data, without editing the package:

- every ``*.toml`` file in the directory named by ``$THAADSIM_DATA`` whose name is one of the
  shipped files' names is read at start;
- ``add_user_file(path, filename)`` (the CLI's ``--missile-file`` etc.) adds one more file;
- ``add_user_entries(...)`` adds entries defined elsewhere (missiles defined inline in a
  scenario file).

A user entry becomes usable by name everywhere and is listed with its file as its source. It may
not shadow a preset or another user entry: the same name is an error naming both files.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path

from thaadsim.errors import ThaadsimError, show_value

FILES = {"missiles.toml": ("missile",), "radars.toml": ("radar", "site"),
         "interceptors.toml": ("interceptor",), "threat_sets.toml": ("set",),
         "uncertainty.toml": ("parameter",), "systems.toml": ("system", "configuration")}
OPTION_OF = {"missiles.toml": "--missile-file", "radars.toml": "--radar-file",
             "interceptors.toml": "--interceptor-file", "threat_sets.toml": "--threat-set-file",
             "uncertainty.toml": "--uncertainty-file", "systems.toml": "--system-file"}
_user_files: dict[str, list[Path]] = {f: [] for f in FILES}
_inline: dict[str, list[tuple[str, str, dict]]] = {f: [] for f in FILES}


@lru_cache(maxsize=8)
def _shipped(filename: str) -> dict:
    return tomllib.loads(resources.files("thaadsim.data").joinpath(filename).read_text())


MAX_FILE_BYTES = 1_000_000  # a scenario of 500 threats is ~100 kB


def read_toml(path: str | os.PathLike, parameter: str) -> dict:
    """A user's TOML file as a dict; every way a file can be unreadable is one clean error naming
    ``parameter`` (binary, UTF-16, Latin-1, NUL bytes, too large, too deeply nested, bad TOML)."""
    text_path = os.fspath(path)
    p = Path(text_path)
    if not text_path.strip() or not p.is_file():
        raise ThaadsimError(parameter, "must be an existing TOML file", text_path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ThaadsimError(parameter, f"must be at most {MAX_FILE_BYTES:,} bytes (it has "
                                           f"{size:,})", text_path)
        data = p.read_bytes()
    except OSError as e:
        raise ThaadsimError(parameter, f"must be a readable file ({e.strerror})",
                            text_path) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ThaadsimError(parameter, "must be UTF-8 text (this file is UTF-16)", text_path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ThaadsimError(parameter, f"must be UTF-8 text (byte 0x{data[e.start]:02x} at "
                                       f"offset {e.start} is not)", text_path) from None
    if "\x00" in text:
        raise ThaadsimError(parameter, "must be a text file (it holds NUL bytes)", text_path)
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as e:
        why = show_value(str(e), 120)[1:-1]
        raise ThaadsimError(parameter, f"must be valid TOML ({why})", text_path) from None
    except RecursionError:
        raise ThaadsimError(parameter, "must not nest arrays or tables that deeply",
                            text_path) from None


def _read_user(path: Path, option: str) -> dict:
    return read_toml(path, option)


def _env_files(filename: str) -> list[Path]:
    d = os.environ.get("THAADSIM_DATA")
    if not d:
        return []
    p = Path(d).expanduser() / filename
    return [p] if p.is_file() else []


def add_user_file(path: str | os.PathLike, filename: str) -> None:
    """Register a user file in the format of the shipped ``filename``; validated at once."""
    if filename not in FILES:
        raise ValueError(filename)
    p = Path(path).expanduser()
    _read_user(p, OPTION_OF[filename])  # refuse an unreadable file now, naming its option
    if p not in _user_files[filename]:
        _user_files[filename].append(p)
    table.cache_clear()


def add_user_entries(filename: str, doc: dict, origin: str, option: str) -> None:
    """Register entries given as a parsed TOML document (``doc`` in the format of the shipped
    ``filename``, e.g. the ``[missile.NAME]`` tables of a scenario file); ``origin`` names them in
    sources and errors, ``option`` is the parameter errors name."""
    if filename not in FILES:
        raise ValueError(filename)
    # loading the same scenario again replaces its entries instead of clashing with them
    _inline[filename][:] = [e for e in _inline[filename] if e[0] != origin]
    _inline[filename].append((origin, option, doc))
    table.cache_clear()


def clear_user_files() -> None:
    """Forget every user file and inline entry (each CLI invocation starts from the presets)."""
    for v in _user_files.values():
        v.clear()
    for w in _inline.values():
        w.clear()
    table.cache_clear()


@lru_cache(maxsize=32)
def table(filename: str, section: str) -> dict[str, dict]:
    """name -> entry of ``section`` over the shipped file and the user's files; every entry gets
    ``_file`` (where it came from: 'thaadsim' or the user file's path)."""
    out: dict[str, dict] = {}
    origin: dict[str, str] = {}
    for name, entry in _shipped(filename).get(section, {}).items():
        out[name] = dict(entry, _file="thaadsim")
        origin[name] = f"thaadsim's {filename}"
    sources: list[tuple[str, str, dict]] = []
    env = _env_files(filename)
    for p in env + _user_files[filename]:
        option = "THAADSIM_DATA" if p in env else OPTION_OF[filename]
        sources.append((str(p), option, _read_user(p, option)))
    sources += _inline[filename]
    for where, option, doc in sources:
        entries = doc.get(section, {})
        if not isinstance(entries, dict):
            raise ThaadsimError(option, f"must hold [{section}.NAME] tables", where)
        for raw_name, entry in entries.items():
            name = str(raw_name).strip().lower()
            if not name or not isinstance(entry, dict):
                raise ThaadsimError(option, f"[{section}.{raw_name}] must be a named table",
                                    where)
            if name in out:
                raise ThaadsimError(option, f"must not redefine {section} '{name}' (defined in "
                                            f"{origin[name]} and in {where})", where)
            out[name] = dict(entry, _file=where, _option=option)
            origin[name] = where
    return out


def load(filename: str) -> dict:
    """All sections of ``filename`` (shipped and user entries merged)."""
    return {s: table(filename, s) for s in FILES[filename]}


# No parameter of these models is anywhere near this large (assumption); larger numbers only
# overflow the arithmetic downstream.
MAX_MAGNITUDE = 1e12


def build(cls, table_: dict, parameter: str, name: str, *, also: str = "",
          positive: tuple[str, ...] = (), bounds: dict[str, tuple[float, float]] | None = None,
          limits_of: dict[str, str] | None = None):
    """A frozen ``cls`` (a dataclass) from the entry ``name`` of ``table_``, validated field by
    field against the dataclass's annotations: unknown and missing keys, numbers that are not
    finite numbers, strings that are not strings, ``sources`` that is not a list of strings,
    ``positive`` fields not > 0, ``bounds`` (lo, hi) and ``limits_of`` (field -> a quantity of
    ``thaadsim.limits.BOUNDS``) broken: each is one clean error naming the option or file the
    entry came from, the entry and the field (a preset that breaks a rule is a bug, so the same
    checks apply to the shipped data)."""
    import dataclasses
    import math

    from thaadsim.errors import show_value
    from thaadsim.limits import check as check_bound

    key = str(name).strip().lower()
    entry = table_.get(key)
    option = entry.get("_option", parameter) if isinstance(entry, dict) else parameter
    where = entry.get("_file", "thaadsim") if isinstance(entry, dict) else "thaadsim"
    key, d = lookup(table_, parameter, name, also)
    section = getattr(cls, "__name__", "entry").lower()
    label = f"[{section}.{key}]"

    def bad(rule: str):
        return ThaadsimError(option, f"{label} {rule}", where)

    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(d) - set(fields))
    if unknown:
        raise bad(f"has unknown key(s) {', '.join(unknown)} (known: {', '.join(fields)})")
    out: dict = {"name": key}
    for fname, f in fields.items():
        if fname == "name":
            continue
        if fname not in d:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise bad(f"must define {fname}")
            continue
        v = d[fname]
        ann = str(f.type)
        if fname == "sources" or ann.startswith("tuple"):
            vals = list(v) if isinstance(v, (list, tuple)) else None
            if vals is None or not all(isinstance(x, str) for x in vals):
                raise bad(f"{fname} must be a list of strings (got {show_value(v)})")
            out[fname] = tuple(vals)
        elif ann.startswith("float") or ann.startswith("int"):
            if v is None and "None" in ann:
                out[fname] = None
                continue
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise bad(f"{fname} must be a finite number (got {show_value(v)})")
            if abs(v) > MAX_MAGNITUDE:
                raise bad(f"{fname} must be at most {MAX_MAGNITUDE:g} in magnitude "
                          f"(got {show_value(v)})")
            if fname in positive and not v > 0:
                raise bad(f"{fname} must be > 0 (got {show_value(v)})")
            if bounds and fname in bounds and not bounds[fname][0] <= v <= bounds[fname][1]:
                lo, hi = bounds[fname]
                raise bad(f"{fname} must lie in [{lo:g}, {hi:g}] (got {show_value(v)})")
            if limits_of and fname in limits_of:
                try:
                    check_bound(limits_of[fname], v, fname)
                except ThaadsimError as e:
                    raise bad(f"{fname} {e.rule} (got {show_value(v)})") from None
            out[fname] = float(v)
        elif ann.startswith("str"):
            if not isinstance(v, str):
                raise bad(f"{fname} must be a string (got {show_value(v)})")
            out[fname] = v
        else:
            out[fname] = v
    try:
        return cls(**out)
    except (TypeError, ValueError, ArithmeticError) as e:
        raise bad(f"is invalid ({show_value(str(e))[1:-1]})") from None


def lookup(table_: dict, parameter: str, name: str, also: str = "") -> tuple[str, dict]:
    """(key, a copy of the entry with 'sources' as a tuple and without '_file'); an unknown name
    is an error that lists the known ones. A user entry's file is appended to its sources."""
    key = str(name).strip().lower()
    if key not in table_:
        known = ", ".join(sorted(table_))
        if len(known) > 300:
            known = known[:297] + "..."
        raise ThaadsimError(parameter, f"must be one of {known}{also}", name)
    d = dict(table_[key])
    option = d.pop("_option", parameter)
    f = d.pop("_file", "thaadsim")
    raw = d.get("sources", ())
    if not isinstance(raw, (list, tuple)) or not all(isinstance(x, str) for x in raw):
        raise ThaadsimError(option, f"[{key}] sources must be a list of strings", f)
    sources = tuple(raw)
    if f != "thaadsim":
        sources = sources + (f"user data {f}",)
    d["sources"] = sources
    return key, d
