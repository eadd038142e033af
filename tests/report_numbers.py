"""Reading the report's headline box back: every number it shows carries a ``data-key`` naming
its value in summary.json (``headline.defends.fraction``); these helpers parse the shown text
back into numbers and compare them with the summary to the precision shown."""

from __future__ import annotations

import re
from html.parser import HTMLParser

UNITS = {"%": 0.01, "million": 1e6}


class _Keyed(HTMLParser):
    def __init__(self):
        super().__init__()
        self.out: dict[str, str] = {}
        self._stack: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        self._stack.append(dict(attrs).get("data-key"))
        if self._stack[-1]:
            self.out[self._stack[-1]] = ""

    def handle_endtag(self, tag):
        if self._stack:
            self._stack.pop()

    def handle_data(self, data):
        for k in self._stack:
            if k:
                self.out[k] += data


def parse_headline(html: str) -> dict[str, str]:
    """The shown text of every element with a ``data-key`` (whitespace collapsed)."""
    p = _Keyed()
    p.feed(html)
    return {k: " ".join(v.split()) for k, v in p.out.items()}


def _numbers(text: str) -> list[tuple[float, float]]:
    """Each number shown, with the half-width of its last digit: '42 %–68 %' -> two values."""
    out = []
    text = text.replace("\u2212", "-").replace("\u00a0", " ")
    for m in re.finditer(r"(-?[\d,]+(?:\.(\d+))?)\s*(%|million)?", text):
        v = float(m.group(1).replace(",", ""))
        half = 0.5 * 10.0 ** -(len(m.group(2)) if m.group(2) else 0)
        scale = UNITS.get(m.group(3) or "", 1.0)
        out.append((v * scale, half * scale))
    return out


def _lookup(summary: dict, key: str):
    x = summary
    parts = key.split(".")
    for i, p in enumerate(parts):
        if p == "n_without":
            return len(x["threats_without_opportunity"])
        if isinstance(x, list):
            x = x[int(p)]
        elif p in x:
            x = x[p]
        else:  # a mode name with dots or dashes: join the rest
            rest = ".".join(parts[i:])
            return x[rest]
    return x


def headline_mismatches(shown: dict[str, str], summary: dict) -> list[str]:
    """Keys whose shown number(s) differ from the summary's value beyond the shown precision;
    each as 'key: shown TEXT, summary VALUE'."""
    bad = []
    for key, text in shown.items():
        want = _lookup(summary, key)
        if isinstance(want, bool):
            ok = text == ("Yes" if want else "No")
        elif isinstance(want, str):  # a phrase of the summary ("lower tier"), shown as is
            ok = text == want
        else:
            wants = list(want) if isinstance(want, list | tuple) else [want]
            got = _numbers(text)
            ok = len(got) == len(wants) and all(abs(g - w) <= h * 1.0001 + 1e-9
                                                for (g, h), w in zip(got, wants, strict=True))
        if not ok:
            bad.append(f"{key}: shown {text!r}, summary {want!r}")
    return bad
