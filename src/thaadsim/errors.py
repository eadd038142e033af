"""Exceptions that carry data and explain the rule that was broken (DESIGN.md, convention 7).

Every user-facing error names the parameter, the rule and the value; the CLI prints
``str(error)`` on one line and exits with code 2.
"""

from __future__ import annotations

import math


class ThaadsimError(ValueError):
    """Bad input: ``parameter`` broke ``rule``; ``value`` is what was given.

    The message reads ``"<parameter>: <rule>. Got <value>. <hint>"``.

    Parameters
    ----------
    parameter : str
        The parameter, option or field that was bad.
    rule : str
        The rule it broke, e.g. ``"must be > 0"``.
    value : object
        The value as given (shown cut to ``MAX_ECHO_CHARS``).
    hint : str, optional
        What to do instead.
    """

    def __init__(self, parameter: str, rule: str, value: object, hint: str = ""):
        self.parameter = parameter
        self.rule = rule
        self.value = value
        self.hint = hint
        msg = f"{parameter}: {rule}. Got {show_value(value)}."
        if hint:
            msg += f" {hint}"
        super().__init__(msg)


class ProblemsError(ThaadsimError):
    """Several problems at once (a scenario or data file), one message per problem.

    Parameters
    ----------
    lines : list of str
        One message per problem, each naming its field.
    parameter : str, optional
        The parameter the error names; default ``"scenario"``.
    """

    def __init__(self, lines: list[str], parameter: str = "scenario"):
        self.lines = lines
        super().__init__(parameter, "is invalid", f"{len(lines)} problem(s)")
        self.args = ("\n".join(lines),)

    def __str__(self) -> str:
        return "\n".join(self.lines)


MAX_ECHO_CHARS = 100


def show_value(value: object, limit: int = MAX_ECHO_CHARS) -> str:
    """``repr`` of a value for an error line, cut to ``limit`` characters.

    A 10,000-entry list must not become a 1.5 MB error line.

    Parameters
    ----------
    value : object
        The value.
    limit : int, optional
        Longest result (characters); default ``MAX_ECHO_CHARS``.

    Returns
    -------
    str
        The repr on one line, cut with a note of its full length.
    """
    try:
        text = repr(value)
    except Exception:  # pragma: no cover - a repr that fails
        text = f"<{type(value).__name__}>"
    text = text.replace("\n", " ").replace("\r", " ")
    if len(text) > limit:
        text = text[:limit - 3] + f"... ({len(text):,} characters)"
    return text


class OutOfReachError(ThaadsimError):
    """The target lies beyond the missile's maximum range.

    Parameters
    ----------
    parameter : str
        The parameter naming the target.
    range_km : float
        Distance to the target (km).
    max_range_km : float
        Maximum range on a minimum-energy trajectory (km).
    missile : str
        Missile name.
    """

    def __init__(self, parameter: str, range_km: float, max_range_km: float, missile: str):
        self.range_km = range_km
        self.max_range_km = max_range_km
        super().__init__(parameter, f"must lie within the maximum range of {missile} "
                                    f"({max_range_km:.0f} km on a minimum-energy trajectory)",
                         f"{range_km:.0f} km away")


def check_finite(parameter: str, value: float, *, positive: bool = False,
                 nonnegative: bool = False, lo: float | None = None,
                 hi: float | None = None) -> float:
    """Validate one scalar.

    Parameters
    ----------
    parameter : str
        Name in the error message.
    value : object
        The value.
    positive, nonnegative : bool, optional
        Require > 0, or >= 0.
    lo, hi : float, optional
        Require lo <= value <= hi.

    Returns
    -------
    float
        The value as float.

    Raises
    ------
    ThaadsimError
        A value that is not a finite number or breaks a requirement.
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ThaadsimError(parameter, "must be a number", value) from None
    if not math.isfinite(v):
        raise ThaadsimError(parameter, "must be a finite number", value)
    if positive and v <= 0:
        raise ThaadsimError(parameter, "must be > 0", v)
    if nonnegative and v < 0:
        raise ThaadsimError(parameter, "must be >= 0", v)
    if lo is not None and v < lo or hi is not None and v > hi:
        raise ThaadsimError(parameter, f"must lie in [{lo}, {hi}]", v)
    return v
