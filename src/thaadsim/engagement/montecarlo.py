"""Monte Carlo over kill outcomes (vectorized over trials) and closed-form leakage beside it.

Closed forms (Wilkening, 'A Simple Model for Calculating Ballistic Missile Defense
Effectiveness', Science & Global Security 8:2, 1999): a salvo of n interceptors with single-shot
kill probability p and tracking/discrimination probability q leaks with probability
1 - q (1 - (1 - p)^n); shoot-look-shoot with two salvos of n leaks with 1 - q (1 - (1 - p)^(2n))
(q is drawn once per threat: a threat that is not tracked is missed by every shot), and uses
fewer interceptors on average because the second salvo flies only at survivors.

Layers (issue 14): shots of independent layers at one threat multiply the survival
probabilities: P_leak = 1 - q (1 - prod over layers (1 - SSPK_l)^(n x shots_l)), with q drawn
once per threat (the tracking of the upper tier's radar picture is shared: a threat that is not
tracked and discriminated leaks through every layer; the conservative reading of Wilkening's
layered model).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from thaadsim.core.constants import Z_95
from thaadsim.engagement.fire_control import Doctrine


def wilson_ci95(k, n):
    """95 % Wilson score interval of a binomial proportion.

    Parameters
    ----------
    k : array_like
        Successes.
    n : int
        Trials.

    Returns
    -------
    lo, hi : ndarray
        Interval bounds (-), clipped to [0, 1].

    References
    ----------
    E. B. Wilson, "Probable inference, the law of succession, and statistical inference",
    J. Am. Stat. Assoc. 22 (1927) 209-212.
    """
    z = Z_95
    k = np.asarray(k, float)
    p = k / n
    den = 1 + z * z / n
    c = (p + z * z / (2 * n)) / den
    h = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return np.clip(c - h, 0, 1), np.clip(c + h, 0, 1)


def analytic_leak(opportunities: int, d: Doctrine) -> float:
    """Closed-form leak probability of one threat with this many opportunities (inventory ample).

    Parameters
    ----------
    opportunities : int
        Sequential intercept opportunities.
    d : Doctrine
        Salvo size, SSPK, tracking probability, mode and most shots.

    Returns
    -------
    float
        1 - p_track (1 - (1 - sspk)^(salvo x shots)), shots = 1 for a salvo and
        min(opportunities, max_shots) for shoot-look-shoot; 1 without opportunities.

    References
    ----------
    D. Wilkening, Science & Global Security 8:2 (1999) (see the module docstring).
    """
    if opportunities <= 0:
        return 1.0
    shots = 1 if d.mode == "salvo" else min(opportunities, d.max_shots)
    return 1.0 - d.p_track * (1.0 - (1.0 - d.sspk) ** (d.salvo * shots))


def analytic_leak_layered(shots_by_layer, d: Doctrine) -> float:
    """Closed-form leak probability of one threat engaged by several layers (inventory ample).

    Parameters
    ----------
    shots_by_layer : iterable of (int, float)
        Per layer, the shots fired at the threat (each a salvo of ``d.salvo``) and the layer's
        single-shot kill probability (-).
    d : Doctrine
        Salvo size and tracking probability.

    Returns
    -------
    float
        1 - p_track (1 - prod_l (1 - sspk_l)^(salvo x shots_l)); 1 without shots.

    References
    ----------
    D. Wilkening, Science & Global Security 8:2 (1999): independent layers multiply their
    leakage.
    """
    survive = 1.0
    any_shot = False
    for shots, sspk in shots_by_layer:
        if shots > 0:
            any_shot = True
            survive *= (1.0 - sspk) ** (d.salvo * shots)
    if not any_shot:
        return 1.0
    return 1.0 - d.p_track * (1.0 - survive)


@dataclasses.dataclass(frozen=True)
class Plan:
    """The deterministic fire plan: one row per planned shot, sorted by launch time.

    Attributes
    ----------
    threat : ndarray of int
        Threat index.
    battery : ndarray of int
        Battery index.
    shot_index : ndarray of int
        0 for the first shot at a threat, 1 for the look shot, ...
    launch_s : ndarray
        Launch time (s, absolute: since the first launch of the raid).
    intercept_s : ndarray
        Intercept time (s, absolute).
    """

    threat: np.ndarray
    battery: np.ndarray
    shot_index: np.ndarray
    launch_s: np.ndarray
    intercept_s: np.ndarray


def peak_channels(busy: list[tuple[float, float]], lo: float, hi: float) -> int:
    """Most engagements held at one instant within an interval.

    An engagement holds a fire channel from launch to intercept; one that ends when another
    starts frees its channel for it.

    Parameters
    ----------
    busy : list of (float, float)
        Engagements as (launch, intercept) times (s).
    lo, hi : float
        The interval (s).

    Returns
    -------
    int
        Peak number of engagements in (lo, hi).
    """
    events = []
    for a, e in busy:
        if a < hi and lo < e:
            events.append((max(a, lo), 1))
            events.append((min(e, hi), -1))
    events.sort()  # at equal times the end (-1) comes before the start (+1)
    cur = peak = 0
    for _, step in events:
        cur += step
        peak = max(peak, cur)
    return peak


def plan_shots(t_abs, feasible, launch_abs, battery_of, priority, d: Doctrine,
               fire_channels: list[int]) -> Plan:
    """Fire plan in priority order.

    Each shot takes the earliest feasible intercept whose launch is free of the battery's fire
    channels (an engagement holds a channel from launch to intercept); a look shot must launch at
    least ``kill_assessment_s`` after the previous intercept. Look shots are planned for every
    threat, reserving their channel in case they are needed (the conservative reading).

    Parameters
    ----------
    t_abs : ndarray, shape (n, steps)
        Sample times of each threat (s, absolute).
    feasible : ndarray of bool, shape (n, steps)
        Whether an intercept at each sample is feasible.
    launch_abs : ndarray, shape (n, steps)
        Launch time each intercept needs (s, absolute).
    battery_of : array_like of int, shape (n,)
        Battery assigned to each threat; -1: none.
    priority : array_like, shape (n,)
        Lower is served first (stable order).
    d : Doctrine
        Mode, ``max_shots`` and ``kill_assessment_s`` (s).
    fire_channels : list of int
        Fire channels per battery.

    Returns
    -------
    Plan
        The planned shots, sorted by launch time.
    """
    return plan_layered(t_abs, [(feasible, launch_abs, battery_of)], priority, d, fire_channels)


def plan_layered(t_abs, layers, priority, d: Doctrine, fire_channels: list[int]) -> Plan:
    """Fire plan of a layered doctrine, in priority order, fire channels shared across layers.

    For each threat, layer by layer (the upper tier first), each shot takes the earliest feasible
    intercept whose launch is free of its battery's fire channels and comes at least
    ``kill_assessment_s`` after the previous intercept, whatever layer fired it; up to
    ``max_shots`` shots per layer (one in salvo mode). Shot indices run on across layers, so a
    lower-tier shot flies only at a survivor. With one layer it is ``plan_shots``.

    Parameters
    ----------
    t_abs : ndarray, shape (n, steps)
        Sample times of each threat (s, absolute).
    layers : list of (feasible, launch_abs, battery_of)
        Per layer, in firing order: feasibility (n, steps), launch times (n, steps, absolute s)
        and the battery of that layer assigned to each threat (-1: none).
    priority : array_like, shape (n,)
        Lower is served first (stable order).
    d : Doctrine
        Mode, ``max_shots`` and ``kill_assessment_s`` (s).
    fire_channels : list of int
        Fire channels per battery.

    Returns
    -------
    Plan
        The planned shots, sorted by launch time.
    """
    nshots = 1 if d.mode == "salvo" else d.max_shots
    busy: dict[int, list[tuple[float, float]]] = {b: [] for b in range(len(fire_channels))}
    rows = []
    for j in np.argsort(priority, kind="stable"):
        earliest_launch = -np.inf
        k_all = 0
        for feasible, launch_abs, battery_of in layers:
            b = int(battery_of[j])
            if b < 0:
                continue
            cand = np.nonzero(feasible[j])[0]
            for _ in range(nshots):
                chosen = None
                for i in cand:
                    tl, ti = launch_abs[j, i], t_abs[j, i]
                    if tl < earliest_launch:
                        continue
                    if peak_channels(busy[b], tl, ti) < fire_channels[b]:
                        chosen = (tl, ti)
                        break
                if chosen is None:
                    break
                busy[b].append(chosen)
                rows.append((j, b, k_all, chosen[0], chosen[1]))
                k_all += 1
                earliest_launch = chosen[1] + d.kill_assessment_s
    if not rows:
        z = np.zeros(0)
        return Plan(z.astype(int), z.astype(int), z.astype(int), z, z)
    a = np.array(rows, dtype=float)
    order = np.argsort(a[:, 3], kind="stable")
    a = a[order]
    return Plan(a[:, 0].astype(int), a[:, 1].astype(int), a[:, 2].astype(int), a[:, 3], a[:, 4])


@dataclasses.dataclass(frozen=True)
class MCResult:
    """Outcome of the Monte Carlo over kill outcomes, beside the closed form.

    Attributes
    ----------
    p_leak : ndarray, shape (n,)
        Leak probability of each threat (-).
    p_leak_ci95 : ndarray, shape (n, 2)
        Its 95 % Wilson interval (-).
    p_leak_analytic : list of float or None
        Closed-form leak probability (Wilkening 1999), rounded to 6 decimals; None where the
        inventory could bind or not every opportunity was planned.
    leakers_hist : ndarray of int, shape (n + 1,)
        Trials with 0, 1, ... n leakers.
    expected_leakers : float
        Mean leakers per trial.
    expected_leakers_ci95 : tuple of float
        Its 95 % normal interval.
    interceptors_used_mean : float
        Mean interceptors fired per trial.
    interceptors_used_by_battery_mean : ndarray
        The same per battery.
    p_no_leaker : float
        Fraction of trials without a leaker (-).
    p_no_leaker_analytic : float or None
        Closed form (threats independent); None where any per-threat closed form is None.
    trials : int
        Trials run.
    seed : int
        Seed of the random generator.
    """
    p_leak: np.ndarray
    p_leak_ci95: np.ndarray
    p_leak_analytic: list
    leakers_hist: np.ndarray
    expected_leakers: float
    expected_leakers_ci95: tuple
    interceptors_used_mean: float
    interceptors_used_by_battery_mean: np.ndarray
    p_no_leaker: float
    p_no_leaker_analytic: float | None
    trials: int
    seed: int


def run_monte_carlo(plan: Plan | list[Plan], n_threats: int, opportunities,
                    inventory: list[int], d: Doctrine, trials: int, seed: int,
                    sspk_by_battery: list[float] | None = None) -> MCResult:
    """Play the fire plan ``trials`` times with random kill outcomes (vectorized over trials).

    Tracking is drawn once per threat and trial; every shot fires ``salvo`` interceptors (fewer
    when the battery runs out), and a look shot flies only at a surviving threat. With a list of
    plans (one per sampled firm-track realisation), trial t plays plan t mod K.

    Parameters
    ----------
    plan : Plan or list of Plan
        The fire plan (sorted by launch time), or one per realisation.
    n_threats : int
        Threats in the raid.
    opportunities : array_like of int, shape (n_threats,), or a list of them
        Intercept opportunities per threat (for the closed form), one per plan.
    inventory : list of int
        Interceptors per battery.
    d : Doctrine
        Salvo size, SSPK, tracking probability, mode and most shots.
    trials : int
        Monte Carlo trials.
    seed : int
        Seed of ``numpy.random.default_rng`` (same seed, same result).
    sspk_by_battery : list of float, optional
        Single-shot kill probability per battery (mixed systems); default: ``d.sspk`` for
        all. When given (or with a layered doctrine) the closed form is that of the planned
        shots (``analytic_leak_layered``), wherever no inventory can bind.

    Returns
    -------
    MCResult
        Leak probabilities with 95 % intervals, leaker distribution, interceptors used and the
        closed form where it applies.

    References
    ----------
    D. Wilkening, Science & Global Security 8:2 (1999): closed form; E. B. Wilson, J. Am. Stat.
    Assoc. 22 (1927): intervals.
    """
    plans = plan if isinstance(plan, list) else [plan]
    opps = [np.asarray(o) for o in (opportunities if isinstance(plan, list) else [opportunities])]
    rng = np.random.default_rng(seed)
    n_inv = len(inventory)
    alive = np.ones((trials, n_threats), dtype=bool)
    used = np.zeros((trials, n_inv), dtype=np.int64)
    # trial t plays realisation t mod K (K plans): the groups differ in size by at most one
    groups = [np.arange(g, trials, len(plans)) for g in range(len(plans))]
    for pl, idx in zip(plans, groups, strict=True):
        m = len(idx)
        if m == 0:
            continue
        tracked = rng.random((m, n_threats)) < d.p_track
        al = np.ones((m, n_threats), dtype=bool)
        inv = np.tile(np.asarray(inventory, dtype=np.int64), (m, 1))
        us = np.zeros((m, n_inv), dtype=np.int64)
        for j, b, k in zip(pl.threat, pl.battery, pl.shot_index, strict=True):
            fire = al[:, j] if k > 0 else np.ones(m, dtype=bool)
            n_fired = np.where(fire, np.minimum(d.salvo, inv[:, b]), 0)
            inv[:, b] -= n_fired
            us[:, b] += n_fired
            p1 = d.sspk if sspk_by_battery is None else sspk_by_battery[b]
            pk = 1.0 - (1.0 - p1) ** n_fired
            kill = tracked[:, j] & (rng.random(m) < pk)
            al[:, j] &= ~kill
        alive[idx] = al
        used[idx] = us
    leaks = alive.sum(axis=0)
    p = leaks / trials
    lo, hi = wilson_ci95(leaks, trials)
    nleak = alive.sum(axis=1)
    hist = np.bincount(nleak, minlength=n_threats + 1)
    # closed form where no battery's inventory can bind (the most every planned shot of its
    # threats could spend) and every opportunity was planned, in every realisation; over
    # realisations it is the trial-weighted mean
    if sspk_by_battery is None and not d.layered:
        per_real = [_closed_form(pl, o, n_threats, inventory, d) for pl, o in zip(plans, opps,
                                                                                  strict=True)]
    else:
        sk = list(sspk_by_battery) if sspk_by_battery is not None else [d.sspk] * n_inv
        per_real = [_closed_form_planned(pl, n_threats, inventory, d, sk) for pl in plans]
    weights = np.array([len(g) for g in groups], float) / trials
    analytic: list = []
    for j in range(n_threats):
        vals = [pr[j] for pr in per_real]
        analytic.append(None if any(v is None for v in vals)
                        else float(np.dot(weights, vals)))
    p0 = None
    if all(all(v is not None for v in pr) for pr in per_real):
        p0 = float(sum(w * np.prod([1 - v for v in pr]) for w, pr in zip(weights, per_real,
                                                                          strict=True)))
    el = nleak.mean()
    se = nleak.std(ddof=1) / math.sqrt(trials) if trials > 1 else float("nan")
    return MCResult(p, np.stack([lo, hi], axis=1), analytic, hist, float(el),
                    (float(el - Z_95 * se), float(el + Z_95 * se)), float(used.sum(axis=1).mean()),
                    used.mean(axis=0), float(np.mean(nleak == 0)), p0, trials, seed)


def _closed_form(plan: Plan, opportunities, n_threats: int, inventory, d: Doctrine) -> list:
    """Per-threat closed-form leak probability of one fire plan; None where it does not apply."""
    planned = np.bincount(plan.threat, minlength=n_threats)
    demand = np.bincount(plan.battery, minlength=len(inventory)) * d.salvo
    inventory_ok = bool(np.all(demand <= np.asarray(inventory)))
    out: list = []
    for j in range(n_threats):
        o = int(opportunities[j])
        want = 0 if o == 0 else (1 if d.mode == "salvo" else min(o, d.max_shots))
        ok = inventory_ok and planned[j] == want
        out.append(analytic_leak(o, d) if ok else None)
    return out


def _closed_form_planned(plan: Plan, n_threats: int, inventory, d: Doctrine, sspk) -> list:
    """Per-threat closed form of the shots a plan fires (layers, per-battery SSPK); None for
    every threat where some battery's inventory could bind."""
    demand = np.bincount(plan.battery, minlength=len(inventory)) * d.salvo
    if not bool(np.all(demand <= np.asarray(inventory))):
        return [None] * n_threats
    out: list = []
    for j in range(n_threats):
        bats = plan.battery[plan.threat == j]
        out.append(analytic_leak_layered([(1, float(sspk[int(b)])) for b in bats], d))
    return out
