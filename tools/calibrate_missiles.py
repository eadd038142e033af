"""Calibrate the missile presets: only what is not published, holding every sourced value.

For each preset, the knob named by its ``calibrate`` field is solved (bisection) so that the
maximum range (the two-parameter pitch-program optimum, ``threats.solve.max_range_program``) on a
non-rotating WGS84 Earth (J2, US 1976 atmosphere), launched east from 40 N, equals the published
nominal range; then the kick duration of the optimum is printed as ``pitch_over_s``. Knobs:

- ``split``: the split of a published launch mass between propellant and dry mass (the
  propellant of the single or first stage moves; the launch mass and the payload stay);
- ``dry``: all dry masses by one factor (missiles whose launch mass is not published);
- ``none``: nothing (a fully sourced missile; the residual is reported).

A missile with ``lift_to_drag`` > 0 and a ``calibration_flight`` (apogee_km, range_km) then has
its lift-to-drag ratio solved so that the trajectory with that apogee reaches that range.

Apply the printed values to src/thaadsim/data/missiles.toml by hand and rerun: every line then
reads "ok". tests/reference/test_presets.py checks the result.

    .venv/bin/python tools/calibrate_missiles.py [NAME ...]
"""

import dataclasses
import sys

from thaadsim.presets import table
from thaadsim.threats import Launch, get_missile, list_missiles
from thaadsim.threats.solve import max_range_program, solve_apogee

SITE = Launch(40.0, 125.0)


def max_range_km(m):
    return max_range_program(m, SITE, 90.0, rotating=False).range_m / 1e3


def with_knob(m, knob, x):
    s0 = m.stages[0]
    if knob == "split":  # x = first-stage propellant (kg) at fixed launch mass
        delta = x - s0.propellant_kg
        if all(s.dry_kg == 0 for s in m.stages):  # non-separating: the body flies with the RV
            return m.replace(stages=(dataclasses.replace(s0, propellant_kg=x),) + m.stages[1:],
                             rv_mass_kg=m.rv_mass_kg - delta)
        return m.replace(stages=(dataclasses.replace(s0, propellant_kg=x,
                                                     dry_kg=s0.dry_kg - delta),) + m.stages[1:])
    if knob == "dry":  # x = factor on every dry mass
        return m.replace(stages=tuple(dataclasses.replace(s, dry_kg=s.dry_kg * x)
                                      for s in m.stages))
    raise ValueError(knob)


def solve_knob(m, knob):
    if knob == "split":
        lo, hi = 0.5 * m.stages[0].propellant_kg, min(1.3 * m.stages[0].propellant_kg,
                                                      m.stages[0].propellant_kg
                                                      + (m.rv_mass_kg if m.stages[0].dry_kg == 0
                                                         else m.stages[0].dry_kg) * 0.95)
        increasing = True
    else:
        lo, hi, increasing = 0.2, 3.0, False
    for _ in range(22):
        mid = 0.5 * (lo + hi)
        r = max_range_km(with_knob(m, knob, mid))
        if (r < m.nominal_range_km) == increasing:
            lo = mid
        else:
            hi = mid
    return with_knob(m, knob, 0.5 * (lo + hi))


def range_at_apogee_km(m, apogee_km):
    _, b = solve_apogee(m, SITE, 90.0, apogee_km * 1e3, rotating=False)
    return float(b.range_m[0]) / 1e3


def solve_lift(m, apogee_km, range_km):
    lo, hi = 0.0, 4.0
    for _ in range(16):
        mid = 0.5 * (lo + hi)
        if range_at_apogee_km(m.replace(lift_to_drag=mid), apogee_km) < range_km:
            lo = mid
        else:
            hi = mid
    return m.replace(lift_to_drag=0.5 * (lo + hi))


raw = table("missiles.toml", "missile")
names = sys.argv[1:] or [m.name for m in list_missiles()]
for name in names:
    m = get_missile(name)
    entry = raw[name]
    knob = entry.get("calibrate", "none")
    flight = entry.get("calibration_flight")
    for _ in range(2 if flight else 1):
        mm = m if knob == "none" else solve_knob(m, knob)
        if flight:
            mm = solve_lift(mm, flight[0], flight[1])
        prog = max_range_program(mm, SITE, 90.0, rotating=False)
        m = mm.replace(pitch_over_s=round(prog.pitch_over_s, 1))
    r = max_range_km(m)
    resid = 100 * (r / m.nominal_range_km - 1)
    changed = [(k, round(getattr(s, k))) for s in m.stages for k in ("propellant_kg", "dry_kg")]
    print(f"{name:11s} knob {knob:5s} model {r:7.0f} km vs nominal {m.nominal_range_km:6.0f} km "
          f"({resid:+.1f} %): stages {changed} rv {m.rv_mass_kg:.0f} launch "
          f"{m.launch_mass_kg:.0f} pitch_over_s {m.pitch_over_s} lift_to_drag "
          f"{m.lift_to_drag:.2f}" + (f" (flight {flight}: "
                                    f"{range_at_apogee_km(m, flight[0]):.0f} km)" if flight
                                    else ""))
    sys.stdout.flush()
