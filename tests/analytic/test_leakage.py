"""Defence-effectiveness arithmetic (docs/reference/public-parameters.md; Wilkening 1999)
and the Monte Carlo against it."""

import numpy as np

from thaadsim.engagement.fire_control import Doctrine
from thaadsim.engagement.montecarlo import Plan, analytic_leak, run_monte_carlo, wilson_ci95


def test_two_layers_of_80_percent_give_96_percent():
    d = Doctrine(mode="salvo", salvo=2, sspk=0.8, p_track=1.0)
    assert abs((1 - analytic_leak(1, d)) - 0.96) < 1e-12


def test_95_percent_against_5_missiles_one_in_four_leaks():
    """Wilkening (1999): a defence that stops each missile with 95 % lets at least one of five
    through with probability 1 - 0.95^5 = 0.226. A salvo of one with SSPK 0.95 is that defence;
    the Monte Carlo's P(no leaker) must agree."""
    d = Doctrine(mode="salvo", salvo=1, sspk=0.95, p_track=1.0)
    assert abs(analytic_leak(1, d) - 0.05) < 1e-12, analytic_leak(1, d)
    res = run_monte_carlo(_plan(5, 1), 5, [1] * 5, [48], d, trials=200_000, seed=2)
    p_some = 1 - res.p_no_leaker
    assert abs(p_some - 0.226) < 0.005, f"expected 0.226 +- 0.005, got {p_some:.4f}"
    assert abs(1 - res.p_no_leaker_analytic - 0.2262) < 1e-4, res.p_no_leaker_analytic


def test_tracking_probability_caps_the_salvo():
    """With tracking probability p_t a salvo can do no better than p_t, however many shots:
    the leak probability tends to 1 - p_t (Wilkening 1999, eq. for imperfect tracking)."""
    d = Doctrine(mode="salvo", salvo=8, sspk=0.99, p_track=0.9)
    assert abs(analytic_leak(1, d) - 0.1) < 1e-12, analytic_leak(1, d)
    assert analytic_leak(0, d) == 1.0, "no opportunity: the threat leaks"


def _plan(n_threats, shots):
    rows = [(j, 0, k, 10.0 * (j + 1) + 100 * k, 10.0 * (j + 1) + 100 * k + 50)
            for j in range(n_threats) for k in range(shots)]
    a = np.array(rows, float)
    a = a[np.argsort(a[:, 3])]
    return Plan(a[:, 0].astype(int), a[:, 1].astype(int), a[:, 2].astype(int), a[:, 3], a[:, 4])


def test_monte_carlo_matches_closed_form_shoot_look_shoot():
    d = Doctrine(mode="sls", salvo=2, sspk=0.7, p_track=0.9)
    n = 5
    res = run_monte_carlo(_plan(n, 2), n, [2] * n, [48], d, trials=200_000, seed=3)
    expected = analytic_leak(2, d)
    for j in range(n):
        lo, hi = res.p_leak_ci95[j]
        assert lo - 0.002 <= expected <= hi + 0.002, (
            f"threat {j}: closed form {expected:.4f}, Monte Carlo {res.p_leak[j]:.4f} "
            f"[{lo:.4f}, {hi:.4f}]")
        assert res.p_leak_analytic[j] is not None
    # shoot-look-shoot spends fewer than 2 salvos per threat: 2 + 2 * P(survive first)
    per_threat = 2 + 2 * (1 - 0.9 * (1 - 0.3**2))
    assert abs(res.interceptors_used_mean / n - per_threat) < 0.02, res.interceptors_used_mean


def test_inventory_binds_and_analytic_is_withheld():
    d = Doctrine(mode="salvo", salvo=4, sspk=0.8, p_track=1.0)
    res = run_monte_carlo(_plan(5, 1), 5, [1] * 5, [8], d, trials=10_000, seed=1)
    assert res.p_leak[2:].min() == 1.0  # threats 3-5 find the launchers empty
    assert all(a is None for a in res.p_leak_analytic)
    assert res.interceptors_used_mean == 8.0


def test_same_seed_same_output():
    d = Doctrine()
    a = run_monte_carlo(_plan(3, 2), 3, [2] * 3, [48], d, trials=1000, seed=7)
    b = run_monte_carlo(_plan(3, 2), 3, [2] * 3, [48], d, trials=1000, seed=7)
    assert np.array_equal(a.p_leak, b.p_leak) and np.array_equal(a.leakers_hist, b.leakers_hist)


def test_wilson_interval_matches_published_values():
    """Wilson score interval for 50 successes in 1,000 (Newcombe 1998, method 3):
    [0.0381, 0.0653]."""
    lo, hi = wilson_ci95(np.array([50]), 1000)
    assert abs(lo[0] - 0.0381) < 1e-4 and abs(hi[0] - 0.0653) < 1e-4, (lo[0], hi[0])


def test_closed_form_withheld_when_one_battery_runs_dry():
    """Two batteries: all five threats are planned on battery 0 (8 interceptors, salvos of 2
    need 10); battery 1 has 48 and no threats. The combined inventory (56) would cover the
    demand, but battery 0's does not: the closed form must be withheld, and the Monte Carlo
    leaks the fifth threat every time."""
    d = Doctrine(mode="salvo", salvo=2, sspk=0.8, p_track=1.0)
    res = run_monte_carlo(_plan(5, 1), 5, [1] * 5, [8, 48], d, trials=2000, seed=4)
    assert all(a is None for a in res.p_leak_analytic), res.p_leak_analytic
    assert res.p_leak[4] == 1.0, f"threat 5 finds battery 0 empty: p_leak {res.p_leak[4]}"
