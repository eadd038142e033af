"""Interceptor flyout kinematics and reach tables."""

from thaadsim.interceptors.reach import (
    Interceptor,
    ReachTable,
    get_interceptor,
    list_interceptors,
    reach_table,
)

__all__ = ["Interceptor", "ReachTable", "get_interceptor", "list_interceptors", "reach_table"]
