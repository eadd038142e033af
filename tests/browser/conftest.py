"""Browser tests of the web map (`thaadsim serve`), with Playwright driving Debian's Chromium.

Playwright's own browser download is not used (`playwright install` is never run): the tests
launch the Chromium found on PATH (`chromium`, `chromium-headless-shell`) or at
/usr/bin/chromium, or the one named by $THAADSIM_CHROMIUM. Without a browser the tests fail,
telling how to install one, unless THAADSIM_ALLOW_NO_BROWSER=1 (then they are skipped).

The server is started once per session as `python -m thaadsim serve` on a free loopback port
(its output goes to tests/browser/artifacts/server.log), unless $THAADSIM_WEB_URL points at one
that is already running. /healthz must answer within $THAADSIM_WEB_STARTUP_S seconds (60).
Screenshots go to tests/browser/artifacts/.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ARTIFACTS = Path(__file__).parent / "artifacts"
STARTUP_TIMEOUT_S = float(os.environ.get("THAADSIM_WEB_STARTUP_S", "60"))  # /healthz answers
WARMUP_TIMEOUT_S = 600.0  # the first footprint compiles the numba kernels (cached afterwards)
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--disable-dev-shm-usage",
]
INSTALL_HINT = (
    "install Debian's Chromium (`apt-get install chromium`, or chromium-headless-shell) and the "
    "Python package (`.venv/bin/pip install playwright`; do not run `playwright install`), "
    "or set THAADSIM_CHROMIUM to a Chromium binary; THAADSIM_ALLOW_NO_BROWSER=1 skips these "
    "tests instead"
)


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the web map in headless Chromium")


def _no_browser(reason: str):
    message = f"browser tests: {reason}; {INSTALL_HINT}"
    if os.environ.get("THAADSIM_ALLOW_NO_BROWSER") == "1":
        pytest.skip(message)
    pytest.fail(message, pytrace=False)


def find_chromium() -> str | None:
    explicit = os.environ.get("THAADSIM_CHROMIUM")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    for name in ("chromium", "chromium-headless-shell", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    for path in ("/usr/bin/chromium", "/usr/bin/chromium-headless-shell",
                 "/usr/lib/chromium/chromium"):
        if os.access(path, os.X_OK):
            return path
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 (loopback only)
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@pytest.fixture(scope="session")
def server_url():
    """Base URL of a running `thaadsim serve` (started here, stopped at the end)."""
    given = os.environ.get("THAADSIM_WEB_URL")
    proc = None
    log = None
    if given:
        base = given.rstrip("/")
        host = urlsplit(base).hostname
        assert host in ("127.0.0.1", "localhost"), "THAADSIM_WEB_URL must be on this machine"
    else:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        log = open(ARTIFACTS / "server.log", "wb")  # noqa: SIM115 (closed below)
        proc = subprocess.Popen(
            [sys.executable, "-m", "thaadsim", "serve", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if proc is not None and proc.poll() is not None:
                log.flush()
                tail = (ARTIFACTS / "server.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"`thaadsim serve` exited with {proc.returncode}:\n{tail}",
                            pytrace=False)
            try:
                status, body = _get(base + "/healthz", timeout=2)
                if status == 200 and json.loads(body).get("status") == "ok":
                    break
            except (OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"{base}/healthz did not answer within {STARTUP_TIMEOUT_S:.0f} s",
                            pytrace=False)
            time.sleep(0.25)
        # Warm up: the first footprint compiles the numba kernels; do it once here so that the
        # tests themselves run against a warm server.
        deadline = time.monotonic() + WARMUP_TIMEOUT_S
        while True:
            status, _ = _get(base + "/api/footprint", timeout=WARMUP_TIMEOUT_S)
            if status != 503 or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert status == 200, f"warm-up GET /api/footprint answered HTTP {status}"
        yield base
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        if log is not None:
            log.close()


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("the Python package playwright is not installed")
    exe = find_chromium()
    if exe is None:
        _no_browser("no Chromium found (looked for chromium, chromium-headless-shell, "
                    "/usr/bin/chromium)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class PageRecorder:
    """A page with what it logged and requested."""

    def __init__(self, page, base):
        self.page = page
        self.base = base
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

    def _console(self, msg):
        if msg.type == "error":
            self.console_errors.append(msg.text)

    def foreign_requests(self) -> list[str]:
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.hostname != "127.0.0.1":
                out.append(url)
        return out

    # -- waiting for the page to settle
    def revision(self) -> int:
        value = self.page.get_attribute("body", "data-footprint-revision")
        return int(value) if value else 0

    def wait_footprint(self, after: int = 0, timeout: float = 30_000):
        """Until a footprint newer than revision `after` is drawn and nothing is pending."""
        self.page.wait_for_function(
            "after => Number(document.body.dataset.footprintRevision || 0) > after"
            " && document.body.dataset.footprintState === 'idle'",
            arg=after, timeout=timeout)

    def wait_error(self, timeout: float = 30_000):
        self.page.wait_for_function(
            "() => document.body.dataset.footprintState === 'error'"
            " && !document.getElementById('error').hidden", timeout=timeout)

    def controls(self) -> dict:
        p = self.page
        return {
            "threat-set": p.input_value("#threat-set"),
            "radar": p.input_value("#radar"),
            "grid": p.input_value("#grid"),
            "reaction-time": p.input_value("#reaction-time"),
            "layers": [k for k in ("fp", "sls", "cov", "traj")
                       if p.is_checked(f"#layer-{k}")],
            "batteries": p.eval_on_selector_all(
                "#battery-list li[data-index]",
                "lis => lis.map(li => [...li.querySelectorAll('input')].map(i => i.value))"),
        }

    def numbers(self) -> dict:
        return {k: self.page.inner_text(f"#{k}").strip()
                for k in ("fraction", "fraction-sls", "area", "population")}


@pytest.fixture
def new_page(browser, server_url):
    """Factory: a fresh browser context and page at a given viewport."""
    contexts = []

    def make(width=1400, height=900):
        ctx = browser.new_context(viewport={"width": width, "height": height},
                                  locale="en-US", service_workers="block")
        contexts.append(ctx)
        return PageRecorder(ctx.new_page(), server_url)

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
