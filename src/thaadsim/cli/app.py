"""The ``thaadsim`` command's shell: the typer app, output formats, metadata, user data files,
and the one place where errors become exit codes (2 and one line for bad input, never a
traceback). Commands live in ``cli.models``, ``cli.analyses`` and ``cli.bench``."""

from __future__ import annotations

import datetime as _dt
import os
import sys
import warnings
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

try:  # typer >= 0.20 vendors click
    from typer._click import exceptions as cx
except ImportError:  # pragma: no cover
    from click import exceptions as cx  # type: ignore[no-redef]

from thaadsim import __version__
from thaadsim.cli.progress import set_quiet
from thaadsim.errors import ThaadsimError, show_value
from thaadsim.io.output import kv_table, rows_to_csv, to_json

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None,
                  help="thaadsim: open, physics-based THAAD simulator (public estimates only).")
bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks (ratios against baselines).")
app.add_typer(bench_app, name="bench")

_ARGV: list[str] = []


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"thaadsim {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", is_eager=True,
                                       callback=_version_callback, help="print the version"),
          quiet: bool = typer.Option(False, "--quiet", "-q",
                                     help="no progress on stderr (it is also off when stderr is "
                                          "not a terminal)")) -> None:
    """thaadsim: open, physics-based THAAD simulator (public estimates only)."""
    set_quiet(quiet)


# ---- output -------------------------------------------------------------------------------------

class Fmt(str, Enum):  # noqa: UP042 (typer needs a str Enum)
    """The one output-format option; each command says which formats it offers."""

    table = "table"
    json = "json"
    csv = "csv"
    geojson = "geojson"


def fmt_option(default: Fmt = Fmt.table, offers: str = "table|json|csv"):
    """The ``--format`` option, its help naming the formats this command offers."""
    return typer.Option(default, "--format", help=f"output format: {offers}")


def require_format(fmt: Fmt, offered: tuple[str, ...]) -> None:
    """Refuse (exit 2) a format this command does not offer."""
    if fmt.value not in offered:
        raise ThaadsimError("--format", f"must be one of {', '.join(offered)} for this command",
                            fmt.value)


def run_date() -> str:
    """UTC time of the run; SOURCE_DATE_EPOCH (the reproducible-builds convention) fixes it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    t = None
    if epoch:
        try:
            t = _dt.datetime.fromtimestamp(int(epoch), tz=_dt.UTC)
        except (ValueError, OverflowError, OSError):
            t = None
    t = t or _dt.datetime.now(tz=_dt.UTC)
    return t.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def metadata() -> dict:
    """What every JSON output carries: version, run date, command line."""
    return {"thaadsim_version": __version__, "run_date": run_date(),
            "command": " ".join(["thaadsim", *_ARGV]), "public_estimates_only": True}


def emit(obj, fmt: Fmt | str, *, table: str | None = None, rows: list[dict] | None = None):
    """Print a result as a table, JSON or GeoJSON (with ``metadata``), or CSV rows."""
    f = fmt.value if isinstance(fmt, Fmt) else fmt
    if f in ("json", "geojson"):
        typer.echo(to_json({**obj, "metadata": metadata()} if isinstance(obj, dict) else obj))
    elif f == "csv":
        typer.echo(rows_to_csv(rows if rows is not None else [obj]), nl=False)
    else:
        typer.echo(table if table is not None else kv_table(obj))


def sources_block(rows: list[dict]) -> str:
    """'Sources:' lines for presets (name: sources [notes])."""
    return "\n\nSources:\n" + "\n".join(
        f"  {r['name']}: " + "; ".join(r["sources"])
        + (f" [{r['notes']}]" if r.get("notes") else "") for r in rows if r.get("sources"))


def note(text: str | None) -> None:
    """A one-line note on stderr (an assumption that was applied)."""
    if text:
        typer.echo(f"thaadsim: note: {text}", err=True)


# ---- user data files ---------------------------------------------------------------------

Files = Optional[list[Path]]


def file_option(kind: str, listing: str):
    """A repeatable ``--<kind>-file`` option for user data in the shipped files' format."""
    return typer.Option(None, f"--{kind}-file",
                        help=f"a TOML file in the format of the shipped {kind.replace('-', '_')}s"
                             f".toml (repeatable); its entries are usable by name and listed by "
                             f"'thaadsim {listing}'")


def use_files(missile_file: Files = None, radar_file: Files = None,
              interceptor_file: Files = None, threat_set_file: Files = None,
              uncertainty_file: Files = None) -> None:
    """Register the user's data files (validated now, before any work)."""
    from thaadsim.presets import add_user_file

    for files, name in ((missile_file, "missiles.toml"), (radar_file, "radars.toml"),
                        (interceptor_file, "interceptors.toml"),
                        (threat_set_file, "threat_sets.toml"),
                        (uncertainty_file, "uncertainty.toml")):
        for f in files or []:
            add_user_file(f, name)


# ---- errors -------------------------------------------------------------------------------------

def _option_names() -> set[str]:
    """Every --option of every command (to name library parameters by their option)."""
    names: set[str] = set()

    def walk(cmd) -> None:
        for prm in getattr(cmd, "params", []):
            names.update(o for o in getattr(prm, "opts", []) if o.startswith("--"))
        for sub in getattr(cmd, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_command(app))
    return names


def _typed_values(argv: list[str]) -> dict[str, str]:
    """--option -> the text typed for it (the last one when repeated)."""
    out: dict[str, str] = {}
    for i, a in enumerate(argv):
        if a.startswith("--"):
            if "=" in a:
                k, v = a.split("=", 1)
                out[k] = v
            elif i + 1 < len(argv):
                out[a] = argv[i + 1]
    return out


def _show_typed(text: str) -> str:
    try:
        float(text)
        return text if len(text) <= 100 else show_value(text)
    except ValueError:
        return show_value(text)


def format_error(e: ThaadsimError, argv: list[str]) -> list[str]:
    """Lines for a bad-input error: the parameter named by its CLI option (``apogee_km`` ->
    ``--apogee-km``) and the value shown as the user typed it."""
    if type(e).__str__ is not ThaadsimError.__str__:  # several problems (scenario files)
        return str(e).splitlines() or [str(e)]
    base, sep, rest = str(e.parameter).partition(" ")
    opt = base if base.startswith("-") else "--" + base.replace("_", "-")
    if opt not in _option_names():
        return str(e).splitlines()
    typed = _typed_values(argv)
    value = _show_typed(typed[opt]) if (not rest and opt in typed) else show_value(e.value)
    msg = f"{opt}{sep}{rest}: {e.rule}. Got {value}."
    if e.hint:
        msg += f" {e.hint}"
    return [msg.replace("\n", " ")]


MAX_LINE_CHARS = 400  # an error line never carries a 10,000-character value back to the user


def _cap(line: str) -> str:
    line = line.replace("\n", " ")
    if len(line) <= MAX_LINE_CHARS:
        return line
    return line[:MAX_LINE_CHARS - 40] + f"... ({len(line):,} characters in all)"


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings that are not errors reach the terminal as one line, without a source line."""
    text = str(message).replace("\n", " ")[:200]
    typer.echo(f"thaadsim: warning: {category.__name__}: {text}", err=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point: one line on stderr and exit code 2 for any bad input, never a traceback.

    numpy floating-point warnings (RuntimeWarning) are errors inside the CLI: a NaN or an overflow
    must never pass silently into a result; other warnings print as one line."""
    from thaadsim.presets import clear_user_files

    argv = list(sys.argv[1:] if argv is None else argv)
    _ARGV[:] = argv
    clear_user_files()  # user files are per invocation (main() may run many times in-process)
    cmd = typer.main.get_command(app)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            warnings.showwarning = _one_line_warning
            return _run(cmd, argv)
    finally:
        clear_user_files()  # none is left registered for the caller's next use of the API


def _run(cmd, argv: list[str]) -> int:
    try:
        cmd.main(args=argv, prog_name="thaadsim", standalone_mode=False)
    except ThaadsimError as e:
        for line in format_error(e, argv):
            typer.echo(f"thaadsim: error: {_cap(line)}", err=True)
        return 2
    except cx.NoArgsIsHelpError as e:
        typer.echo(e.format_message() if hasattr(e, "format_message") else str(e), err=True)
        return 2
    except cx.UsageError as e:
        hint = ""
        param = getattr(e, "param", None)
        if param is not None:
            hint = "/".join(param.opts) if getattr(param, "opts", None) else param.name
        msg = e.format_message().replace("\n", " ")
        if isinstance(e, cx.BadParameter) and param is not None and "Got " not in msg:
            typed = _typed_values(argv)
            for o in getattr(param, "opts", []):
                if o in typed:
                    msg = msg.rstrip(". ") + f". Got {show_value(typed[o])}."
                    break
        typer.echo(_cap(f"thaadsim: error: {hint + ': ' if hint and hint not in msg else ''}{msg}"),
                   err=True)
        return 2
    except (KeyboardInterrupt, getattr(cx, "Abort", KeyboardInterrupt)):
        typer.echo("thaadsim: aborted", err=True)
        return 130
    except getattr(cx, "Exit", SystemExit) as e:
        return int(getattr(e, "exit_code", 0) or 0)
    except BrokenPipeError:
        return 0
    except MemoryError:
        typer.echo("thaadsim: error: out of memory; use a coarser grid or fewer trials", err=True)
        return 2
    except Exception as e:  # an internal error: one line, details with THAADSIM_DEBUG=1
        if os.environ.get("THAADSIM_DEBUG"):
            raise
        text = str(e).replace("\n", " ")[:200]
        typer.echo(f"thaadsim: internal error ({type(e).__name__}: {text}); please report it "
                   "(THAADSIM_DEBUG=1 shows the traceback)", err=True)
        return 1
    return 0


def entry() -> None:
    """The console script: ``main`` with the process's arguments, its code as exit status."""
    sys.exit(main())
