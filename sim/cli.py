"""``navsim``: the command line. Each subcommand parses its options here and hands over to
the module that does the work, so ``--help`` is the one reference for every option.

Bad input (scenario or targets files, options) ends with one line on stderr and exit
status 2, never a traceback, and nothing written.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sim.scenario.loader import InputError

EXIT_INPUT = 2

DESCRIPTION = """\
navsim simulates young people's (16-29) pathways through Nav: assessment into an
innsatsgruppe, follow-up by advisors (veiledere) with portfolios, tiltak, medical
treatment, benefits (AAP, uføretrygd), and exits to work or education. Scenarios are YAML
files (see scenarios/ and `navsim run --help`).

examples:
  navsim run scenarios/baseline.yaml
  navsim compare scenarios/baseline.yaml scenarios/cap50_hard.yaml scenarios/cap50_hire.yaml
  navsim validate --json validation.json
  navsim calibrate --trials 160 --workers 2
  navsim sweep scenarios/sweeps/cap_levels.yaml --workers 2
  navsim show scenarios/cap50_hire.yaml --diff scenarios/baseline.yaml
  navsim bench --json bench.json
  navsim plan"""


def _whole_number(minimum: int):
    """An argparse type: a whole number of at least ``minimum``, with a one-line error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} must be at least {minimum}")
        return value

    return parse


_positive_int = _whole_number(1)
_non_negative_int = _whole_number(0)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number above 0")
    return value


def _iso_date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


class _Parser(argparse.ArgumentParser):
    """argparse that exits with status 2 and one line (its default, made explicit)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_INPUT, f"navsim: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="navsim", description=DESCRIPTION,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    run = sub.add_parser(
        "run", help="run a scenario and write results and plots",
        description="Run SCENARIO and write manifest.json, weekly.parquet, events.parquet, "
        "youths.parquet, advisors.parquet, summary.json and plots/ into --out. The files "
        "are described in docs/OUTPUTS.md. The same seed gives identical output.")
    run.add_argument("scenario", type=Path, help="scenario YAML file, e.g. scenarios/baseline.yaml")
    run.add_argument("--out", type=Path, default=None,
                     help="output directory (default: results/<name>-<timestamp>); "
                     "must not exist or be empty")
    run.add_argument("--seed", type=_non_negative_int, help="override the scenario's seed")
    run.add_argument("--reps", type=_positive_int, help="override the number of replications")
    run.add_argument("--scale", type=_positive_float,
                     help="override the simulated share of the national population")
    run.add_argument("--engine", choices=["numba", "mesa"],
                     help="numba (fast, default in scenarios) or mesa (readable reference)")
    run.add_argument("--no-plots", action="store_true", help="skip the plots")
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary table")

    val = sub.add_parser(
        "validate", help="compare a scenario's statistics with observed targets",
        description="Run the scenario and compute every target exactly as defined in the "
        "targets format (shared/calibration/SCHEMA.md): same population, window and "
        "counting. Prints a pass/fail table; writes a table and plots with --out.")
    val.add_argument("--targets", type=Path, nargs="+", default=None,
                     help="targets files (default: calibration/targets.yaml)")
    val.add_argument("--scenario", type=Path, default=None,
                     help="scenario (default: scenarios/baseline.yaml, the calibrated baseline)")
    val.add_argument("--reps", type=_positive_int, default=None,
                     help="replications (default: the scenario's, at least 3)")
    val.add_argument("--seed", type=_non_negative_int, help="override the scenario's seed")
    val.add_argument("--scale", type=_positive_float, help="override the scenario's scale")
    val.add_argument("--out", type=Path, default=None, help="write table and plots here")
    val.add_argument("--json", type=Path, default=None, help="write the results as JSON here")
    val.add_argument("--quiet", action="store_true", help="no progress bar")

    cal = sub.add_parser(
        "calibrate", help="fit free parameters to the targets with Optuna",
        description="Fit the free parameters declared in calibration/config.yaml to the "
        "targets. The study is kept in a journal file in --out, so a killed calibration "
        "resumes where it stopped when run again with the same --out.")
    cal.add_argument("--targets", type=Path, default=None,
                     help="targets file (default: calibration/targets.yaml)")
    cal.add_argument("--config", type=Path, default=None,
                     help="free parameters, bounds and priors (default: calibration/config.yaml)")
    cal.add_argument("--scenario", type=Path, default=None,
                     help="scenario to fit (default: scenarios/priors.yaml)")
    cal.add_argument("--trials", type=_positive_int, default=50, help="trials to run (default 50)")
    cal.add_argument("--workers", type=_positive_int, default=1, help="parallel worker processes")
    cal.add_argument("--reps", type=_positive_int, default=None,
                     help="replications per trial (default from the config)")
    cal.add_argument("--scale", type=_positive_float, default=None,
                     help="scale during calibration (default from the config)")
    cal.add_argument("--out", type=Path, default=None,
                     help="study directory (default: results/calibration)")
    cal.add_argument("--write", type=Path, default=None,
                     help="where to write the best parameters (default: calibration/calibrated.yaml)")
    cal.add_argument("--quiet", action="store_true", help="no progress bar")

    cmp_ = sub.add_parser(
        "compare", help="compare policy scenarios with a baseline (paired replications)",
        description="Run BASE and each SCEN with the same seeds (common random numbers), so "
        "differences are policy, not noise. Writes effects.csv, report.md and report.html.")
    cmp_.add_argument("base", type=Path, help="baseline scenario")
    cmp_.add_argument("scenarios", type=Path, nargs="+", help="scenarios to compare with BASE")
    cmp_.add_argument("--reps", type=_positive_int, default=None,
                      help="paired replications (default: 10)")
    cmp_.add_argument("--seed", type=_non_negative_int, help="override the seed of all scenarios")
    cmp_.add_argument("--scale", type=_positive_float, help="override the scale of all scenarios")
    cmp_.add_argument("--out", type=Path, default=None,
                      help="output directory (default: results/compare-<timestamp>)")
    cmp_.add_argument("--from", dest="window_from", type=_iso_date, default=None, metavar="DATE",
                      help="measure outcomes from this date (default: the earliest start of a "
                      "lever the scenarios change, so earlier years do not dilute the effect)")
    cmp_.add_argument("--quiet", action="store_true", help="no progress bar")

    swp = sub.add_parser(
        "sweep", help="vary scenario keys over a grid or a Sobol'/Morris design",
        description="Run the points of a sweep file (a grid of values, or a Sobol' or Morris "
        "sample within bounds), every point with the same replication seeds (common random "
        "numbers), locally or on a dask.distributed cluster. Writes points.csv, runs.csv, "
        "summary.csv, sensitivity.csv (sobol, morris), sweep.json and plots/. The sweep "
        "file format is described in docs/SWEEPS.md; scenarios/sweeps/ has examples. "
        "Finished runs are journaled as they finish: after Ctrl-C or a failure, the same "
        "command with the same --out resumes.",
        epilog="examples:\n"
        "  navsim sweep scenarios/sweeps/cap_levels.yaml --dry-run\n"
        "  navsim sweep scenarios/sweeps/cap_levels.yaml --workers 2\n"
        "  navsim sweep scenarios/sweeps/contact_sobol.yaml --dask tcp://scheduler:8786",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    swp.add_argument("sweep", type=Path, help="sweep YAML file, e.g. scenarios/sweeps/cap_levels.yaml")
    swp.add_argument("--reps", type=_positive_int, default=None,
                     help="replications per point (default: the sweep file's, else 2)")
    swp.add_argument("--seed", type=_non_negative_int, help="override the seed of every point")
    swp.add_argument("--scale", type=_positive_float, help="override the scale of every point")
    swp.add_argument("--workers", type=_positive_int, default=1,
                     help="local worker processes (default 1); with --dask local, the cluster's workers")
    swp.add_argument("--dask", metavar="ADDRESS", default=None,
                     help="run on a dask.distributed scheduler at ADDRESS (e.g. tcp://host:8786; "
                     "navsim must be installed on its workers), or 'local' for a cluster on "
                     "this machine")
    swp.add_argument("--out", type=Path, default=None,
                     help="output directory (default: results/sweep-<name>-<timestamp>)")
    swp.add_argument("--dry-run", action="store_true",
                     help="check the file and print the points and the number of runs, run nothing")
    swp.add_argument("--no-plots", action="store_true", help="skip the plots")
    swp.add_argument("--quiet", action="store_true", help="no progress bar")

    show = sub.add_parser(
        "show", help="show what a scenario sets and where each value comes from",
        description="Show a scenario without running it. Without KEY: its layers (the files "
        "it extends), how many keys each decides, and what its own file changes. With KEY: "
        "the value of every key under KEY and every file that sets it, with the line and the "
        "note (source or assumption) written there. With --diff: the keys in which it differs "
        "from another scenario.",
        epilog="examples:\n"
        "  navsim show scenarios/cap50_hire.yaml\n"
        "  navsim show scenarios/baseline.yaml youth_time_weight\n"
        "  navsim show scenarios/baseline.yaml policy.portfolio_cap\n"
        "  navsim show scenarios/cap50_hire.yaml --diff scenarios/baseline.yaml",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    show.add_argument("scenario", type=Path, help="scenario YAML file, e.g. scenarios/baseline.yaml")
    show.add_argument("keys", nargs="*", metavar="KEY",
                      help="a key (policy.portfolio_cap.youth), a group of keys (policy) or the "
                      "end of a key (youth_time_weight)")
    show.add_argument("--diff", type=Path, default=None, metavar="FILE",
                      help="list the keys in which the scenario differs from the scenario FILE "
                      "(only those under KEY, if given: KEY goes before --diff)")
    show.add_argument("--all", action="store_true",
                      help="list every key with its value and the file and line that set it")

    bench = sub.add_parser(
        "bench", help="measure the speed of both engines",
        description="Run the mesa and numba engines in one process on the same population "
        "and report youth-weeks per second, their ratio, the distance from a bare numba "
        "loop, compile time, peak memory, where the numba engine's time goes (each step of "
        "the week timed) and a scaling table. docs/PERFORMANCE.md explains the figures.")
    bench.add_argument("--youths", type=_positive_int, default=20000,
                       help="youths present in the model, mean over the run: in follow-up or "
                       "between spells, under 30 (default 20000)")
    bench.add_argument("--years", type=_positive_int, default=2, help="simulated years (default 2)")
    bench.add_argument("--scaling", type=str, default="10000,100000,1000000",
                       help="comma-separated population sizes for the scaling table "
                       "(numba engine, event log off; measured side by side: the largest runs "
                       "once and each smaller size runs between its chunks of weeks, the median "
                       "of those runs counting; a lone size runs --repeats times or for 10 s; "
                       "empty to skip)")
    bench.add_argument("--repeats", type=_positive_int, default=5,
                       help="runs of the numba engine, half before the mesa run and half after, "
                       "each followed by a run of the bare loop; the rates are the median runs; "
                       "as many more runs time each step of the week (default 5)")
    bench.add_argument("--scenario", type=Path, default=None,
                       help="the scenario whose population is benched, at the scale that puts "
                       "--youths youths in it (default scenarios/baseline.yaml, from the "
                       "working directory: run from the project root)")
    bench.add_argument("--json", type=Path, default=None, help="write the figures as JSON here")

    plan = sub.add_parser(
        "plan", help="print the steps of one simulated week",
        description="Print the week's plan: the steps both engines run each week, in order, "
        "with the process module whose decisions each step applies (docs/ARCHITECTURE.md).")
    plan.add_argument("--json", type=Path, default=None, metavar="FILE",
                      help='also write the plan as JSON ({"steps": [{"name": ..., "module": ...}]})')

    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"navsim {version('navsim')}"
    except PackageNotFoundError:
        return "navsim (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_INPUT
    try:
        if args.command == "run":
            from sim.run import run_command

            return run_command(args)
        if args.command == "validate":
            from sim.validate import validate_command

            return validate_command(args)
        if args.command == "calibrate":
            from sim.calibrate import calibrate_command

            return calibrate_command(args)
        if args.command == "compare":
            from sim.compare import compare_command

            return compare_command(args)
        if args.command == "sweep":
            from sim.sweep.command import sweep_command

            return sweep_command(args)
        if args.command == "show":
            from sim.scenario.show import show_command

            return show_command(args)
        if args.command == "plan":
            from sim.plan import print_plan

            print_plan(args.json)
            return 0
        if args.command == "bench":
            from sim.bench import bench_command

            return bench_command(args)
    except InputError as exc:
        print(f"navsim: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("navsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``navsim show ... | head``): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    parser.error(f"unknown command {args.command!r}")
    return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
