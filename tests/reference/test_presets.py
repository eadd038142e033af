"""Missile presets reproduce the nominal ranges they are calibrated to (data/missiles.toml)."""

import numpy as np
import pytest

from thaadsim.threats import Launch, list_missiles, solve_max_range

SITE = Launch(40.0, 125.0)


@pytest.mark.parametrize("m", list_missiles(), ids=lambda m: m.name)
def test_preset_minimum_energy_range_matches_published_nominal(m):
    _, b = solve_max_range(m, SITE, 90.0, rotating=False)
    r = b.range_m[0] / 1e3
    tol_km = 0.01 * m.nominal_range_km
    assert abs(r - m.nominal_range_km) < tol_km, (
        f"{m.name}: published nominal {m.nominal_range_km} km, preset flies {r:.0f} km")


@pytest.mark.parametrize("m", list_missiles(), ids=lambda m: m.name)
def test_preset_has_sources_and_sane_masses(m):
    assert m.sources, f"{m.name} has no source"
    assert m.launch_mass_kg > m.rv_mass_kg > 0
    assert all(s.isp_vac_s >= s.isp_sl_s > 150 for s in m.stages)
    assert np.isfinite(m.nominal_range_km)
