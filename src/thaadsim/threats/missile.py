"""Missile model (stages, reentry vehicle, aerodynamics) and the presets in data/missiles.toml."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from thaadsim.core.aero import CD_TABLE, MACH_TABLE  # noqa: F401 (re-exported)
from thaadsim.core.constants import G0_M_S2
from thaadsim.errors import ThaadsimError, show_value
from thaadsim.presets import table


@dataclasses.dataclass(frozen=True)
class Stage:
    """One rocket stage (propellant burnt at a constant rate over the burn time).

    Attributes
    ----------
    propellant_kg : float
        Propellant mass (kg).
    dry_kg : float
        Dry (structural) mass (kg), dropped at staging.
    isp_sl_s : float
        Specific impulse at sea level (s).
    isp_vac_s : float
        Specific impulse in vacuum (s).
    burn_time_s : float
        Burn time (s).
    diameter_m : float
        Body diameter (m); sets the drag reference area during the boost.
    """

    propellant_kg: float
    dry_kg: float
    isp_sl_s: float
    isp_vac_s: float
    burn_time_s: float
    diameter_m: float

    @property
    def area_m2(self) -> float:
        """Cross-section pi d^2 / 4 (m^2), the boost-phase drag reference area."""
        return float(np.pi * self.diameter_m**2 / 4.0)

    @property
    def thrust_vac_n(self) -> float:
        """Vacuum thrust (N): mass flow times g0 times the vacuum specific impulse."""
        return self.propellant_kg / self.burn_time_s * G0_M_S2 * self.isp_vac_s


@dataclasses.dataclass(frozen=True)
class Missile:
    """A missile: stages (first to last), reentry vehicle and guidance defaults.

    ``rv_mass_kg`` is what flies after burnout (warhead and reentry vehicle; for missiles whose
    body does not separate, e.g. Scud-B, the empty body is included and its ``beta`` is that of
    the tumbling body). ``beta_kg_m2`` is the reentry ballistic coefficient m / (Cd A).

    Attributes
    ----------
    name : str
        Preset name.
    stages : tuple of Stage
        One to three stages, first to last.
    rv_mass_kg : float
        Mass after burnout (kg).
    beta_kg_m2 : float
        Ballistic coefficient after burnout (kg/m^2).
    t_vertical_s : float
        Vertical rise before the pitch-over (s); default 8.
    pitch_over_s : float
        Duration of the pitch-over (kick) after the vertical rise (s): the second parameter of
        the pitch program beside the kick elevation (a gravity turn follows); presets hold the
        value that maximises range (``tools/calibrate_missiles.py``). Default 10.
    lift_to_drag : float
        Largest lift-to-drag ratio of the vehicle after burnout (-); 0 (default): ballistic.
    pullup_alt_km : float
        Altitude below which a lifting vehicle pulls up on its way down (km); default 40.
    pitch_program : str
        ``"gravity-turn"`` (default: vertical rise, kick, gravity turn through all stages) or
        ``"programmed"`` (the elevation falls linearly over the first stage and is held; the
        simpler program of earlier analyses, used to bracket loft2range's band); see
        ``core.dynamics``.
    calibration : str
        What the preset's calibration adjusted (``data/missiles.toml``): ``"none"``,
        ``"split"`` (propellant/dry split of the launch mass), ``"dry"`` (dry masses); empty for
        a user entry that does not say.
    klass : str
        ``"srbm"``, ``"mrbm"``, ``"irbm"`` or ``"icbm"``.
    nominal_range_km : float
        Published range (km); NaN when none is given.
    description, notes : str
        Free text.
    sources : tuple of str
        Where the numbers come from (a user entry adds its file).
    estimate : bool
        True for public estimates (every shipped preset).
    """

    name: str
    stages: tuple[Stage, ...]
    rv_mass_kg: float
    beta_kg_m2: float
    t_vertical_s: float = 8.0
    pitch_over_s: float = 10.0
    lift_to_drag: float = 0.0
    pullup_alt_km: float = 40.0
    calibration: str = ""
    pitch_program: str = "gravity-turn"
    klass: str = "srbm"
    nominal_range_km: float = float("nan")
    description: str = ""
    sources: tuple[str, ...] = ()
    notes: str = ""
    estimate: bool = True

    @property
    def burn_time_s(self) -> float:
        """Total burn time of all stages (s)."""
        return float(sum(s.burn_time_s for s in self.stages))

    @property
    def launch_mass_kg(self) -> float:
        """Launch mass (kg): all stages (propellant and dry) and the reentry vehicle."""
        return float(self.rv_mass_kg + sum(s.propellant_kg + s.dry_kg for s in self.stages))

    def ideal_delta_v_m_s(self) -> float:
        """Ideal velocity increment in vacuum, without gravity or drag losses (m/s).

        Returns
        -------
        float
            The sum over stages of g0 isp_vac ln(m0 / m1) (Tsiolkovsky rocket equation), the
            dry mass of each stage dropped after its burn.
        """
        m = self.launch_mass_kg
        dv = 0.0
        for s in self.stages:
            dv += G0_M_S2 * s.isp_vac_s * np.log(m / (m - s.propellant_kg))
            m -= s.propellant_kg + s.dry_kg
        return float(dv)

    def replace(self, **changes) -> Missile:
        """A copy with fields changed: every parameter can be overridden.

        Parameters
        ----------
        **changes
            Field names and new values, e.g. ``rv_mass_kg=500.0`` (units as the fields).

        Returns
        -------
        Missile
            The modified copy (not validated).
        """
        return dataclasses.replace(self, **changes)

    def scaled(self, *, rv_mass_kg: float | None = None, burn_time_scale: float = 1.0) -> Missile:
        """The same missile with another payload and/or all burn times scaled.

        Parameters
        ----------
        rv_mass_kg : float, optional
            New mass after burnout (kg); default: unchanged.
        burn_time_scale : float, optional
            Factor applied to every stage's burn time (-); the propellant is unchanged, so thrust
            scales by its inverse. The pitch program's vertical rise and kick scale with it, so
            the program keeps its shape over the burn. Default 1.

        Returns
        -------
        Missile
            The scaled copy.
        """
        st = tuple(dataclasses.replace(s, burn_time_s=s.burn_time_s * burn_time_scale)
                   for s in self.stages)
        return dataclasses.replace(self, stages=st,
                                   rv_mass_kg=self.rv_mass_kg if rv_mass_kg is None else rv_mass_kg,
                                   t_vertical_s=self.t_vertical_s * burn_time_scale,
                                   pitch_over_s=self.pitch_over_s * burn_time_scale)

    def to_dict(self) -> dict:
        """The preset with derived totals and its sources.

        Returns
        -------
        dict
            Fields with units in the keys (kg, s, km, kg/m^2), the launch mass (kg), total burn time
            (s), ideal delta-v (km/s), the stages and the sources.
        """
        return {"name": self.name, "class": self.klass,
                "nominal_range_km": self.nominal_range_km, "n_stages": len(self.stages),
                "launch_mass_kg": self.launch_mass_kg, "rv_mass_kg": self.rv_mass_kg,
                "burn_time_s": self.burn_time_s,
                "ideal_delta_v_km_s": self.ideal_delta_v_m_s() / 1000.0,
                "beta_kg_m2": self.beta_kg_m2, "t_vertical_s": self.t_vertical_s,
                "pitch_over_s": self.pitch_over_s, "lift_to_drag": self.lift_to_drag,
                "pullup_alt_km": self.pullup_alt_km, "pitch_program": self.pitch_program,
                "calibration": self.calibration,
                "stages": [dataclasses.asdict(st) for st in self.stages],
                "description": self.description, "sources": list(self.sources),
                "notes": self.notes, "estimate": self.estimate}


_built: dict[int, dict[str, Missile]] = {}


def _missile_from(key: str, m: dict) -> Missile:
    """A frozen Missile from a [missile.NAME] table; a bad entry is one clean error naming its
    file and field."""
    f = m.get("_file", "thaadsim")
    opt = m.get("_option", "--missile-file")
    try:
        stages = tuple(Stage(**{k: float(v) for k, v in s.items()}) for s in m["stages"])
        if not 1 <= len(stages) <= 3:
            raise ValueError("stages: must list 1 to 3 stages")
        out = Missile(
            name=key, stages=stages, rv_mass_kg=float(m["rv_mass_kg"]),
            beta_kg_m2=float(m["beta_kg_m2"]), t_vertical_s=float(m.get("t_vertical_s", 8.0)),
            pitch_over_s=float(m.get("pitch_over_s", 10.0)),
            lift_to_drag=float(m.get("lift_to_drag", 0.0)),
            pullup_alt_km=float(m.get("pullup_alt_km", 40.0)),
            calibration=str(m.get("calibrate", "")),
            pitch_program=str(m.get("pitch_program", "gravity-turn")),
            klass=str(m["class"]), nominal_range_km=float(m.get("nominal_range_km", "nan")),
            description=str(m.get("description", "")),
            sources=tuple(map(str, m.get("sources", ()))) + (() if f == "thaadsim"
                                                              else (f"user data {f}",)),
            notes=str(m.get("notes", "")), estimate=bool(m.get("estimate", True)))
    except KeyError as e:
        raise ThaadsimError(opt, f"[missile.{key}] must define {e.args[0]}", f) from None
    except (TypeError, ValueError, AttributeError) as e:
        raise ThaadsimError(opt, f"[missile.{key}] is invalid ({show_value(str(e))[1:-1]})",
                            f) from None
    for k in ("rv_mass_kg", "beta_kg_m2", "t_vertical_s", "pitch_over_s", "pullup_alt_km"):
        v = float(getattr(out, k))
        if not (math.isfinite(v) and v > 0):
            raise ThaadsimError(opt, f"[missile.{key}] {k} must be a finite number > 0", f)
    if out.pitch_program not in ("gravity-turn", "programmed"):
        raise ThaadsimError(opt, f"[missile.{key}] pitch_program must be gravity-turn or "
                                 "programmed", f)
    if not (math.isfinite(out.lift_to_drag) and 0 <= out.lift_to_drag <= 5):
        raise ThaadsimError(opt, f"[missile.{key}] lift_to_drag must lie in 0-5 (hypersonic "
                                 "vehicles reach about 3)", f)
    for st in out.stages:
        for k in ("propellant_kg", "dry_kg", "isp_sl_s", "isp_vac_s", "burn_time_s",
                  "diameter_m"):
            v = float(getattr(st, k))
            ok = math.isfinite(v) and (v >= 0 if k == "dry_kg" else v > 0) and v <= 1e12
            if not ok:
                rule = (">= 0" if k == "dry_kg" else "> 0") + " and at most 1e12"
                raise ThaadsimError(opt, f"[missile.{key}] stages.{k} must be {rule}", f)
    return out


def _presets() -> dict[str, Missile]:
    tbl = table("missiles.toml", "missile")
    if id(tbl) not in _built:
        _built.clear()
        built = {k: _missile_from(k, m) for k, m in tbl.items()}
        for k, m in tbl.items():
            if "pitch_over_s" not in m:  # a user entry that does not give its kick duration
                built[k] = with_optimal_pitch_over(built[k])
        _built[id(tbl)] = built
    return _built[id(tbl)]


def with_optimal_pitch_over(m: Missile) -> Missile:
    """The missile with the kick duration of its maximum-range pitch program.

    Found as the presets' is (``tools/calibrate_missiles.py``): the two-parameter optimum
    (``threats.solve.max_range_program``) launched east from 40 N on a non-rotating Earth,
    rounded to 0.1 s. User entries without ``pitch_over_s`` get it when their file is read.

    Parameters
    ----------
    m : Missile
        The missile.

    Returns
    -------
    Missile
        The copy with ``pitch_over_s`` set.
    """
    from thaadsim.threats.solve import max_range_program  # solve imports this module
    from thaadsim.threats.trajectory import Launch

    prog = max_range_program(m, Launch(40.0, 125.0), 90.0, rotating=False)
    return m.replace(pitch_over_s=round(prog.pitch_over_s, 1))


def missile_names() -> list[str]:
    """Names of the missile presets and user entries, sorted.

    Returns
    -------
    list of str
        Lower-case names.
    """
    return sorted(table("missiles.toml", "missile"))


def list_missiles() -> list[Missile]:
    """Every missile preset and user entry.

    Returns
    -------
    list of Missile
        In file order, presets first.

    Raises
    ------
    ThaadsimError
        A user entry that is incomplete or invalid (the error names its file and field).
    """
    return list(_presets().values())


def get_missile(name: str) -> Missile:
    """A missile preset (or user entry) by name; ``thaadsim missiles`` lists them.

    Parameters
    ----------
    name : str
        Name, case and surrounding blanks ignored.

    Returns
    -------
    Missile
        The frozen missile.

    Raises
    ------
    ThaadsimError
        An unknown name (the error lists the known ones), or an invalid user entry.
    """
    p = _presets()
    key = str(name).strip().lower()
    if key not in p:
        raise ThaadsimError("missile", f"must be one of {', '.join(sorted(p))}", name)
    return p[key]
