"""Benchmarks and long robustness runs: `python -m bench` (see bench/README.md)."""
