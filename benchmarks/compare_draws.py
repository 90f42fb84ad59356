"""Time a comparison over posterior draws: ``python benchmarks/compare_draws.py``.

The question a policy analyst asks of ``navsim compare`` with parameter uncertainty is
whether it fits in a coffee break: the baseline against three scenarios, 20 posterior draws
x 2 replications each (160 runs) at the default scale, within 10 minutes on 2 cores. This
script runs exactly that through the command line, in a child process, and reports the
wall time, the replications per second and the peak memory of the largest process (from
``/usr/bin/time -v`` where it exists, else the children's ``ru_maxrss``). Results go to a
temporary folder removed afterwards unless ``--keep`` names one.

``--draws``, ``--reps``, ``--scale`` and ``--workers`` make smaller runs for a busy machine;
the figure to report is the one at the defaults. The engine is compiled first (not timed),
as a second comparison would find it compiled.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("cap50_hire.yaml", "cap50_hard.yaml", "more_meetings.yaml")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--draws", type=int, default=20, help="posterior draws (default 20)")
    parser.add_argument("--reps", type=int, default=2, help="replications per draw (default 2)")
    parser.add_argument("--scale", type=float, default=None, help="scale (default: the scenarios')")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--keep", type=Path, default=None, help="write the comparison here and keep it")
    parser.add_argument("--json", type=Path, default=None, help="write the figures as JSON here")
    args = parser.parse_args(argv)

    from sim.posterior_draws import posterior_file
    from sim.run import warm_up

    draws = args.draws if posterior_file().exists() else 0
    if draws == 0:
        print("compare_draws: no calibration/posterior.parquet: timing the central point alone "
              f"({args.reps} replications per scenario)", file=sys.stderr)
    from sim.scenario.loader import load_scenario

    warm_up(load_scenario(ROOT / "scenarios" / "baseline.yaml")[0])
    work = Path(tempfile.mkdtemp(prefix="compare-draws-"))
    out = args.keep or work / "out"
    command = [sys.executable, "-m", "sim", "compare", str(ROOT / "scenarios" / "baseline.yaml"),
               *[str(ROOT / "scenarios" / s) for s in SCENARIOS], "--draws", str(args.draws),
               "--reps", str(args.reps), "--workers", str(args.workers), "--out", str(out), "--quiet"]
    if args.scale is not None:
        command += ["--scale", str(args.scale)]
    timer = ["/usr/bin/time", "-v"] if Path("/usr/bin/time").exists() else []
    started = time.perf_counter()
    done = subprocess.run(timer + command, capture_output=True, text=True, check=False, cwd=ROOT)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return done.returncode
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    peak_kb = int(match.group(1)) if match else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    runs = (1 + len(SCENARIOS)) * max(draws, 1) * args.reps
    figures = {"scenarios": 1 + len(SCENARIOS), "draws": draws, "reps": args.reps, "runs": runs,
               "scale": args.scale, "workers": args.workers, "seconds": round(seconds, 1),
               "runs_per_second": round(runs / seconds, 3), "peak_rss_mb": round(peak_kb / 1024, 1)}
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
