"""Helpers shared by the tests: plain modules, never test modules (no test imports another)."""
