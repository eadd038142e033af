"""Detection with probability: single-look Swerling I / III detection probabilities against
their closed forms, a Monte Carlo of the square-law detector, and the published fluctuation
losses; the kernel's per-look draws against the closed form; seeds and threads.

References: M. I. Skolnik, Introduction to Radar Systems, 3rd ed. (2001), sec. 2.8 and Fig. 2.23
(fluctuation loss at Pd = 0.9: about 8 dB for Swerling case 1 and about 4 dB for case 3, single
pulse, over the 13.2 dB a steady target needs at Pfa = 1e-6 (Albersheim)); M. A. Richards,
Fundamentals of Radar Signal Processing, 2nd ed. (2014), sec. 6.3 (closed forms).
"""

import math

import numpy as np
import pytest

from thaadsim.core import earth as E
from thaadsim.core.pool import threads
from thaadsim.sensors import get_radar, get_site
from thaadsim.sensors.detect import detection_probability, detection_timeline
from thaadsim.threats.trajectory import TrajectoryBatch

PFA = 1e-6


def _mc_pd(snr, model, n=400_000, seed=3):
    """Square-law detector: |a + noise|^2 > T, noise complex Gaussian of unit power, |a|^2
    chi-square with 2 (Swerling I) or 4 (Swerling III) degrees of freedom of mean snr."""
    rng = np.random.default_rng(seed)
    k = 1 if model == "swerling1" else 2
    s = rng.gamma(k, snr / k, n)
    phase = rng.uniform(0, 2 * np.pi, n)
    noise = (rng.normal(size=n) + 1j * rng.normal(size=n)) / np.sqrt(2)
    y = np.abs(np.sqrt(s) * np.exp(1j * phase) + noise) ** 2
    return float(np.mean(y > math.log(1 / PFA)))


@pytest.mark.parametrize("model", ["swerling1", "swerling3"])
@pytest.mark.parametrize("snr_db", [8.0, 13.0, 18.0, 24.0])
def test_closed_form_matches_square_law_monte_carlo(model, snr_db):
    snr = 10 ** (snr_db / 10)
    want = _mc_pd(snr, model)
    got = float(detection_probability(snr, PFA, model))
    sigma = math.sqrt(max(want * (1 - want), 1e-6) / 400_000)
    assert abs(got - want) < 5 * sigma + 1e-4, (
        f"{model} at {snr_db} dB: Monte Carlo Pd {want:.4f}, closed form {got:.4f}")


@pytest.mark.parametrize("model,loss_db", [("swerling1", 8.0), ("swerling3", 4.0)])
def test_fluctuation_loss_at_pd_09_skolnik(model, loss_db):
    """SNR for Pd = 0.9 at Pfa = 1e-6 exceeds the steady target's 13.2 dB by Skolnik's
    fluctuation loss, within 0.7 dB (read from Fig. 2.23)."""
    snrs_db = np.linspace(10, 30, 20001)
    pd = detection_probability(10 ** (snrs_db / 10), PFA, model)
    need_db = float(np.interp(0.9, pd, snrs_db))
    assert abs(need_db - (13.2 + loss_db)) < 0.7, (
        f"{model}: Pd 0.9 needs {need_db:.2f} dB, Skolnik ~{13.2 + loss_db:.1f} dB")


def _static_target(range_km, n_looks=4000):
    """One 'trajectory' that hovers at 200 km altitude at a fixed slant range from Seongju,
    sampled every second for n_looks s."""
    site = get_site("seongju")
    lat0, lon0 = math.radians(site.lat_deg), math.radians(site.lon_deg)
    # walk north along the surface until the slant range from the antenna matches
    s0 = E.geodetic_to_ecef(lat0, lon0, site.antenna_height_m)
    lo, hi = 0.0, math.radians(20)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        p = E.geodetic_to_ecef(lat0 + mid, lon0, 200e3)
        if np.linalg.norm(p - s0) < range_km * 1e3:
            lo = mid
        else:
            hi = mid
    p = E.geodetic_to_ecef(lat0 + lo, lon0, 200e3)
    hist = np.zeros((1, n_looks, 7))
    hist[0, :, 0] = np.arange(n_looks, dtype=float)
    hist[0, :, 1:4] = p
    return TrajectoryBatch(np.zeros((1, 19)), np.array([site.lat_deg]),
                           np.array([site.lon_deg]), hist, np.array([n_looks]))


@pytest.mark.parametrize("model", ["swerling1", "swerling3"])
@pytest.mark.parametrize("frac", [0.8, 1.0, 1.2])
def test_kernel_draws_detect_looks_at_the_closed_form_rate(model, frac):
    """A target held at frac x the detection range (SNR = threshold x frac^-4): the share of
    looks detected over 4,000 looks equals the closed-form Pd within 4 sigma."""
    radar, site = get_radar("tpy2-terminal"), get_site("seongju")
    r_det = float(radar.detection_range_m(0.01)) / 1e3
    b = _static_target(frac * r_det)
    tl = detection_timeline(radar, site, b, 0.01, detection=model, seed=7,
                            boresight_az_deg=0.0)
    n = b.hist.shape[1]
    got = 1.0 - tl.reason_samples[0].sum() / n
    snr = 10 ** (radar.snr_threshold_db / 10) * frac ** -4
    want = float(detection_probability(snr, radar.pfa, model))
    sigma = math.sqrt(want * (1 - want) / n)
    assert abs(got - want) < 4 * sigma + 1e-3, (
        f"{model} at {frac} x the detection range: detected {got:.4f} of looks, Pd {want:.4f}")


def test_deterministic_mode_detects_exactly_inside_the_detection_range():
    radar, site = get_radar("tpy2-terminal"), get_site("seongju")
    r_det = float(radar.detection_range_m(0.01)) / 1e3
    for frac, seen in ((0.99, True), (1.01, False)):
        tl = detection_timeline(radar, site, _static_target(frac * r_det, 50), 0.01,
                                boresight_az_deg=0.0)
        assert np.isfinite(tl.first_detection_time_s[0]) == seen, (
            f"deterministic at {frac} x the detection range: expected seen={seen}")


def test_same_seed_same_timelines_whatever_the_threads():
    radar, site = get_radar("tpy2-terminal"), get_site("seongju")
    r_det = float(radar.detection_range_m(0.01)) / 1e3
    b = _static_target(1.1 * r_det, 600)
    hist = np.repeat(b.hist, 64, axis=0)
    bb = TrajectoryBatch(np.zeros((64, 19)), np.repeat(b.launch_lat_deg, 64),
                         np.repeat(b.launch_lon_deg, 64), hist, np.full(64, 600))
    out = []
    for nt in (1, 3):  # chunks of the 64 trajectories on 1 and on 3 threads
        with threads(nt):
            out.append(detection_timeline(radar, site, bb, 0.01, detection="swerling1", seed=11,
                                          boresight_az_deg=0.0).track_time_s)
    np.testing.assert_array_equal(out[0], out[1])
    assert len(np.unique(out[0][np.isfinite(out[0])])) > 5, "64 trajectories, one track time"
    other = detection_timeline(radar, site, bb, 0.01, detection="swerling1", seed=12,
                               boresight_az_deg=0.0).track_time_s
    assert not np.array_equal(np.nan_to_num(other), np.nan_to_num(out[0])), "seed ignored"
