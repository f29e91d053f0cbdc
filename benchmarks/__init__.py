"""Benchmarks of lms-sync against the fake Moodle with injected latency, run as `python benchmarks/sync_bench.py`.

Not part of the installed package; the smoke test imports these modules so they cannot rot.
"""
