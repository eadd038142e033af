"""The demo report as a reader opens it (the journalist-report issue): in headless Chromium at a
desktop (1400 px) and a phone (390 px) width, no horizontal overflow, no request leaving the
file, the headline box showing the numbers of summary.json; screenshots saved as artefacts."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from tests.report_numbers import headline_mismatches

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width, height", [(1400, 900), (390, 844)])
def test_report_reads_at_desktop_and_phone_width(browser, demo_dir, artifacts, width, height):
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="en-US",
                              service_workers="block")
    try:
        page = ctx.new_page()
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((demo_dir / "report.html").as_uri())
        page.wait_for_load_state("load")
        foreign = [u for u in requests if urlsplit(u).scheme not in ("file", "data", "about")]
        assert foreign == [], f"the report requested {foreign}; it must be self-contained"
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"horizontal scroll of {overflow} px at {width} px"
        # every figure scales into the page
        too_wide = page.evaluate(
            "() => [...document.images].filter(i => i.getBoundingClientRect().right >"
            " window.innerWidth + 1).map(i => i.alt)")
        assert too_wide == [], f"figures wider than the {width} px page: {too_wide}"
        shown = page.evaluate(
            "() => Object.fromEntries([...document.querySelectorAll('#headline [data-key]')]"
            ".map(e => [e.dataset.key, e.innerText.replace(/\\s+/g, ' ').trim()]))")
        assert len(shown) >= 15, f"expected >= 15 numbers in the headline box, found {shown}"
        summary = json.loads((demo_dir / "summary.json").read_text())
        bad = headline_mismatches(shown, summary)
        assert bad == [], "headline numbers differing from summary.json: " + "; ".join(bad)
        box = page.locator("#headline").bounding_box()
        assert box is not None and box["y"] < 400, f"the headline box starts at {box}: not first"
        assert errors == [], f"page errors: {errors}"
        path = artifacts / f"report-{width}x{height}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 20_000
    finally:
        ctx.close()
