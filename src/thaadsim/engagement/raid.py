"""A raid fought by one or more batteries: trajectories, detection, windows, plan, Monte Carlo."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from thaadsim.engagement.fire_control import Battery, Doctrine, Windows, intercept_windows
from thaadsim.engagement.montecarlo import MCResult, plan_layered, plan_shots, run_monte_carlo
from thaadsim.errors import OutOfReachError, ProblemsError, ThaadsimError, show_value
from thaadsim.interceptors.reach import get_interceptor
from thaadsim.sensors.detect import detection_timeline
from thaadsim.sensors.radar import get_radar
from thaadsim.sensors.site import parse_site
from thaadsim.threats import Launch, aim, fly, get_missile
from thaadsim.threats.solve import aim_many
from thaadsim.threats.trajectory import TrajectoryBatch

HISTORY_DT_S = 1.0
# Realisations of the random firm-track times per Monte Carlo run (Swerling detection): trials
# cycle through them (assumption: 16 resolve the firm-track spread of a few looks; each costs one
# detection timeline and one fire plan per battery)
TRACK_REALISATIONS = 16


@dataclasses.dataclass(frozen=True)
class RaidKinematics:
    """Everything about a raid that does not depend on the dice: computed once per scenario.

    Attributes
    ----------
    scenario : Scenario
        The validated scenario.
    batteries : list of Battery
        Its batteries.
    doctrine : Doctrine
        Its doctrine.
    batch : TrajectoryBatch
        The aimed threats with 1 s histories (time since each threat's own launch).
    launch_time_s : ndarray, shape (n,)
        Launch time of each threat (s, since the raid's start).
    windows : list of Windows
        Intercept windows per battery.
    assigned : ndarray of int, shape (n,)
        Battery engaging each threat; -1 where none can.
    priority : ndarray, shape (n,)
        Engagement order (lower first): threats whose predicted impact lies within a defended
        asset first, then by the earliest intercept.
    records : list of dict
        Headline numbers of each trajectory (``TrajectoryBatch.to_dict``).
    """

    scenario: Any  # a validated scenario (thaadsim.io.scenario.Scenario)
    batteries: list[Battery]
    doctrine: Doctrine
    batch: TrajectoryBatch  # time since each threat's own launch
    launch_time_s: np.ndarray
    windows: list[Windows]  # per battery
    assigned: np.ndarray  # battery index per threat (-1: none can engage)
    priority: np.ndarray
    records: list[dict]
    assigned_lower: np.ndarray | None = None  # layered doctrine: lower-tier battery (-1: none)


def build_batteries(sc) -> list[Battery]:
    """The batteries of a scenario.

    Parameters
    ----------
    sc : Scenario
        A validated scenario.

    Returns
    -------
    list of Battery
        One per ``[[battery]]`` table, with its site, radar and interceptor presets.

    Raises
    ------
    ThaadsimError
        An unknown site, radar or interceptor.
    """
    from thaadsim.engagement.systems import get_system

    out = []
    for b in sc.battery:
        if b.system is None:
            out.append(Battery(b.name, parse_site(b.site), get_radar(b.radar),
                               get_interceptor(b.interceptor), b.launchers,
                               b.interceptors_per_launcher, b.reloads, b.fire_channels,
                               b.reaction_time_s, b.rcs_m2, sspk=b.sspk))
            continue
        s = get_system(b.system)
        given = b.model_fields_set

        def pick(field, b=b, s=s, given=given):
            return getattr(b, field) if field in given else getattr(s, field)

        out.append(Battery(b.name, parse_site(b.site), get_radar(pick("radar")),
                           get_interceptor(pick("interceptor")), int(pick("launchers")),
                           int(pick("interceptors_per_launcher")), b.reloads,
                           int(pick("fire_channels")), float(pick("reaction_time_s")), b.rcs_m2,
                           system=s.name, tier=s.tier, sspk=b.sspk))
    return out


def doctrine_of(sc) -> Doctrine:
    """The doctrine of a scenario.

    Parameters
    ----------
    sc : Scenario
        A validated scenario; ``"shoot-look-shoot"`` reads as ``"sls"``.

    Returns
    -------
    Doctrine
        The doctrine.
    """
    d = sc.doctrine
    return Doctrine("salvo" if d.mode == "salvo" else "sls", d.salvo, d.sspk, d.p_track,
                    d.kill_assessment_s, d.max_shots, d.detection, d.layered)


def fly_threats(sc, progress=None) -> tuple[TrajectoryBatch, list[str]]:
    """Aim and fly every threat of a scenario.

    Solutions are cached per distinct missile, launch point, aim point and apogee.

    Parameters
    ----------
    sc : Scenario
        A validated scenario.
    progress : callable, optional
        ``progress(text, done, total)``, called per threat.

    Returns
    -------
    batch : TrajectoryBatch or None
        All threats with 1 s histories; None when any threat cannot be aimed.
    problems : list of str
        One line per threat that cannot be aimed, naming its field (empty on success).
    """
    sols: dict = {}
    params = []
    problems = []
    # all distinct threats aimed together from their shape tables (aim_many); the rest, and
    # those that do not converge there, one by one with the full solve
    keys: dict = {}
    for t in sc.threat:
        key = (t.missile, t.launch.lat_deg, t.launch.lon_deg, t.aim.lat_deg, t.aim.lon_deg,
               t.apogee_km)
        keys.setdefault(key, t)
    try:
        jobs = [(get_missile(k[0]), Launch(k[1], k[2]), k[3], k[4],
                 None if k[5] is None else k[5] * 1e3) for k in keys]
    except ThaadsimError:
        jobs = []
    if jobs:
        for k, sol in zip(keys, aim_many(jobs), strict=True):
            if sol is not None:
                sols[k] = sol
    for i, t in enumerate(sc.threat):
        if progress:
            progress(f"threat {t.id}", i, len(sc.threat))
        key = (t.missile, t.launch.lat_deg, t.launch.lon_deg, t.aim.lat_deg, t.aim.lon_deg,
               t.apogee_km)
        if key not in sols:
            try:
                sols[key] = aim(get_missile(t.missile), Launch(t.launch.lat_deg, t.launch.lon_deg),
                                t.aim.lat_deg, t.aim.lon_deg,
                                apogee_m=None if t.apogee_km is None else t.apogee_km * 1e3)
            except OutOfReachError as e:
                problems.append(f"threat[{i}].aim: {e.rule} (got {e.range_km:.0f} km away)")
                continue
            except ThaadsimError as e:
                problems.append(f"threat[{i}].{e.parameter}: {e.rule} "
                                f"(got {show_value(e.value)})")
                continue
        s = sols[key]
        params.append((t.missile, t.launch.lat_deg, t.launch.lon_deg, s.azimuth_deg,
                       s.theta_deg, s.t_cut_s))
    if problems:
        return None, problems  # type: ignore[return-value]
    ms = [get_missile(p[0]) for p in params]
    a = np.array([p[1:] for p in params], dtype=float)
    b = fly(ms, a[:, 0], a[:, 1], a[:, 2], a[:, 3], a[:, 4], history_dt_s=HISTORY_DT_S)
    return b, []


def prepare(sc, progress=None) -> RaidKinematics:
    """The raid's kinematics: everything that does not depend on the dice.

    Aimed trajectories, detection and intercept windows per battery, battery assignment (most
    opportunities, then earliest intercept) and priorities (threats whose predicted impact is
    within a defended asset first, then by urgency).

    Parameters
    ----------
    sc : Scenario
        A validated scenario.
    progress : callable, optional
        ``progress(text, done, total)``, called per threat aimed.

    Returns
    -------
    RaidKinematics
        The kinematics.

    Raises
    ------
    ProblemsError
        Threats that cannot be aimed (one line each).
    ThaadsimError
        An unknown site, radar or interceptor.
    """
    batteries = build_batteries(sc)
    d = doctrine_of(sc)
    batch, problems = fly_threats(sc, progress)
    if problems:
        raise ProblemsError(problems)
    t0 = np.array([t.launch_time_s for t in sc.threat])
    wins = []
    for bat in batteries:
        tl = detection_timeline(bat.radar, bat.site, batch, bat.rcs_m2)
        wins.append(intercept_windows(bat, batch, tl.track_time_s, d))
    n = len(sc.threat)
    # assignment: the battery with most opportunities, then the earliest first intercept
    opp = np.stack([w.opportunities for w in wins])  # (nb, n)
    first = np.stack([np.nan_to_num(w.earliest_intercept_s, nan=np.inf) for w in wins])
    score = opp * 1e6 - first
    assigned = np.where(opp.max(axis=0) > 0, np.argmax(score, axis=0), -1)
    assigned_lower = None
    if d.layered:  # the best upper-tier battery first, the best lower-tier one at its leakers
        assigned, assigned_lower = _assign_layers(batteries, score, opp)
    # priority: threats whose predicted impact is in a defended asset first, then by urgency
    lat, lon = batch.impact_lat_lon_deg
    from thaadsim.geo import gc_distance_m

    in_asset = np.zeros(n, dtype=bool)
    for a in sc.defended_asset:
        d_km = gc_distance_m(np.radians(lat), np.radians(lon), np.radians(a.lat_deg),
                             np.radians(a.lon_deg)) / 1e3
        in_asset |= d_km <= a.radius_km
    t_first_abs = np.array([t0[j] + (first[assigned[j], j] if assigned[j] >= 0 else np.inf)
                            for j in range(n)])
    priority = np.where(in_asset, 0.0, 1e7) + np.nan_to_num(t_first_abs, posinf=1e6)
    records = [batch.to_dict(i) for i in range(n)]
    return RaidKinematics(sc, batteries, d, batch, t0, wins, assigned, priority, records,
                          assigned_lower)


def _assign_layers(batteries, score, opp):
    """Layered assignment: per threat, the upper-tier battery with most opportunities (then the
    earliest intercept) and the lower-tier one that engages its leakers; a threat no upper-tier
    battery can engage gets its lower-tier battery as the first (and only) layer."""
    tiers = np.array([b.tier for b in batteries])
    n = opp.shape[1]
    best = {}
    for tier in ("upper", "lower"):
        idx = np.nonzero(tiers == tier)[0]
        if idx.size == 0:
            best[tier] = np.full(n, -1)
            continue
        sc, op = score[idx], opp[idx]
        best[tier] = np.where(op.max(axis=0) > 0, idx[np.argmax(sc, axis=0)], -1)
    up, low = best["upper"], best["lower"]
    first = np.where(up >= 0, up, low)
    second = np.where(up >= 0, low, -1)
    return first, second


def fight(k: RaidKinematics, trials: int, seed: int) -> tuple[MCResult, dict]:
    """Plan the shots and play the Monte Carlo on prepared kinematics.

    Parameters
    ----------
    k : RaidKinematics
        From ``prepare``.
    trials : int
        Monte Carlo trials.
    seed : int
        Seed of the random generator.

    Returns
    -------
    result : MCResult
        The Monte Carlo outcome and the closed form.
    extra : dict
        ``plan`` (``Plan``, absolute times in s) and ``opportunities`` (per threat).
    """
    n = len(k.scenario.threat)
    d = k.doctrine
    if d.detection == "deterministic":
        windows_sets = [k.windows]
    else:
        # firm track is a random time: K realisations of every battery's detection timeline
        windows_sets = []
        for r in range(min(TRACK_REALISATIONS, trials)):
            ws = []
            for bi, bat in enumerate(k.batteries):
                tl = detection_timeline(bat.radar, bat.site, k.batch, bat.rcs_m2,
                                        detection=d.detection,
                                        seed=(seed * 1_000_003 + r) * 31 + bi)
                ws.append(intercept_windows(bat, k.batch, tl.track_time_s, d))
            windows_sets.append(ws)
    plans, opps = [], []
    for ws in windows_sets:
        plan, opp = _plan(k, ws, n)
        plans.append(plan)
        opps.append(opp)
    sk = None
    if d.layered or any(b.sspk is not None for b in k.batteries):
        sk = [d.sspk if b.sspk is None else float(b.sspk) for b in k.batteries]
    res = run_monte_carlo(plans, n, opps, [b.inventory for b in k.batteries], d, trials, seed,
                          sspk_by_battery=sk)
    # what is reported per threat (windows, plan, opportunities) is the threshold's (k.windows),
    # one consistent set; the sampled realisations add their spread
    if d.detection == "deterministic":
        plan0, opp0 = plans[0], opps[0]
    else:
        plan0, opp0 = _plan(k, k.windows, n)
    return res, {"plan": plan0, "opportunities": opp0,
                 "track_time_s": _track_samples(windows_sets, k.assigned),
                 "opportunity_samples": np.stack(opps)}


def _track_samples(windows_sets, assigned) -> np.ndarray:
    """Firm-track time (s) of each threat by its assigned battery, per realisation: (K, n)."""
    out = np.full((len(windows_sets), len(assigned)), np.nan)
    for r, ws in enumerate(windows_sets):
        for j, b in enumerate(assigned):
            if b >= 0:
                out[r, j] = ws[b].t_track[j]
    return out


def _plan(k: RaidKinematics, windows, n: int):
    """Fire plan and opportunities for one set of windows (one per battery)."""
    hist, _ = k.batch.history
    steps = hist.shape[1]
    t_abs = np.full((n, steps), np.nan)
    feas = np.zeros((n, steps), dtype=bool)
    l_abs = np.full((n, steps), np.nan)
    opp = np.zeros(n, dtype=int)
    for j in range(n):
        b = k.assigned[j]
        if b >= 0:
            w = windows[b]
            t_abs[j] = hist[j, :, 0] + k.launch_time_s[j]
            feas[j] = w.feasible[j]
            l_abs[j] = w.launch_s[j] + k.launch_time_s[j]
            opp[j] = w.opportunities[j]
    channels = [b.fire_channels for b in k.batteries]
    if k.assigned_lower is None:
        plan = plan_shots(t_abs, feas, l_abs, k.assigned, k.priority, k.doctrine, channels)
        return plan, opp
    # layered: the lower tier's windows at each threat, its opportunities added
    feas2 = np.zeros((n, steps), dtype=bool)
    l2 = np.full((n, steps), np.nan)
    for j in range(n):
        b = k.assigned_lower[j]
        if b >= 0:
            if not np.isfinite(t_abs[j]).any():
                t_abs[j] = hist[j, :, 0] + k.launch_time_s[j]
            feas2[j] = windows[b].feasible[j]
            l2[j] = windows[b].launch_s[j] + k.launch_time_s[j]
            opp[j] += windows[b].opportunities[j]
    plan = plan_layered(t_abs, [(feas, l_abs, k.assigned), (feas2, l2, k.assigned_lower)],
                        k.priority, k.doctrine, channels)
    return plan, opp


def _interval(ci) -> str:
    lo, hi = ci
    return f"{lo:.2f}-{hi:.2f}" if math.isfinite(lo) and math.isfinite(hi) else "n/a"


@dataclasses.dataclass(frozen=True, repr=False)
class EngageResult:
    """A fought raid: kinematics (done once), the fire plan and the Monte Carlo outcome.

    ``to_dict`` is what ``thaadsim engage --format json`` prints.

    Attributes
    ----------
    kinematics : RaidKinematics
        Trajectories, windows, assignment and priorities.
    mc : MCResult
        Monte Carlo outcome beside the closed form.
    plan : Plan
        The fire plan (absolute times, s).
    opportunities : ndarray of int
        Intercept opportunities per threat against its assigned battery, with firm track at the
        detection threshold (as the windows and the plan reported).
    track_samples : ndarray, shape (K, n), or None
        Firm-track time of each threat by its battery (s since the threat's launch) in each of
        the K realisations the Monte Carlo played (Swerling detection); None when deterministic.
    opportunity_samples : ndarray of int, shape (K, n), or None
        Opportunities per threat in each realisation; None when deterministic.
    """

    kinematics: RaidKinematics
    mc: MCResult
    plan: object  # montecarlo.Plan
    opportunities: np.ndarray
    track_samples: np.ndarray | None = None  # (K, n) firm-track times per realisation (s)
    opportunity_samples: np.ndarray | None = None  # (K, n) opportunities per realisation

    def __repr__(self) -> str:
        k, r = self.kinematics, self.mc
        inv = sum(b.inventory for b in k.batteries)
        return (f"<EngageResult {k.scenario.name}: {len(k.scenario.threat)} threats, "
                f"{len(k.batteries)} batter{'y' if len(k.batteries) == 1 else 'ies'}; expected "
                f"leakers {r.expected_leakers:.2f} (95 % CI {_interval(r.expected_leakers_ci95)}"
                f"), interceptors used "
                f"{r.interceptors_used_mean:.1f} of {inv}; {r.trials:,} trials, seed {r.seed}>")

    def to_dataframe(self):
        """The per-threat outcomes as a table.

        Returns
        -------
        pandas.DataFrame
            One row per threat: ``id``, ``missile``, ``battery``, ``intercept_opportunities``,
            ``shots_planned``, ``p_leak``, ``p_leak_analytic`` and the kinematics (s, km).
        """
        import pandas as pd

        rows = [{k: v for k, v in t.items() if k not in ("impact", "p_leak_ci95")}
                for t in self.to_dict()["threats"]]
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        """Per-threat outcomes and raid totals, units in the keys, no rounding.

        Returns
        -------
        dict
            Scenario, trials, seed, doctrine, batteries (inventory, interceptors used, envelope),
            per-threat windows (s since the raid's start, km) and leak probabilities with 95 %
            intervals, expected leakers beside the closed form, and the leaker distribution.
        """
        return _engage_dict(self.kinematics, self.mc, {"plan": self.plan,
                                                        "opportunities": self.opportunities,
                                                        "track_time_s": self.track_samples,
                                                        "opportunity_samples":
                                                            self.opportunity_samples})


def engage(scenario, trials: int = 10_000, seed: int = 1, progress=None) -> EngageResult:
    """Fight a raid.

    Aim and fly every threat, detection and windows per battery, the fire plan, then ``trials``
    Monte Carlo trials of the kill outcomes with ``seed`` (same seed, same result).

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (``thaadsim.io.scenario.load_scenario``).
    trials : int, optional
        Monte Carlo trials; default 10,000 (not range-checked here).
    seed : int, optional
        Seed of the random generator; default 1.
    progress : callable, optional
        ``progress(text, done, total)``, called per threat aimed.

    Returns
    -------
    EngageResult
        The fought raid.

    Raises
    ------
    ProblemsError
        Threats that cannot be aimed (one line each).
    ThaadsimError
        An unknown site, radar or interceptor.

    References
    ----------
    D. Wilkening, Science & Global Security 8:2 (1999): closed-form leakage.
    """
    k = prepare(scenario, progress=progress)
    res, extra = fight(k, trials, seed)
    det = k.doctrine.detection == "deterministic"
    return EngageResult(k, res, extra["plan"], extra["opportunities"],
                        None if det else extra["track_time_s"],
                        None if det else extra["opportunity_samples"])


def _band(samples, j: int, t0: float):
    """[5th, 95th] percentile of threat j's sampled firm-track time (s, raid clock) over the
    realisations in which it is tracked; None when deterministic or never tracked."""
    if samples is None:
        return None
    x = samples[:, j]
    x = x[np.isfinite(x)]
    if not x.size:
        return None
    return [float(np.percentile(x, 5) + t0), float(np.percentile(x, 95) + t0)]


def _sampled(extra: dict, j: int) -> dict:
    """Per threat, what the Swerling realisations add: the share never tracked and the range
    of opportunities; empty when deterministic."""
    tr, op = extra.get("track_time_s"), extra.get("opportunity_samples")
    if tr is None or op is None:
        return {}
    return {"untracked_fraction_of_realisations": float(np.mean(~np.isfinite(tr[:, j]))),
            "intercept_opportunities_sampled": [int(op[:, j].min()), int(op[:, j].max())]}


def _engage_dict(k: RaidKinematics, res: MCResult, extra: dict) -> dict:
    sc = k.scenario
    threats = []
    for j, t in enumerate(sc.threat):
        b = int(k.assigned[j])
        w = k.windows[b] if b >= 0 else k.windows[0]
        r = k.records[j]

        def f(x):
            return None if not np.isfinite(x) else float(x)

        threats.append({
            "id": t.id, "missile": t.missile, "launch_time_s": t.launch_time_s,
            "battery": k.batteries[b].name if b >= 0 else None,
            **({} if k.assigned_lower is None else {
                "lower_tier_battery": (k.batteries[int(k.assigned_lower[j])].name
                                       if k.assigned_lower[j] >= 0 else None)}),
            "range_km": r["range_km"], "apogee_km": r["apogee_km"],
            "flight_time_s": r["flight_time_s"], "impact": r["impact"],
            "track_time_s": f(w.t_track[j] + t.launch_time_s),
            "track_time_band_s": _band(extra.get("track_time_s"), j, t.launch_time_s),
            "intercept_opportunities": int(extra["opportunities"][j]),
            "earliest_intercept_s": f(w.earliest_intercept_s[j] + t.launch_time_s),
            "latest_intercept_s": f(w.latest_intercept_s[j] + t.launch_time_s),
            "earliest_intercept_alt_km": f(w.earliest_point[j, 2]),
            "latest_intercept_alt_km": f(w.latest_point[j, 2]),
            "shots_planned": int(np.sum(extra["plan"].threat == j)),
            "p_leak": float(res.p_leak[j]),
            "p_leak_ci95": [float(x) for x in res.p_leak_ci95[j]],
            "p_leak_analytic": res.p_leak_analytic[j],
            **_sampled(extra, j),
        })
    d = k.doctrine
    return {
        "scenario": sc.name, "trials": res.trials, "seed": res.seed,
        "doctrine": dataclasses.asdict(d),
        "batteries": [{"name": b.name, "site": b.site.name, "system": b.system, "tier": b.tier,
                       "inventory": b.inventory,
                       "fire_channels": b.fire_channels, "reaction_time_s": b.reaction_time_s,
                       "interceptors_used_mean": float(u),
                       "envelope": b.reach.to_dict()}
                      for b, u in zip(k.batteries, res.interceptors_used_by_battery_mean,
                                      strict=True)],
        "threats": threats,
        "expected_leakers": float(res.expected_leakers),
        # one trial has no sample spread: no interval (None), never a NaN
        "expected_leakers_ci95": [float(x) if math.isfinite(x) else None
                                  for x in res.expected_leakers_ci95],
        "expected_leakers_analytic": (None if any(a is None for a in res.p_leak_analytic)
                                      else float(sum(res.p_leak_analytic))),
        "p_no_leaker": float(res.p_no_leaker),
        "p_no_leaker_analytic": None if res.p_no_leaker_analytic is None
        else float(res.p_no_leaker_analytic),
        "interceptors_used_mean": float(res.interceptors_used_mean),
        "leakers_distribution": {str(i): float(c) / res.trials
                                 for i, c in enumerate(res.leakers_hist) if c > 0},
        "assumptions": "public estimates; SSPK and tracking probability are scenario inputs; "
                       "kill outcomes independent; closed form per Wilkening (1999) where the "
                       "inventory and fire channels do not bind; track_time_s, the windows, "
                       "intercept_opportunities and the plan are those of a firm track at the "
                       "detection threshold; the Monte Carlo plays the Swerling realisations: "
                       "track_time_band_s (5-95 %, tracked ones), "
                       "untracked_fraction_of_realisations and intercept_opportunities_sampled "
                       "give their spread",
    }
