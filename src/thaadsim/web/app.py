"""The web map's server: a Starlette application over ``web.views`` (docs/web-api.md).

* Bad input: HTTP 400 with ``{"error": {"parameter", "rule", "value", "message"}}``, the same
  rules and one-line message as the command line; never a 500 for bad input.
* Bounded work: the numba work of all requests runs on a small pool of threads (``workers``);
  at most ``queue_limit`` requests wait for it, more get HTTP 503 with ``Retry-After``; a request
  that runs longer than ``timeout_s`` is answered 503 (its computation finishes in the background
  and is cached for the retry).
* Caches: trajectory families, grids, reach tables and the last footprints stay in the process,
  so a moved battery costs one footprint (~0.3 s on 2 cores).
* Offline: the page and its vendored assets are package data; the Content-Security-Policy lets
  the page talk to this server only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import threading
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from pathlib import Path

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from thaadsim.errors import ThaadsimError, show_value
from thaadsim.web import views

STATIC = Path(str(files("thaadsim.web").joinpath("static")))
CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'")
MAX_QUERY_CHARS = 2000  # longer query strings are refused (8 batteries need ~200)
PARAMS = {
    "footprint": {"battery", "threat_set", "grid_km", "radar", "reaction_time_s",
                  "interceptor_max_q_pa"},
    "coverage": {"site", "radar", "altitude_km", "rcs_m2"},
    "watch": {"threat_set", "site", "radar", "object"},
    "trajectory": {"missile", "from", "to", "apogee_km"},
}


def _json(obj, status: int = 200, headers: dict | None = None) -> Response:
    body = json.dumps(obj, allow_nan=False, default=_default, separators=(",", ":"))
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def _default(o):
    try:
        import numpy as np

        if isinstance(o, np.generic):
            return o.item()
        if isinstance(o, np.ndarray):
            return o.tolist()
    except ImportError:  # pragma: no cover
        pass
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def _clean(o):
    """NaN and infinities become None (JSON has none)."""
    if isinstance(o, float):
        return o if math.isfinite(o) else None
    if isinstance(o, dict):
        return {k: _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    return o


def bad_request(e: ThaadsimError) -> Response:
    """HTTP 400 naming the parameter, the rule and the value (the CLI's one line)."""
    msg = str(e).splitlines()
    return _json({"error": {"parameter": e.parameter, "rule": e.rule,
                            "value": show_value(e.value), "message": msg[0] if msg else "",
                            "problems": msg[1:]}}, 400)


def busy(message: str, retry_after_s: int) -> Response:
    """HTTP 503 with ``Retry-After``."""
    return _json({"error": {"message": message, "retry_after_s": retry_after_s}}, 503,
                 {"Retry-After": str(retry_after_s)})


class Work:
    """The bounded pool that runs the numba work of the requests."""

    def __init__(self, workers: int, queue_limit: int, timeout_s: float):
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="thaadsim-web")
        self.limit = workers + queue_limit
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self.pending = 0

    async def run(self, fn, q: dict) -> Response:
        """Run ``fn(q)`` on the pool: its answer as JSON (or text), HTTP 400 for bad input, 503
        when the queue is full or the request times out."""
        with self._lock:
            if self.pending >= self.limit:
                return busy(f"the server is busy ({self.pending} requests waiting or "
                            "running); retry shortly", 2)
            self.pending += 1
        fut = asyncio.get_running_loop().run_in_executor(self.pool, fn, q)
        fut.add_done_callback(self._done)
        try:
            out = await asyncio.wait_for(asyncio.shield(fut), self.timeout_s)
        except TimeoutError:
            return busy(f"the request took longer than {self.timeout_s:g} s; it goes on in "
                        "the background, retry for the result", 5)
        except ThaadsimError as e:
            return bad_request(e)
        if isinstance(out, str):
            return Response(out)
        return _json(_clean(out))

    def _done(self, _fut) -> None:
        with self._lock:
            self.pending -= 1

    def close(self) -> None:
        """Stop taking work (running requests finish in the background)."""
        self.pool.shutdown(wait=False, cancel_futures=True)


def _query(request: Request, endpoint: str) -> dict:
    raw = request.url.query or ""
    if len(raw) > MAX_QUERY_CHARS:
        raise ThaadsimError("query", f"must be at most {MAX_QUERY_CHARS} characters",
                            f"{len(raw)} characters")
    q = dict(request.query_params)
    unknown = sorted(set(q) - PARAMS[endpoint])
    if unknown:
        raise ThaadsimError(unknown[0], f"is not a parameter of /api/{endpoint} (accepted: "
                                        f"{', '.join(sorted(PARAMS[endpoint]))})", q[unknown[0]])
    return q


class SecurityHeaders:
    """Adds the Content-Security-Policy (this server only) and two hardening headers."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                h = MutableHeaders(scope=message)
                h["Content-Security-Policy"] = CSP
                h["X-Content-Type-Options"] = "nosniff"
                h["Referrer-Policy"] = "no-referrer"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(*, workers: int = 1, queue_limit: int = 16, timeout_s: float = 30.0,
               warm: bool = True) -> Starlette:
    """The web map application.

    Parameters
    ----------
    workers : int, optional
        Threads running numba work (each kernel is itself parallel); default 1.
    queue_limit : int, optional
        Requests that may wait for a worker; beyond, HTTP 503. Default 16.
    timeout_s : float, optional
        Longest wait for one request (s); then HTTP 503 with ``Retry-After``. Default 30.
    warm : bool, optional
        Compute the default view at start-up (compiles kernels, fills caches). Default True.

    Returns
    -------
    Starlette
        The ASGI application.
    """
    work = Work(workers, queue_limit, timeout_s)

    def heavy(endpoint: str, fn):
        async def handler(request: Request) -> Response:
            try:
                q = _query(request, endpoint)
            except ThaadsimError as e:
                return bad_request(e)
            return await work.run(fn, q)

        return handler

    def text(endpoint: str, fn, media_type: str, filename: str):
        async def handler(request: Request) -> Response:
            try:
                q = _query(request, endpoint)
            except ThaadsimError as e:
                return bad_request(e)
            r = await work.run(fn, q)
            if r.status_code == 200:
                r.media_type = media_type
                r.headers["content-type"] = media_type
                r.headers["content-disposition"] = f'attachment; filename="{filename}"'
            return r

        return handler

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": views.version(),
                             "pending": work.pending})

    async def presets(request: Request) -> Response:
        return _json(_clean(views.presets()))

    async def basemap(request: Request) -> Response:
        return _json(views.basemap())

    async def cities(request: Request) -> Response:
        return _json(views.cities())

    async def index(request: Request) -> Response:
        page = STATIC / "index.html"
        if page.exists():
            return FileResponse(page, headers={"Cache-Control": "no-cache"})
        return HTMLResponse("<!doctype html><title>thaadsim</title><p>The page is not built; "
                            "the API is at /api/presets.</p>")

    async def not_found(request: Request, exc) -> Response:
        return _json({"error": {"message": f"no such page: {request.url.path}"}}, 404)

    async def server_error(request: Request, exc) -> Response:
        return _json({"error": {"message": "internal error (a bug: please report it with the "
                                           "request)"}}, 500)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        if warm:
            await asyncio.get_running_loop().run_in_executor(work.pool, views.warm_up)
        yield
        work.close()

    routes: list[BaseRoute] = [
        Route("/", index),
        Route("/healthz", healthz),
        Route("/api/presets", presets),
        Route("/api/basemap", basemap),
        Route("/api/cities", cities),
        Route("/api/footprint", heavy("footprint", views.footprint)),
        Route("/api/footprint_band", heavy("footprint", views.footprint_band)),
        Route("/api/footprint.kml", text("footprint", views.footprint_kml,
                                         "application/vnd.google-earth.kml+xml",
                                         "thaadsim-footprint.kml")),
        Route("/api/scenario.toml", text("footprint", views.scenario_toml,
                                         "application/toml", "thaadsim-footprint.toml")),
        Route("/api/coverage", heavy("coverage", views.coverage)),
        Route("/api/trajectory", heavy("trajectory", views.trajectory)),
        Route("/api/watch", heavy("watch", views.watch)),
    ]
    if STATIC.is_dir():
        routes.append(Mount("/static", StaticFiles(directory=str(STATIC)), name="static"))
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(SecurityHeaders)],
                    exception_handlers={404: not_found, 500: server_error})
    app.state.work = work
    return app
