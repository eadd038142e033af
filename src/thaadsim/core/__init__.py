"""Pure numerical kernels: SI units, arrays batched over a leading axis, no I/O.

``core`` imports nothing from the rest of thaadsim (enforced by tests/unit/test_layering.py).
"""
