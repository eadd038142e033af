"""``thaadsim bench web``: the web map's latency and behaviour under load, on loopback only.

A ``thaadsim serve`` subprocess on 127.0.0.1 (a free port); after its warm-up, ``moves``
footprint requests for a battery moved to new places one after another (each new, so nothing
is served from the result cache), then ``concurrent`` requests at once for other new places:
every answer must be 200 or 503 (never 500), the server must answer ``/healthz`` afterwards, and
its resident memory is read before and after. Bounded in count and time; the server is stopped
at the end.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import numpy as np

REQUEST_TIMEOUT_S = 120.0
STARTUP_TIMEOUT_S = 300.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, float]:
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT_S) as r:  # noqa: S310 (loopback)
            r.read()
            code = r.status
    except urllib.error.HTTPError as e:
        code = e.code
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        code = -1
    return code, time.perf_counter() - t0


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return float(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _places(n: int, seed: int) -> list[tuple[float, float]]:
    """Battery positions over South Korea's mainland (a box inside it; some fall at sea, which
    the footprint accepts)."""
    rng = np.random.default_rng(seed)
    return [(round(float(a), 4), round(float(b), 4))
            for a, b in zip(rng.uniform(35.2, 37.6, n), rng.uniform(126.8, 129.0, n),
                            strict=True)]


def bench_web(moves: int = 20, concurrent: int = 50, seed: int = 0) -> dict:
    """Latency of a moved battery's footprint (p50, p95) and a burst of concurrent requests.

    Parameters
    ----------
    moves : int, optional
        Sequential requests, each for a new battery position; default 20.
    concurrent : int, optional
        Requests sent at once; default 50.
    seed : int, optional
        Seed of the positions.

    Returns
    -------
    dict
        Latencies (s), status counts, memory (MB) and whether the server stayed alive.
    """
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    proc = subprocess.Popen([sys.executable, "-m", "thaadsim", "serve", "--host", "127.0.0.1",
                             "--port", str(port), "--queue", "16"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        t0 = time.perf_counter()
        while True:
            code, _ = _get(base + "/healthz")
            if code == 200:
                break
            if proc.poll() is not None or time.perf_counter() - t0 > STARTUP_TIMEOUT_S:
                return {"error": "the server did not start"}
            time.sleep(0.5)
        startup_s = time.perf_counter() - t0
        rss0 = _rss_mb(proc.pid)
        places = _places(moves + concurrent, seed)
        lat = []
        codes_seq = []
        for la, lo in places[:moves]:
            code, dt = _get(f"{base}/api/footprint?battery={la},{lo}&grid_km=5")
            codes_seq.append(code)
            lat.append(dt)
        burst = [f"{base}/api/footprint?battery={la},{lo}&grid_km=5"
                 for la, lo in places[moves:]]
        t1 = time.perf_counter()
        with ThreadPoolExecutor(concurrent) as ex:
            res = list(ex.map(_get, burst))
        burst_s = time.perf_counter() - t1
        alive = _get(base + "/healthz")[0] == 200
        rss1 = _rss_mb(proc.pid)
        codes = [c for c, _ in res]
        ok = [dt for c, dt in res if c == 200]
        return {
            "server": "thaadsim serve on 127.0.0.1 (1 worker thread, queue 16)",
            "startup_with_warm_up_s": round(startup_s, 2),
            "moved_battery_footprint_5km": {
                "requests": moves, "status_200": codes_seq.count(200),
                "p50_s": round(float(np.percentile(lat, 50)), 3),
                "p95_s": round(float(np.percentile(lat, 95)), 3),
                "max_s": round(float(max(lat)), 3)},
            "burst": {
                "concurrent_requests": concurrent,
                "status_200": codes.count(200), "status_503": codes.count(503),
                "status_500": codes.count(500),
                "other": len(codes) - codes.count(200) - codes.count(503) - codes.count(500),
                "wall_s": round(burst_s, 2),
                "p95_of_answered_200_s": round(float(np.percentile(ok, 95)), 3) if ok else None},
            "server_alive_after": alive,
            "server_rss_mb": {"before": round(rss0, 1), "after": round(rss1, 1)},
        }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps(bench_web(), indent=2))
