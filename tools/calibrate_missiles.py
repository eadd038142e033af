"""Print, for each missile preset, the dry-mass scale that gives its nominal range.

Minimum-energy range on a non-rotating WGS84 Earth (J2, US 1976 atmosphere), launched east from
40 N. Apply the printed dry masses to src/thaadsim/data/missiles.toml by hand, then rerun: a
scale of 1.000 means the preset is calibrated.

    .venv/bin/python tools/calibrate_missiles.py
"""

import dataclasses

from thaadsim.threats import Launch, list_missiles, solve_max_range

SITE = Launch(40.0, 125.0)


def max_range_km(m):
    _, b = solve_max_range(m, SITE, 90.0, rotating=False)
    return float(b.range_m[0]) / 1e3


for m in list_missiles():
    nonsep = all(s.dry_kg == 0 for s in m.stages)

    def with_scale(f, m=m, nonsep=nonsep):
        if nonsep:  # the body flies with the warhead: scale the body part of rv_mass_kg
            return m.replace(rv_mass_kg=m.rv_mass_kg * f)
        return m.replace(stages=tuple(dataclasses.replace(s, dry_kg=s.dry_kg * f)
                                      for s in m.stages))

    lo, hi = 0.2, 3.0
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        if max_range_km(with_scale(mid)) > m.nominal_range_km:
            lo = mid
        else:
            hi = mid
    mm = with_scale(mid)
    print(f"{m.name:12s} now {max_range_km(m):8.1f} km, nominal {m.nominal_range_km:7.0f} km; "
          f"scale {mid:.4f} -> dry {[round(s.dry_kg) for s in mm.stages]} rv {mm.rv_mass_kg:.0f}")
