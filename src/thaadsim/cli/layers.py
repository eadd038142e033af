"""Layered-defence commands (issue 14; being built)."""
