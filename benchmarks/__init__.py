"""Reproducible performance benchmarks: a synthetic corpus, a local HTTP server, scenarios.

Run ``python -m benchmarks.run`` (``--quick`` for a smoke run); see docs/benchmarks.md.
"""
