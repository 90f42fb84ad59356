"""The numba engine's compile overhead on a first run: a run with an empty cache against the
same run with the cache warm.

    python benchmarks/compile_overhead.py [--scale 0.01] [--runs 3]

Each cold run gets a fresh, empty ``NUMBA_CACHE_DIR``; each is followed by the same run warm
(same cache). The overhead is cold minus warm, reported per pair and as the median. Run it
on an otherwise idle machine: compilation uses both cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed_run(scale: float, cache: Path, out: Path) -> float:
    """Seconds of ``navsim run baseline --scale SCALE`` with numba's cache in ``cache``."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sim", "run", "baseline", "--scale", str(scale),
                    "--out", str(out)], env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.01, help="population scale (default 0.01)")
    parser.add_argument("--runs", type=int, default=3, help="cold/warm pairs (default 3)")
    args = parser.parse_args()
    overheads = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.runs):
            cache = Path(tmp) / f"numba-{k}"
            cold = timed_run(args.scale, cache, Path(tmp) / f"cold-{k}")
            warm = timed_run(args.scale, cache, Path(tmp) / f"warm-{k}")
            overheads.append(cold - warm)
            print(f"run {k + 1}: cold {cold:.1f} s, warm {warm:.1f} s, overhead {cold - warm:.1f} s",
                  flush=True)
    print(f"compile overhead, median of {args.runs}: {statistics.median(overheads):.1f} s")


if __name__ == "__main__":
    main()
