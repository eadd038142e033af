"""``njit``: numba's ``njit`` with an on-disk cache keyed by package version and source hash.

numba's own cache (``cache=True``) sits next to the sources and is invalidated only when the
file of the decorated function changes, not when a kernel it *calls* in another file changes:
after an edit or a ``git pull`` stale machine code would run silently. Here every cached kernel
goes to one folder per (thaadsim version, SHA-256 of the kernel source files), so any
source change selects a fresh folder and everything is recompiled.

Cache root: ``$THAADSIM_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/thaadsim``, else
``~/.cache/thaadsim``; the kernels go to ``<root>/numba-<version>-<hash12>``. If that folder
cannot be created or written, or ``THAADSIM_NO_CACHE`` is set (``1``/``true``/``yes``/``on``),
kernels are compiled without caching. The decision is taken once, at first import.

Stdlib and numba only: ``core`` imports nothing from the rest of thaadsim.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numba
import numpy as np

_PKG_DIR = Path(__file__).resolve().parent.parent  # the thaadsim package
_TRUE = {"1", "true", "yes", "on"}
_lock = threading.Lock()
_nb_config: Any = numba.config  # CACHE_DIR is set via globals() there: invisible to mypy


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("thaadsim")
    except Exception:
        return "0+unknown"


def _source_hash(pkg_dir: Path = _PKG_DIR) -> str:
    """SHA-256 (12 hex digits) over relative path and content of every kernel source file, in
    sorted path order: all of ``core/`` (the kernels and the constants they bake in) and every
    other module that compiles kernels with this ``njit``. Editing the CLI or a report does not
    force a recompile; editing any kernel, or anything a kernel calls, does."""
    h = hashlib.sha256()

    def is_kernel_source(p: Path) -> bool:
        if "__pycache__" in p.parts:
            return False
        if p.parent == pkg_dir / "core":
            return True
        try:
            return "core._jit import njit" in p.read_text(errors="replace")
        except OSError:
            return True

    files = sorted((p for p in pkg_dir.rglob("*.py") if is_kernel_source(p)),
                   key=lambda p: p.relative_to(pkg_dir).as_posix())
    for p in files:
        h.update(p.relative_to(pkg_dir).as_posix().encode())
        h.update(b"\0")
        try:
            h.update(p.read_bytes())
        except OSError:
            h.update(b"<unreadable>")
        h.update(b"\0")
    return h.hexdigest()[:12]


def _cache_root() -> Path | None:
    env = os.environ.get("THAADSIM_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "thaadsim"
    try:
        return Path.home() / ".cache" / "thaadsim"
    except (RuntimeError, KeyError, OSError):  # no usable home directory
        return None


def _writable_dir(d: Path) -> str:
    """Create ``d`` and write a probe file in it; '' on success, else the reason."""
    try:
        d.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".probe-", dir=d)
        try:
            os.write(fd, b"ok")
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        return f"cache directory {d} not writable: {exc}"
    return ""


def _decide() -> tuple[Path | None, str, str, str]:
    """(cache dir or None, reason when None, version, source hash)."""
    version = _version()
    digest = _source_hash()
    if os.environ.get("THAADSIM_NO_CACHE", "").strip().lower() in _TRUE:
        return None, "disabled by THAADSIM_NO_CACHE", version, digest
    root = _cache_root()
    if root is None:
        return None, "no cache root (THAADSIM_CACHE_DIR, XDG_CACHE_HOME, HOME)", version, digest
    d = root / f"numba-{version}-{digest}"
    reason = _writable_dir(d)
    return (None if reason else d), reason, version, digest


CACHE_DIR: Path | None
CACHE_DIR, _REASON, VERSION, SOURCE_HASH = _decide()


def cache_info() -> dict[str, Any]:
    """Diagnostics of the kernel cache: whether kernels are cached, where, and why not.

    Returns
    -------
    dict
        ``enabled`` (bool), ``cache_dir`` (str or None), ``reason`` (str, empty when enabled),
        ``version``, ``source_hash`` and ``numba_version`` (str).
    """
    return {
        "enabled": CACHE_DIR is not None,
        "cache_dir": None if CACHE_DIR is None else str(CACHE_DIR),
        "reason": _REASON,
        "version": VERSION,
        "source_hash": SOURCE_HASH,
        "numba_version": numba.__version__,
    }


# Presets' tables shipped with the package (``tools/make_tables.py``): a first run reads them
# instead of computing them (interceptor flyout fans, trajectory families: seconds). A file is
# found only under the name its inputs give today (``array_name``), so a stale one is never read.
SHIPPED_DIR = _PKG_DIR / "data" / "tables"


def _core_digest() -> bytes:
    """SHA-256 over every ``core/`` source but this one (the kernels, atmosphere, Earth and
    constants that every stored table depends on; this file only names and keeps them)."""
    h = hashlib.sha256()
    for p in sorted((_PKG_DIR / "core").glob("*.py")):
        if p.name == Path(__file__).name:
            continue
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.digest()


_CORE_DIGEST = _core_digest()


def array_name(kind: str, key: str, sources: Iterable[Path] = ()) -> str:
    """The file name of a computed array result: ``f"{kind}-{hash}.npz"``.

    The hash covers ``key`` (everything the result depends on, as text), every ``core/``
    source (but this file) and the bytes of the ``sources`` that compute it: any change of an
    input gives a new name, so a stale result is never read.

    Parameters
    ----------
    kind : str
        A short prefix (``"reach"``, ``"watch-flights"``).
    key : str
        The inputs, as text (e.g. a frozen dataclass's repr and the arguments).
    sources : iterable of Path
        Source files of the computation (besides ``core/``).

    Returns
    -------
    str
        The name.
    """
    h = hashlib.sha256(key.encode())
    h.update(_CORE_DIGEST)
    for p in sources:
        h.update(Path(p).read_bytes())
    return f"{kind}-{h.hexdigest()[:20]}.npz"


def load_named(name: str) -> dict[str, np.ndarray] | None:
    """The arrays stored under ``name`` (``array_name``): from the cache folder (which also
    changes with the version and kernel sources), else shipped with the package, else None.

    Parameters
    ----------
    name : str
        The file name.

    Returns
    -------
    dict or None
        The arrays (read-only).
    """
    z = None if CACHE_DIR is None else load_arrays(CACHE_DIR / name)
    return z if z is not None else load_arrays(SHIPPED_DIR / name)


def save_named(name: str, arrays: dict[str, Any], *, compress: bool = True) -> None:
    """Keep ``arrays`` under ``name`` in the cache folder (nothing when caching is off),
    atomically (a reader never sees half a file), compressed unless ``compress`` is False (large
    arrays that compress poorly: writing and reading them uncompressed is ~20x faster); a full
    or read-only disk is ignored. Callers keep only presets' results here: variants (the
    uncertainty samples) would fill the disk."""
    if CACHE_DIR is None:
        return
    path = CACHE_DIR / name
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp.npz")
    try:
        (np.savez_compressed if compress else np.savez)(tmp, **arrays)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def load_arrays(path: Path) -> dict[str, np.ndarray] | None:
    """The arrays saved at ``path`` by ``save_named`` (read-only), or None if absent or
    unreadable (the cache is an optimisation only)."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            out = {k: z[k] for k in z.files}
    except (OSError, ValueError, KeyError, EOFError):
        return None
    for a in out.values():
        a.flags.writeable = False
    return out


def njit(**kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
    """Decorator factory like ``numba.njit(**kwargs)`` with thaadsim's on-disk cache.

    Parameters
    ----------
    **kwargs
        Options of ``numba.njit``; ``cache=True`` caches the machine code in ``CACHE_DIR`` (or
        not at all when that is None).

    Returns
    -------
    callable
        A decorator that compiles a function with numba.
    """
    cache = bool(kwargs.pop("cache", False))

    def deco(func: Callable[..., Any]) -> Any:
        if not cache or CACHE_DIR is None:
            return numba.njit(cache=False, **kwargs)(func)
        # numba picks the cache locator when caching is enabled, i.e. during decoration, from
        # numba.config.CACHE_DIR (UserProvidedCacheLocator). Set it only for that moment so
        # other numba users in the process are unaffected and a config reload cannot undo it.
        with _lock:
            saved = _nb_config.CACHE_DIR
            _nb_config.CACHE_DIR = str(CACHE_DIR)
            try:
                return numba.njit(cache=True, **kwargs)(func)
            finally:
                _nb_config.CACHE_DIR = saved

    return deco
