"""core/ imports nothing from the rest of thaadsim (DESIGN.md)."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "src" / "thaadsim" / "core"


def test_core_imports_only_core():
    bad = []
    for f in CORE.glob("*.py"):
        for node in ast.walk(ast.parse(f.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            bad += [f"{f.name}: {n}" for n in names
                    if n.startswith("thaadsim") and not n.startswith("thaadsim.core")]
    assert not bad, f"core/ must not import the rest of thaadsim: {bad}"


def test_sensors_do_not_import_analyses():
    sensors = CORE.parent / "sensors"
    bad = [f.name for f in sensors.glob("*.py") if "thaadsim.analysis" in f.read_text()]
    assert not bad, f"sensors/ must not depend on analysis/: {bad}"
