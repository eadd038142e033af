"""US Standard Atmosphere 1976 against reference implementations: ambiance (ICAO 1993, identical to
US 1976 below 80 km) and ussa1976 (the full 1976 model to 1000 km)."""

import numpy as np
import pytest

from thaadsim.core import atmosphere as atm


def test_us1976_matches_ambiance_below_81km():
    ambiance = pytest.importorskip("ambiance")
    z = np.linspace(-500.0, 80_999.0, 4001)
    ref = ambiance.Atmosphere(z)
    for name, ours, theirs in [("temperature", atm.temperature(z), ref.temperature),
                               ("pressure", atm.pressure(z), ref.pressure),
                               ("density", atm.density(z), ref.density),
                               ("speed of sound", atm.speed_of_sound(z), ref.speed_of_sound)]:
        err = np.max(np.abs(ours / theirs - 1))
        assert err < 1e-5, f"{name}: max relative error {err:.2e}, expected < 1e-5"


def test_us1976_matches_ussa1976_86_to_1000km():
    ussa = pytest.importorskip("ussa1976")
    z = np.linspace(86_250.0, 999_750.0, 701)  # off the 1-km table nodes
    ds = ussa.compute(z=z, variables=["t", "p", "rho"])
    for name, ours, theirs, tol in [("temperature", atm.temperature(z), ds["t"].values, 1e-3),
                                    ("pressure", atm.pressure(z), ds["p"].values, 2e-3),
                                    ("density", atm.density(z), ds["rho"].values, 2e-3)]:
        err = np.max(np.abs(ours / theirs - 1))
        assert err < tol, f"{name}: max relative error {err:.2e}, expected < {tol}"


def test_sea_level_and_tropopause_values_from_the_1976_tables():
    # NOAA-S/T 76-1562 Table I: 0 km 288.15 K 101325 Pa 1.2250 kg/m3; 11 km 216.65 K 22632 Pa
    assert abs(atm.temperature(0.0) - 288.15) < 1e-9
    assert abs(atm.density(0.0) - 1.2250) < 1e-4
    assert abs(atm.pressure(11_019.0) / 22_632.0 - 1) < 2e-4


def test_shapes_broadcast():
    z = np.zeros((3, 4))
    assert atm.density(z).shape == (3, 4)
    assert np.ndim(atm.density(1000.0)) == 0


def test_nan_altitude_is_an_error():
    with pytest.raises(ValueError, match="altitude_m"):
        atm.density(np.array([np.nan]))
