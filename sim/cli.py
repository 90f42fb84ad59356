"""``navsim``: the command line. Each subcommand parses its options here and hands over to
the module that does the work, so ``--help`` is the one reference for every option.

Bad input (scenario or targets files, options) ends with one line on stderr and exit
status 2, never a traceback, and nothing written.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from sim.preflight import OutputError
from sim.scenario.loader import InputError

EXIT_INPUT = 2
#: Writing the results failed (disk full, folder gone read-only): not bad input, a failure.
EXIT_OUTPUT = 1

DESCRIPTION = """\
navsim simulates young people's (16-29) pathways through Nav: assessment into an
innsatsgruppe, follow-up by advisors (veiledere) with portfolios, tiltak, medical
treatment, benefits (AAP, uføretrygd), and exits to work or education. Scenarios are YAML
files; a scenario is named by its file, or by its name in the library installed with
navsim (baseline, cap50_hard, ...; `navsim init DIR` copies the library to edit).
Every command works from any folder and prints what it wrote; --verbose logs what it does.

examples:
  navsim run baseline --scale 0.01
  navsim compare baseline cap50_hard cap50_hire
  navsim validate --json validation.json
  navsim calibrate --trials 160 --workers 2 --out results/calibration
  navsim sweep cap_levels --workers 2
  navsim show cap50_hire --diff baseline
  navsim init my-scenarios
  navsim bench --json bench.json
  navsim dashboard --port 8765
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


def _out_path(text: str) -> Path:
    """An argparse type: a path to write to; an empty one would mean the working directory."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path; name a directory or file to write")
    return Path(text)


def _sizes(text: str) -> str:
    """An argparse type: comma-separated whole numbers of at least 1 (or empty), kept as text."""
    for part in (p.strip() for p in text.split(",")):
        if part and not (part.isdigit() and int(part) >= 1):
            raise argparse.ArgumentTypeError(f"{part!r} is not a population size (a whole number >= 1)")
    return text


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


SCENARIO_HELP = "scenario: a YAML file, or the name of a library scenario (baseline, cap50_hard, ...)"


def _verbosity(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("-v", "--verbose", action="count", default=default,
                        help="log what the command does on stderr (-vv: in more detail)")


class _CommandParser(_Parser):
    """A command's parser: every command takes -v as well (``navsim run X -v``)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # SUPPRESS: no default, so `navsim -v run X` keeps the -v given before the command.
        _verbosity(self, argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="navsim", description=DESCRIPTION,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=_version())
    _verbosity(parser, 0)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_CommandParser)

    run = sub.add_parser(
        "run", help="run a scenario and write results and plots",
        description="Run SCENARIO and write manifest.json, weekly.parquet, events.parquet, "
        "youths.parquet, advisors.parquet, summary.json and plots/ into --out. The files "
        "are described in docs/OUTPUTS.md. The same seed gives identical output.")
    run.add_argument("scenario", type=Path, help=SCENARIO_HELP)
    run.add_argument("--out", type=_out_path, default=None,
                     help="output directory (default: results/<name>-<timestamp> in the working "
                     "folder, announced before the run); must not exist or be empty")
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
        "targets format (docs/TARGETS.md): same population, window and "
        "counting. Prints a pass/fail table; writes a table and plots with --out.")
    val.add_argument("--targets", type=Path, nargs="+", action="extend", default=None,
                     help="targets files, several after one --targets or --targets repeated "
                          "(default: calibration/targets.yaml, "
                          "calibration/targets_dynamics.yaml and calibration/targets_experiments.yaml "
                          "if it exists, from the working folder's library, else the installed one)")
    val.add_argument("--scenario", type=Path, default=None,
                     help="scenario file or library name (default: baseline, the calibrated baseline)")
    val.add_argument("--draws", type=_non_negative_int, default=0, metavar="K",
                     help="posterior parameter draws from calibration/posterior.parquet (default 0: "
                     "the central point); the intervals then hold chance and parameters")
    val.add_argument("--reps", type=_positive_int, default=None, metavar="R",
                     help="replications per draw (default: the scenario's, at least 3)")
    val.add_argument("--seed", type=_non_negative_int, help="override the scenario's seed")
    val.add_argument("--scale", type=_positive_float, help="override the scenario's scale")
    val.add_argument("--out", type=_out_path, default=None, help="write table and plots here")
    val.add_argument("--json", type=_out_path, default=None, help="write the results as JSON here")
    val.add_argument("--quiet", action="store_true", help="no progress bar")

    cal = sub.add_parser(
        "calibrate", help="fit free parameters to the targets (Optuna point fit or ABC posterior)",
        description="Fit the free parameters declared in calibration/config.yaml to the "
        "targets: a point fit with Optuna (--trials), or with --posterior a weighted ensemble "
        "of parameter sets by ABC-SMC (pyabc). Everything is written into --out, and a killed "
        "calibration resumes where it stopped when run again with the same --out. The shipped "
        "fit (calibration/calibrated.yaml and calibration/posterior.parquet) is replaced only "
        "with --write, and not by a worse fit unless --force.")
    cal.add_argument("--targets", type=Path, nargs="+", action="extend", default=None,
                     help="targets files, several after one --targets or --targets repeated "
                          "(default: calibration/targets.yaml, "
                          "calibration/targets_dynamics.yaml and calibration/targets_experiments.yaml "
                          "if it exists)")
    cal.add_argument("--config", type=Path, default=None,
                     help="free parameters, bounds and priors (default: calibration/config.yaml)")
    cal.add_argument("--scenario", type=Path, default=None,
                     help="scenario to fit (default: scenarios/priors.yaml)")
    cal.add_argument("--start", type=Path, default=None, metavar="LAYER",
                     help="start the point fit's search at the free parameters' values in this "
                     "scenario file (e.g. calibration/calibrated.yaml, to continue from the shipped "
                     "fit); the priors stay centred on --scenario's values (default: start there)")
    cal.add_argument("--trials", type=_positive_int, default=50, help="trials to run (default 50)")
    cal.add_argument("--workers", type=_positive_int, default=1, help="parallel worker processes")
    cal.add_argument("--reps", type=_positive_int, default=None,
                     help="replications per trial (default from the config)")
    cal.add_argument("--scale", type=_positive_float, default=None,
                     help="scale during calibration (default from the config)")
    cal.add_argument("--out", type=Path, default=None,
                     help="study directory; the fitted layer, report and posterior go here "
                     "(default: results/calibration)")
    cal.add_argument("--write", nargs="?", const=True, default=None, metavar="FILE",
                     help="also replace the shipped fit (default FILE: calibration/calibrated.yaml; "
                     "with --posterior, posterior.parquet next to it), if the new fit is not worse")
    cal.add_argument("--force", action="store_true",
                     help="with --write: replace the shipped fit even when the new one is worse")
    cal.add_argument("--posterior", action="store_true",
                     help="ABC-SMC posterior instead of the Optuna point fit")
    cal.add_argument("--population", type=_positive_int, default=None,
                     help="with --posterior: parameter sets per generation (default from the config)")
    cal.add_argument("--generations", type=_positive_int, default=None,
                     help="with --posterior: ABC-SMC generations in all (default from the config)")
    cal.add_argument("--dask", default=None, metavar="ADDRESS",
                     help="with --posterior: run simulations on a dask.distributed scheduler, or "
                     "'local' for a local cluster of --workers processes (as in sweep --dask)")
    cal.add_argument("--quiet", action="store_true", help="no progress bar")

    cmp_ = sub.add_parser(
        "compare", help="compare policy scenarios with a baseline (paired replications)",
        description="Run BASE and each SCEN with the same seeds (common random numbers), so "
        "differences are policy, not noise, at K posterior parameter draws with R replications "
        "each: intervals hold both chance and parameter uncertainty. Writes effects.csv, "
        "report.md and report.html. Finished replications are journaled: after Ctrl-C, the "
        "same command with the same --out resumes.")
    cmp_.add_argument("base", type=Path, help="baseline scenario (file or library name)")
    cmp_.add_argument("scenarios", type=Path, nargs="+",
                      help="scenarios to compare with BASE (files or library names)")
    cmp_.add_argument("--draws", type=_non_negative_int, default=None, metavar="K",
                      help="posterior parameter draws per scenario, chosen from "
                      "calibration/posterior.parquet by systematic resampling on its weights "
                      "(default: 20 when that file exists; 0 or no file: the central point alone)")
    cmp_.add_argument("--reps", type=_positive_int, default=None, metavar="R",
                      help="paired replications per draw (default: 2 with posterior draws, else 10)")
    cmp_.add_argument("--baseline-from", type=Path, default=None, metavar="DIR",
                      help="reuse the baseline runs of the finished comparison in DIR (refused "
                      "when it was run with another seed, scale, period, replications or draws)")
    cmp_.add_argument("--workers", type=_positive_int, default=None,
                      help="worker processes (default: one per core)")
    cmp_.add_argument("--seed", type=_non_negative_int, help="override the seed of all scenarios")
    cmp_.add_argument("--scale", type=_positive_float, help="override the scale of all scenarios")
    cmp_.add_argument("--out", type=_out_path, default=None,
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
    swp.add_argument("sweep", type=Path,
                     help="sweep YAML file, or the name of a library sweep (cap_levels, ...)")
    swp.add_argument("--draws", type=_non_negative_int, default=0, metavar="K",
                     help="posterior parameter draws per point from calibration/posterior.parquet "
                     "(default 0: the central point; the bands then hold chance and parameters)")
    swp.add_argument("--reps", type=_positive_int, default=None, metavar="R",
                     help="replications per point and draw (default: the sweep file's, else 2)")
    swp.add_argument("--seed", type=_non_negative_int, help="override the seed of every point")
    swp.add_argument("--scale", type=_positive_float, help="override the scale of every point")
    swp.add_argument("--workers", type=_positive_int, default=1,
                     help="local worker processes (default 1); with --dask local, the cluster's workers")
    swp.add_argument("--dask", metavar="ADDRESS", default=None,
                     help="run on a dask.distributed scheduler at ADDRESS (e.g. tcp://host:8786; "
                     "navsim must be installed on its workers), or 'local' for a cluster on "
                     "this machine")
    swp.add_argument("--out", type=_out_path, default=None,
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
    show.add_argument("scenario", type=Path, help=SCENARIO_HELP)
    show.add_argument("keys", nargs="*", metavar="KEY",
                      help="a key (policy.portfolio_cap.youth), a group of keys (policy) or the "
                      "end of a key (youth_time_weight)")
    show.add_argument("--diff", type=Path, default=None, metavar="FILE",
                      help="list the keys in which the scenario differs from the scenario FILE (or name) "
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
    bench.add_argument("--scaling", type=_sizes, default="10000,100000,1000000",
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
                       help="the scenario (file or library name) whose population is benched, at "
                       "the scale that puts --youths youths in it (default: baseline)")
    bench.add_argument("--json", type=_out_path, default=None, help="write the figures as JSON here")

    dash = sub.add_parser(
        "dashboard", help="a browser page to run and compare scenarios and read results",
        description="Serve the navsim dashboard: pick a scenario, change its levers, run it or "
        "compare it with the baseline, browse earlier results and download tables. "
        "See docs/DASHBOARD.md.")
    dash.add_argument("--port", type=_positive_int, default=8765, help="port (default 8765)")
    dash.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    dash.add_argument("--results", type=Path, default=Path("results"),
                      help="folder of result folders, where new results go too (default: results)")

    init = sub.add_parser(
        "init", help="copy the scenario library and calibration into a folder to edit",
        description="Copy the library installed with navsim (scenarios/, scenarios/sweeps/ and "
        "the calibration files in calibration/) into DIR with a README. Inside DIR, a library "
        "name (navsim run baseline) and the default targets then mean DIR's own, edited files.")
    init.add_argument("dir", type=Path, metavar="DIR", help="folder to create (must not exist or be empty)")

    plan = sub.add_parser(
        "plan", help="print the steps of one simulated week",
        description="Print the week's plan: the steps both engines run each week, in order, "
        "with the process module whose decisions each step applies (docs/ARCHITECTURE.md).")
    plan.add_argument("--json", type=Path, default=None, metavar="FILE",
                      help='also write the plan as JSON ({"steps": [{"name": ..., "module": ...}]})')

    return parser


#: The arguments that name a scenario or a sweep: (command, attribute, kind).
NAMED_FILES = (
    ("run", "scenario", "scenario"), ("show", "scenario", "scenario"), ("show", "diff", "scenario"),
    ("compare", "base", "scenario"), ("compare", "scenarios", "scenario"),
    ("validate", "scenario", "scenario"), ("calibrate", "scenario", "scenario"),
    ("bench", "scenario", "scenario"), ("sweep", "sweep", "sweep"),
)


def resolve_named_files(args: argparse.Namespace) -> None:
    """Turn library names among the arguments into files (a file the user names is kept)."""
    from sim.paths import scenario_file, sweep_file

    for command, attribute, kind in NAMED_FILES:
        value = getattr(args, attribute, None)
        if args.command != command or value is None:
            continue
        find = scenario_file if kind == "scenario" else sweep_file
        setattr(args, attribute, [find(v) for v in value] if isinstance(value, list) else find(value))


LOG_HANDLER = "navsim-cli"


def configure_logging(verbosity: int) -> None:
    """``-v``: navsim's steps on stderr; ``-vv``: in detail. Other libraries keep their level.

    Called once per command; a handler from an earlier call in the same process (tests, a
    notebook) is replaced, never doubled.
    """
    logger = logging.getLogger("sim")
    for old in [h for h in logger.handlers if h.get_name() == LOG_HANDLER]:
        logger.removeHandler(old)
    if verbosity <= 0:
        logger.setLevel(logging.NOTSET)
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(LOG_HANDLER)
    handler.setFormatter(logging.Formatter("navsim %(asctime)s %(name)s: %(message)s", "%H:%M:%S"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbosity == 1 else logging.DEBUG)


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
    configure_logging(getattr(args, "verbose", 0) or 0)
    log = logging.getLogger("sim.cli")
    started = time.perf_counter()
    try:
        log.debug("arguments: %s", vars(args))
        resolve_named_files(args)
        from tqdm.contrib.logging import logging_redirect_tqdm

        # Log lines are written above a progress bar rather than through it.
        with logging_redirect_tqdm([logging.getLogger("sim")]):
            return _dispatch(args, parser)
    except InputError as exc:
        print(f"navsim: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except OutputError as exc:
        print(f"navsim: error: {exc}", file=sys.stderr)
        return EXIT_OUTPUT
    except KeyboardInterrupt:
        print("navsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``navsim show ... | head``): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        log.info("%s took %.1f s", args.command, time.perf_counter() - started)


def _dispatch(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.command == "run":
        from sim.run import run_command

        return run_command(args)
    if args.command == "validate":
        from sim.validate import validate_command

        return validate_command(args)
    if args.command == "calibrate":
        from sim.calibrate import calibrate_command

        if args.posterior and args.start is not None:
            parser.error("--start sets where the point fit's search begins; --posterior samples "
                         "from the priors and takes no start")
        return calibrate_command(args)
    if args.command == "compare":
        from sim.compare import compare_command

        return compare_command(args)
    if args.command == "sweep":
        from sim.sweep.command import sweep_command

        return sweep_command(args)
    if args.command == "show":
        from sim.calibration.posterior import describe, shipped_summaries
        from sim.scenario.show import show_command

        labels = ({key: describe(summary) for key, summary in shipped_summaries().items()}
                  if args.keys else None)   # read only when a key's provenance is shown
        return show_command(args, labels)
    if args.command == "plan":
        import json

        from sim.plan import plan_json, plan_table
        from sim.results import atomic_write_bytes

        print(plan_table())
        if args.json is not None:
            atomic_write_bytes(Path(args.json), (json.dumps(plan_json(), indent=2) + "\n").encode())
        return 0
    if args.command == "bench":
        from sim.bench import bench_command

        return bench_command(args)
    if args.command == "dashboard":
        from sim.dashboard.server import dashboard_command

        return dashboard_command(args)
    if args.command == "init":
        from sim.init import init_command

        return init_command(args)
    parser.error(f"unknown command {args.command!r}")
    return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
