"""Run every benchmark script in this folder, one after another, with its default sizes.

Each ``bench_*.py`` prints its own figures and ratios against a baseline it measures in the
same run; this runner only sequences them (they would compete for the two cores otherwise).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    failed = []
    for script in sorted(here.glob("bench_*.py")):
        print(f"\n=== {script.name} ===", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(script), *sys.argv[1:]])
        print(f"--- {script.name}: exit {code} in {time.perf_counter() - started:.1f}s")
        if code:
            failed.append(script.name)
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
