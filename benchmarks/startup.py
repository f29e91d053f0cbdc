"""Start-up time of the command line: `lms-sync --help` and `--version` against a bare `python -c pass`, each the
fastest of a few fresh processes, so the ratio stays meaningful on a busy machine (issue 17: at most 6×).
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass

STARTUP_RATIO = 6.0
REPEATS = 5


def _fastest(argv: list[str], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - started)
    return best


@dataclass(frozen=True)
class Startup:
    bare: float
    """seconds of `python -c pass`"""
    help: float
    version: float

    @property
    def ratio(self) -> float:
        return max(self.help, self.version) / self.bare

    def line(self) -> str:
        return (f"`lms-sync --help` ≤ {STARTUP_RATIO:g}× `python -c pass`: --help {self.help:.3f} s, --version "
                f"{self.version:.3f} s, python -c pass {self.bare:.3f} s ({self.ratio:.1f}×)")


def measure_startup(repeats: int = REPEATS) -> Startup:
    """Each command the fastest of `repeats` runs; `python -m lms_sync` is what the `lms-sync` script runs."""
    cli = [sys.executable, "-m", "lms_sync"]
    return Startup(bare=_fastest([sys.executable, "-c", "pass"], repeats), help=_fastest([*cli, "--help"], repeats),
                   version=_fastest([*cli, "--version"], repeats))
