"""Safe output files and report directories: thaadsim never deletes or replaces a file it did not
write.

Report directory rules (``thaadsim demo --out DIR``):

- a new or empty DIR: the report is written there;
- a DIR that holds an earlier thaadsim report (recognised by the marker file ``MARKER``, which
  lists the files that report wrote): those files are replaced; anything else in DIR (files
  the user added) is kept;
- any other non-empty DIR, ``.``, ``""``, the home directory, ``/``, or a directory that contains
  the working directory: refused (exit 2). ``force=True`` allows a non-empty DIR, but even then
  no file that thaadsim did not write is deleted or overwritten;
- the directory keeps its permissions (a new one gets the usual ``mkdir`` mode under the umask);
- a lock file (``LOCK``, ``flock``) lets only one run write a DIR at a time: a second run refuses.

Files are first written to a staging folder inside DIR and moved into place one by one with
``os.replace`` only when all of them are complete, so an interrupted run never leaves a report
that looks finished, and a reader always sees whole files.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from thaadsim.errors import ThaadsimError

MARKER = ".thaadsim-report.json"
LOCK = ".thaadsim-lock"
STAGING_PREFIX = ".thaadsim-staging-"
OURS = (MARKER, LOCK)
IMAGE_SUFFIXES = (".png", ".svg", ".pdf")


def _opt(option: str) -> str:
    return option if option.startswith("-") else f"--{option}"


def check_output_file(option: str, path: str | os.PathLike | None,
                      suffixes: tuple[str, ...] = IMAGE_SUFFIXES) -> Path:
    """Validate an output file path before any computation.

    Refused: an empty path, an existing directory, a suffix outside ``suffixes``, a parent that
    does not exist, a place where a file cannot be created (probed by creating and removing it,
    so ``/proc/x.png`` or a read-only directory is refused whatever the permission bits say).

    Parameters
    ----------
    option : str
        The option the error names (``--`` is added if missing).
    path : str, PathLike or None
        The path.
    suffixes : tuple of str, optional
        Accepted suffixes; default ``IMAGE_SUFFIXES``.

    Returns
    -------
    Path
        The path that will be written.

    Raises
    ------
    ThaadsimError
        The path is refused.
    """
    opt = _opt(option)
    text = "" if path is None else os.fspath(path)
    if not text.strip():
        raise ThaadsimError(opt, "must be a file path, not empty", text)
    try:
        return _check_output_file(opt, text, suffixes)
    except OSError as e:  # a name too long, a loop of links...: the place is not usable
        raise ThaadsimError(opt, f"must be a usable file path ({e.strerror})", text) from None


def _check_output_file(opt: str, text: str, suffixes: tuple[str, ...]) -> Path:
    p = Path(text).expanduser()
    if p.is_dir():
        raise ThaadsimError(opt, "must be a file path, not an existing directory", text)
    if p.suffix.lower() not in suffixes:
        raise ThaadsimError(opt, f"must end in {', '.join(suffixes)}", text)
    parent = p.parent
    if not parent.is_dir():
        raise ThaadsimError(opt, "must be inside an existing directory", text)
    if p.exists():
        if not p.is_file():
            raise ThaadsimError(opt, "must be a regular file", text)
        try:
            with open(p, "ab"):
                pass
        except OSError as e:
            raise ThaadsimError(opt, f"must be writable ({e.strerror})", text) from None
        return p
    try:
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError as e:
        raise ThaadsimError(opt, f"must be in a place where a file can be created ({e.strerror})",
                            text) from None
    os.close(fd)
    os.unlink(p)
    return p


def _is_same_or_ancestor(d: Path, of: Path) -> bool:
    try:
        of.relative_to(d)
        return True
    except ValueError:
        return False


def _user_entries(d: Path) -> list[str]:
    return sorted(e for e in os.listdir(d) if e not in OURS and not e.startswith(STAGING_PREFIX))


def _read_marker(d: Path) -> list[str] | None:
    """The files an earlier thaadsim report wrote into ``d``, or None if ``d`` holds none."""
    m = d / MARKER
    if not m.is_file():
        return None
    try:
        doc = json.loads(m.read_text(encoding="utf-8"))
        files = doc["files"]
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    # only plain names inside d: a marker can never make us touch anything elsewhere
    return [f for f in files if f and "/" not in f and "\\" not in f and f not in (".", "..")]


class ReportDir:
    """A report directory claimed for writing (see the module docstring for the rules).

    Use as a context manager::

        with ReportDir("demo-out") as rd:
            (rd.staging / "report.html").write_text(...)
            rd.commit()          # moves the staged files into place, writes the marker

    Leaving the block without ``commit()`` (an error, Ctrl-C) removes the staging folder and,
    if this run created DIR and it is still empty, DIR itself. The claim (path rules, emptiness,
    lock) is made in ``__enter__``, before any computation.
    """

    def __init__(self, out: str | os.PathLike, *, option: str = "--out", force: bool = False):
        self.option = option
        self.text = os.fspath(out)
        self.force = force
        self.path = self._check_path()
        self.created = False
        self.previous: list[str] = []
        self.staging: Path = self.path  # set in __enter__
        self.written: list[str] = []
        self._lock_fd: int | None = None
        self._lock_created = False

    # -- claim ----------------------------------------------------------------------------------
    def _refuse(self, rule: str) -> ThaadsimError:
        return ThaadsimError(self.option, rule, self.text)

    def _check_path(self) -> Path:
        try:
            return self._check_path_rules()
        except OSError as e:  # a name too long, a loop of links...: the place is not usable
            raise self._refuse(f"must be a usable directory path ({e.strerror})") from None

    def _check_path_rules(self) -> Path:
        if not self.text.strip():
            raise self._refuse("must name a report directory, not an empty path")
        p = Path(self.text).expanduser().absolute()
        real = Path(os.path.realpath(p))
        cwd = Path(os.path.realpath(os.getcwd()))
        home = Path(os.path.realpath(Path.home())) if "HOME" in os.environ else None
        if real == Path(real.anchor):
            raise self._refuse("must not be the root directory")
        if home is not None and real == home:
            raise self._refuse("must not be the home directory")
        if _is_same_or_ancestor(real, cwd):
            raise self._refuse("must not be the working directory or a directory containing it")
        if p.exists() and not p.is_dir():
            raise self._refuse("must be a directory (a file of that name exists)")
        if not p.parent.is_dir():
            raise self._refuse("must be inside an existing directory")
        return p

    def __enter__(self) -> ReportDir:
        p = self.path
        try:
            if not p.exists():
                p.mkdir()
                self.created = True
        except FileExistsError:
            pass
        except OSError as e:
            raise self._refuse(f"must be a directory that can be created ({e.strerror})") from None
        try:
            try:
                self._lock_fd = os.open(p / LOCK, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
                self._lock_created = True
            except FileExistsError:
                self._lock_fd = os.open(p / LOCK, os.O_RDWR)
        except OSError as e:
            self._cleanup_created()
            raise self._refuse(f"must be a writable directory ({e.strerror})") from None
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            os.close(self._lock_fd)
            self._lock_fd = None
            if e.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise self._refuse("is being written by another thaadsim run (lock file "
                                   f"{LOCK}); wait for it or choose another directory") from None
            raise
        try:
            self._check_contents()
            self.staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=p))
        except BaseException:
            self._release()
            raise
        return self

    def _check_contents(self) -> None:
        entries = _user_entries(self.path)
        previous = _read_marker(self.path)
        self.previous = previous or []
        if not entries:
            return
        if previous is not None or self.force:
            return
        shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
        what = f"{len(entries)} other entr{'y' if len(entries) == 1 else 'ies'}: {shown}"
        raise self._refuse("must be a new or empty directory, or hold an earlier thaadsim report "
                           f"(it holds {what}; nothing was changed; --force writes beside them)")

    # -- commit ---------------------------------------------------------------------------------
    def commit(self) -> list[str]:
        """Move the staged files into place and write the marker.

        Returns
        -------
        list of str
            Names of the files written.

        Raises
        ------
        ThaadsimError
            A staged name exists in DIR but was not written by an earlier thaadsim report, or is a
            directory (nothing is moved).
        """
        names = sorted(os.listdir(self.staging))
        for n in names:
            target = self.path / n
            if (target.exists() or target.is_symlink()) and n not in self.previous:
                raise self._refuse(f"already holds {n}, which thaadsim did not write; it was "
                                   "kept and the report was not written")
            if target.is_dir() and not target.is_symlink():
                raise self._refuse(f"holds a directory named {n}; the report was not written")
        for n in names:
            os.replace(self.staging / n, self.path / n)
        # files of the previous report that this one no longer writes were ours: remove them
        for n in self.previous:
            if n not in names and n not in OURS:
                with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                    (self.path / n).unlink()
        marker = {"generator": "thaadsim", "files": names,
                  "note": "thaadsim replaces only the files listed here; other files are kept"}
        tmp = self.staging.parent / (MARKER + ".tmp")
        tmp.write_text(json.dumps(marker, indent=1), encoding="utf-8")
        os.replace(tmp, self.path / MARKER)
        self.written = names
        return names

    # -- release --------------------------------------------------------------------------------
    def _cleanup_created(self) -> None:
        if self.created:
            with contextlib.suppress(OSError):
                for n in OURS:
                    if (self.path / n).exists() and not self.written:
                        (self.path / n).unlink()
                self.path.rmdir()  # only if empty

    def _release(self) -> None:
        if self.staging != self.path:
            shutil.rmtree(self.staging, ignore_errors=True)
        if self._lock_fd is not None:
            if not self.written:
                if self._lock_created:  # leave the directory as it was found
                    with contextlib.suppress(OSError):
                        (self.path / LOCK).unlink()
                self._cleanup_created()
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def __exit__(self, *exc) -> None:
        self._release()


@contextlib.contextmanager
def report_dir(out: str | os.PathLike, *, option: str = "--out",
               force: bool = False) -> Iterator[ReportDir]:
    """Context manager form of ``ReportDir``: claim a report directory for writing.

    Parameters
    ----------
    out : str or PathLike
        The report directory.
    option : str, optional
        The option errors name; default ``"--out"``.
    force : bool, optional
        Allow a non-empty directory (files thaadsim did not write are still kept).

    Yields
    ------
    ReportDir
        The claimed directory; call ``commit()`` before leaving the block.

    Raises
    ------
    ThaadsimError
        A directory the rules refuse (see the module docstring), or one locked by another run.
    """
    with ReportDir(out, option=option, force=force) as rd:
        yield rd
