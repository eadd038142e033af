"""``thaadsim serve``: the local, offline web map (docs/web-api.md)."""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
import webbrowser

import typer

from thaadsim.cli.app import app
from thaadsim.errors import ThaadsimError

LOOPBACK = "127.0.0.1"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_bind(host: str, port: int) -> None:
    """Refuse a host:port that cannot be bound, before the minutes of warm-up."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise ThaadsimError("--host", f"must be an address of this machine ({e.strerror})",
                            host) from None
    family, _, _, _, addr = infos[0]
    s = socket.socket(family, socket.SOCK_STREAM)
    try:
        s.bind(addr)
    except OSError as e:
        raise ThaadsimError("--port", f"cannot be bound on {host} ({e.strerror})", port) \
            from None
    finally:
        s.close()


@app.command()
def serve(host: str = typer.Option(LOOPBACK, "--host",
                                   help="address to bind; another than loopback only when given "
                                        "(with a warning: the map has no authentication)"),
          port: int = typer.Option(8765, "--port", help="TCP port, 1 to 65535"),
          open_: bool = typer.Option(False, "--open", help="open the map in the web browser"),
          workers: int = typer.Option(1, "--workers",
                                      help="threads for the numba work, 1 to 8 (each kernel "
                                           "already uses every core)"),
          queue: int = typer.Option(16, "--queue",
                                    help="requests that may wait; more get HTTP 503, 1 to 256"),
          timeout_s: float = typer.Option(30.0, "--timeout-s",
                                          help="longest wait for one request (s), 1 to 600")):
    """The interactive map: drag a battery and see what it defends, offline, on this machine."""
    if not 1 <= port <= 65535:
        raise ThaadsimError("--port", "must be an integer in [1, 65535]", port)
    if not 1 <= workers <= 8:
        raise ThaadsimError("--workers", "must be an integer in [1, 8]", workers)
    if not 1 <= queue <= 256:
        raise ThaadsimError("--queue", "must be an integer in [1, 256]", queue)
    if not 1.0 <= timeout_s <= 600.0:
        raise ThaadsimError("--timeout-s", "must be a number in [1, 600]", timeout_s)
    if not host.strip():
        raise ThaadsimError("--host", "must be an address to bind, e.g. 127.0.0.1", host)
    if not _is_loopback(host):
        print(f"thaadsim serve: warning: binding {host}: the map is reachable from other "
              "machines and has no authentication", file=sys.stderr)
    _check_bind(host, port)
    import uvicorn

    from thaadsim.web.app import create_app

    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    print(f"thaadsim serve: {url} (computing the default view first; Ctrl-C stops)",
          file=sys.stderr, flush=True)
    if open_:
        threading.Timer(1.0, lambda: webbrowser.open(url)).start()
    config = uvicorn.Config(create_app(workers=workers, queue_limit=queue, timeout_s=timeout_s),
                            host=host, port=port, log_level="warning", access_log=False,
                            lifespan="on")
    server = uvicorn.Server(config)
    server.run()
    if not server.started:
        raise ThaadsimError("--port", "could not be bound (in use, or not allowed)", port)
