"""Footprint uncertainty (first step of the uncertainty issue): the declared parameters carry
their reasons and sources, the bands contain the central value and are not degenerate, a
parameter with no range changes nothing, and the same seed gives the same output."""

import dataclasses
import json

import numpy as np
import pytest

from thaadsim.analysis import uncertainty as U
from thaadsim.cli import main
from thaadsim.engagement.fire_control import battery_at
from thaadsim.threats.threat_set import get_threat_set

GRID_KM = 25.0  # coarse: each sample is one footprint and, at most, one reach table


def test_every_parameter_has_a_reason_sources_and_its_preset_as_central():
    ps = U.list_parameters()
    assert len(ps) >= 5
    for p in ps:
        assert p.why and p.sources, p.name
        assert p.low <= p.central <= p.high and p.low < p.high, p
    # the central value of each parameter is the preset's
    by_name = {p.name: p for p in ps}
    from thaadsim.io.scenario import DoctrineCfg
    from thaadsim.sensors import get_radar

    doc = DoctrineCfg.model_validate({})
    assert by_name["sspk"].central == doc.sspk and by_name["p_track"].central == doc.p_track
    assert by_name["forward_radar_range_km"].central == \
        get_radar("tpy2-forward").calibration_range_km
    bat = battery_at("seongju")
    fp_params = U.parameters_for("footprint")
    central = {p.name: p.central for p in fp_params}
    b = U.battery_variant(bat, fp_params, central, 0.0)
    assert b.rcs_m2 == bat.rcs_m2 and b.reaction_time_s == bat.reaction_time_s
    assert b.site.lat_deg == bat.site.lat_deg and b.site.min_elevation_deg == 5.0
    assert b.radar.detection_range_m(0.01) == pytest.approx(bat.radar.detection_range_m(0.01))


@pytest.fixture(scope="module")
def run():
    return U.footprint_uncertainty(battery_at("seongju"), get_threat_set("nk-default"), GRID_KM,
                                   samples=8, seed=4)


def test_band_contains_the_central_value_and_is_not_degenerate(run):
    d = run.to_dict()["defended_fraction_of_south_korea"]
    assert d["p05"] <= d["central"] <= d["p95"], d
    assert d["p95"] - d["p05"] > 0.02, f"band of {d['p95'] - d['p05']:.3f}: degenerate"
    assert np.all((run.cell_probability >= 0) & (run.cell_probability <= 1))


def test_parameters_without_range_leave_the_answer_unchanged(monkeypatch):
    fixed = [dataclasses.replace(p, low=p.central, high=p.central) for p in U.list_parameters()]
    monkeypatch.setattr(U, "list_parameters", lambda: fixed)
    r = U.footprint_uncertainty(battery_at("seongju"), get_threat_set("nk-default"), GRID_KM,
                                samples=3, seed=1)
    c = r.central.to_dict()["defended_fraction_of_south_korea"]
    assert np.all(r.fraction == c), (r.fraction, c)


def test_same_seed_same_output(run):
    again = U.footprint_uncertainty(battery_at("seongju"), get_threat_set("nk-default"),
                                    GRID_KM, samples=8, seed=4)
    assert again.to_dict() == run.to_dict()


def test_cli_json_keys(capsys):
    code = main(["uncertainty", "footprint", "--battery", "seongju", "--threat-set",
                 "nk-default", "--samples", "4", "--seed", "1", "--grid-km", "25",
                 "--scheduler", "none", "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    band = out["defended_fraction_of_south_korea"]
    assert set(band) == {"central", "p05", "p50", "p95"}, band
    assert len(out["records"]) == 4 and "Seoul" in out["probability_defended"]


def _free_port() -> int:
    import socket

    with socket.socket() as sk:
        sk.bind(("127.0.0.1", 0))
        return sk.getsockname()[1]


def test_remote_dask_and_local_cluster_equal_the_in_process_result(run):
    """A `dask scheduler` and two `dask worker` processes on 127.0.0.1 (bounded: 120 s to
    start, killed after), and a LocalCluster: the same seed gives the same result as in
    process."""
    import shutil
    import subprocess
    import sys
    import time
    from pathlib import Path

    dask = shutil.which("dask") or str(Path(sys.executable).parent / "dask")
    port = _free_port()
    addr = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)]
    try:
        for _ in range(2):
            procs.append(subprocess.Popen([dask, "worker", addr, "--nworkers", "1",
                                           "--nthreads", "1", "--no-dashboard", "--host",
                                           "127.0.0.1"], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        from distributed import Client

        t0 = time.time()
        with Client(addr, timeout=60) as c:
            c.wait_for_workers(2, timeout=120)
        assert time.time() - t0 < 180
        kw = dict(grid_km=GRID_KM, samples=8, seed=4)
        remote = U.footprint_uncertainty(battery_at("seongju"), get_threat_set("nk-default"),
                                         scheduler=addr, **kw)
        assert remote.to_dict() == run.to_dict(), "remote Dask differs from in process"
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
    local = U.footprint_uncertainty(battery_at("seongju"), get_threat_set("nk-default"),
                                    scheduler="local", workers=2, grid_km=GRID_KM, samples=8,
                                    seed=4)
    assert local.to_dict() == run.to_dict(), "LocalCluster differs from in process"


def test_sobol_indices_of_the_ishigami_function():
    """Ishigami (a = 7, b = 0.1) on [-pi, pi]^3: S1 = (0.314, 0.442, 0), ST = (0.558, 0.442,
    0.244) (Ishigami & Homma 1990; Saltelli et al. 2008, sec. 4.5); recovered within 0.05 from
    2^12 base samples."""
    def ishigami(x):
        return (np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2
                + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0]))

    si = U.sobol_indices(ishigami, ["x1", "x2", "x3"], [[-np.pi, np.pi]] * 3, 2**12, 1)
    want = {"x1": (0.314, 0.558), "x2": (0.442, 0.442), "x3": (0.0, 0.244)}
    for k, (s1, st) in want.items():
        assert abs(si[k]["S1"] - s1) < 0.05 and abs(si[k]["ST"] - st) < 0.05, (k, si[k])


def test_one_at_a_time_ranking_and_cli(capsys, tmp_path):
    rows = U.sensitivity_oat(battery_at("seongju"), get_threat_set("nk-default"), GRID_KM)
    swings = [r["swing"] for r in rows]
    assert swings == sorted(swings, reverse=True)
    assert rows[0]["parameter"] == "interceptor_max_q_pa", rows[0]
    png = tmp_path / "tornado.png"
    code = main(["sensitivity", "footprint", "--grid-km", "25", "--plot", str(png),
                 "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and png.stat().st_size > 10_000
    assert out["ranking"][0]["parameter"] == "interceptor_max_q_pa"


def test_latin_hypercube_puts_one_sample_in_each_stratum_of_every_column():
    """McKay, Beckman & Conover (1979): n samples, each column hits each of its n strata once;
    the same seed gives the same hypercube, another seed another."""
    n, d = 16, 5
    u = U.lhs(d, n, seed=3)
    assert u.shape == (n, d + 2), f"expected shape {(n, d + 2)}, got {u.shape}"
    assert ((u >= 0) & (u < 1)).all(), f"quantiles outside [0, 1): {u.min()}..{u.max()}"
    for j in range(d + 2):
        strata = np.sort(np.floor(u[:, j] * n).astype(int))
        assert (strata == np.arange(n)).all(), f"column {j}: strata {strata.tolist()}"
    assert np.array_equal(u, U.lhs(d, n, seed=3)), "same seed, different hypercube"
    assert not np.allclose(u, U.lhs(d, n, seed=4)), "another seed gave the same hypercube"


def test_public_api_lists_parameters_and_gives_the_same_band_as_the_analysis():
    import thaadsim as t

    every = t.list_parameters("footprint")
    fast, slow = t.list_parameters(fast=True), t.list_parameters(fast=False)
    assert {p.name for p in fast} | {p.name for p in slow} == {p.name for p in every}
    assert not {p.name for p in fast} & {p.name for p in slow}, "a parameter both fast and slow"
    assert all(U.is_fast(p) for p in fast) and not any(U.is_fast(p) for p in slow)
    assert {p.name for p in t.list_parameters("engage")} != {p.name for p in every}
    api = t.footprint_uncertainty("seongju", "nk-default", grid_km=50.0, samples=4, seed=3,
                                  parameters=fast)
    ref = U.footprint_uncertainty(battery_at("seongju"), get_threat_set("nk-default"), 50.0, 4,
                                  3, parameters=[p.name for p in fast])
    np.testing.assert_array_equal(api.fraction, ref.fraction)
    np.testing.assert_array_equal(api.cell_probability, ref.cell_probability)
    assert [p.name for p in api.parameters] == [p.name for p in fast]


@pytest.mark.parametrize("kw, needle", [
    ({"battery_": "seongju+pyeongtaek"}, "battery: must name exactly one battery"),
    ({"samples": 1}, "samples: must be an integer in [2, 4096]"),
    ({"scheduler": "example.org"}, "scheduler: must be local, none or tcp://HOST:PORT"),
    ({"workers": 0}, "workers: must be an integer in [1, 64]"),
    ({"parameters": ["no-such"]}, "parameters: must name parameters that enter the footprint"),
])
def test_public_api_refuses_bad_input_naming_the_argument(kw, needle):
    import thaadsim as t

    with pytest.raises(t.ThaadsimError) as e:
        t.footprint_uncertainty(**{"grid_km": 50.0, "samples": 2, **kw})
    assert needle in str(e.value), f"expected {needle!r} in {str(e.value)!r}"
