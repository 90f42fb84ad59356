"""The Optuna study on a journal file: resumable, shareable by worker processes, exact in count.

The study lives in ``<out>/journal.log`` (Optuna's append-only journal), so a killed
calibration resumes where it stopped. ``--trials N`` means "until the study has N finished
trials": each worker claims a trial under a file lock only while fewer than N are finished
or running, so parallel workers never overshoot. A trial interrupted by Ctrl-C or a killed
process stays "running" in the journal; the next run evaluates it again under its own
number with its own parameters, and every new trial's parameters come from the seed, its
number and the trials before it alone (:mod:`sim.calibration.proposal`). So a calibration
stopped at any point, by Ctrl-C, ``kill -9`` or a full disk, resumes to exactly the trials
and fit of an uninterrupted one, and two workers give the same trials whatever their timing.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import multiprocessing as mp
import os
import signal
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna
import pandas as pd
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend
from optuna.trial import FrozenTrial, TrialState

from sim.calibration import proposal
from sim.calibration.config import CalibrationConfig
from sim.calibration.objective import Objective, is_finite
from sim.calibration.space import start_values, suggest
from sim.scenario.loader import InputError, scenario_to_jsonable
from sim.scenario.schema import Scenario
from sim.workers import die_with_parent

JOURNAL = "journal.log"
_CLAIM_LOCK = ".claim.lock"
_RUN_LOCK = ".calibrate.lock"
#: A worker stops after this many failed trials in a row: a systematic error, not bad luck.
MAX_FAILURES_IN_A_ROW = 3
#: Seconds a worker gets to record its interrupted trial after Ctrl-C before it is terminated.
_STOP_GRACE = 30.0


class CalibrationError(Exception):
    """A calibration that cannot go on (repeated failing trials, a failed worker)."""


@contextlib.contextmanager
def _flock(path: Path, blocking: bool = True) -> Iterator[bool]:
    """An exclusive advisory lock on ``path``; yields False if non-blocking and taken."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def exclusive_directory(out: Path) -> Iterator[None]:
    """Only one ``navsim calibrate`` per study directory: stale-trial handling relies on it."""
    out.mkdir(parents=True, exist_ok=True)
    with _flock(out / _RUN_LOCK, blocking=False) as got:
        if not got:
            raise InputError(out, None, "another calibration is running in this directory")
        yield


def repair_journal(path: Path) -> int:
    """Drop a torn last line of the journal (a write cut by a full disk or a kill); returns
    the bytes dropped. Optuna cannot read a journal whose last line is not whole JSON, so
    without this every later resume failed. The caller holds the study directory."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return 0
    keep = len(data)
    if data and not data.endswith(b"\n"):
        keep = data.rfind(b"\n") + 1
    else:
        last = data[:-1].rfind(b"\n") + 1 if data else 0
        try:
            json.loads(data[last:keep] or b"{}")
        except ValueError:
            keep = last
    if keep == len(data):
        return 0
    with open(path, "r+b") as fh:
        fh.truncate(keep)
        fh.flush()
        os.fsync(fh.fileno())
    return len(data) - keep


def _storage(out: Path) -> JournalStorage:
    return JournalStorage(JournalFileBackend(str(out / JOURNAL)))


def open_study(out: Path, name: str) -> optuna.Study:
    """The study in ``out/journal.log``, created if new."""
    return optuna.create_study(storage=_storage(out), study_name=name, direction="minimize",
                               load_if_exists=True)


def _targets_digest(files: Path | list[Path]) -> str:
    """One file's digest as before; several files: the digest of their digests, in order."""
    if not isinstance(files, list):
        return hashlib.sha256(Path(files).read_bytes()).hexdigest()
    digests = [hashlib.sha256(Path(f).read_bytes()).hexdigest() for f in files]
    return digests[0] if len(digests) == 1 else hashlib.sha256("".join(digests).encode()).hexdigest()


def fingerprint(config: CalibrationConfig, base: Scenario, targets_file: Path | list[Path]) -> str:
    """What trial values depend on: the free parameters and priors, the trial settings (in
    ``base``), the scenario and the targets. A study may only be resumed with the same."""
    free = [{"path": p.path, "low": p.low, "high": p.high, "log": p.log, "integer": p.integer,
             "prior": [p.prior.dist, p.prior.center, p.prior.spread], "start": p.start}
            for p in config.free]
    payload = {"free": free, "prior_weight": config.settings.prior_weight,
               "scenario": scenario_to_jsonable(base),
               "targets": _targets_digest(targets_file)}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _is_interrupted(t: FrozenTrial) -> bool:
    return t.state == TrialState.FAIL and bool(t.user_attrs.get("interrupted"))


def finished(study: optuna.Study) -> list[FrozenTrial]:
    """Trials that count towards ``--trials``: complete, or failed on their own."""
    return [t for t in study.get_trials(deepcopy=False)
            if t.state == TrialState.COMPLETE or (t.state == TrialState.FAIL and not _is_interrupted(t))]


def prepare(out: Path, study: optuna.Study, config: CalibrationConfig, stamp: str, workers: int
            ) -> tuple[tuple[int, ...], int]:
    """Check the study matches this calibration; return the trials left unfinished by a
    stopped run (to be run again under their own numbers) and the study's lag (the caller
    holds the directory). The lag is fixed when the study is created, so a resume with
    another ``--workers`` proposes the same trials."""
    attrs = study.user_attrs
    if "fingerprint" in attrs and attrs["fingerprint"] != stamp:
        raise InputError(out / JOURNAL, None,
                         "the study in this directory was run with a different config, targets or "
                         "scenario; use another --out (or remove the directory to start afresh)")
    if "fingerprint" not in attrs:
        study.set_user_attr("fingerprint", stamp)
        study.set_user_attr("free", config.paths)
    if "lag" not in attrs:
        study.set_user_attr("lag", max(0, workers - 1))
    left = study.get_trials(deepcopy=False, states=(TrialState.RUNNING, TrialState.WAITING))
    return tuple(t.number for t in left), int(study.user_attrs["lag"])


@dataclass
class WorkerSpec:
    """Everything a worker process needs (inherited on fork, pickled on spawn)."""

    out: Path
    study_name: str
    sampler_seed: int
    startup_trials: int
    n_trials: int
    objective: Objective
    sampler: str = "tpe"
    cmaes_sigma: float = 0.1
    lag: int = 0                      # trial n is proposed from the trials below n - lag
    redo: tuple[int, ...] = ()        # trials a stopped run left unfinished
    run: str = ""                     # this run's mark on the re-run trials it has taken


def _waiting_for(trials: list[FrozenTrial], upto: int) -> bool:
    return any(t.number < upto and not t.state.is_finished() for t in trials)


def _proposal(spec: WorkerSpec, trials: list[FrozenTrial], number: int, fixed: dict | None
              ) -> tuple[dict[str, Any], dict[str, Any]]:
    free = spec.objective.config.free
    if number == 0 and fixed is None:
        fixed = start_values(free)
    the_sampler = proposal.sampler(spec.sampler, spec.sampler_seed, number, spec.startup_trials,
                                   spec.cmaes_sigma, free)
    return proposal.propose([t for t in trials if t.number < number - spec.lag], the_sampler, free, fixed)


def _claim(study: optuna.Study, spec: WorkerSpec) -> optuna.Trial | None:
    """The next trial for this worker (the caller holds the claim lock), or None when the
    study has its trials: first a trial a stopped run left unfinished, under its own number
    and with its own parameters; then trial ``len(trials)``, once the trials it is proposed
    from have finished."""
    storage = study._storage
    study_id = study._study_id
    study.sampler = optuna.samplers.RandomSampler(seed=0)  # never used: every parameter is fixed
    while True:
        trials = study.get_trials(deepcopy=False)
        redo = [t for t in trials if t.number in spec.redo and not t.state.is_finished()
                and t.user_attrs.get("rerun") != spec.run]
        busy = sum(1 for t in trials if not t.state.is_finished()) - len(redo)
        if len(finished(study)) + busy >= spec.n_trials:
            return None
        if redo:
            left = redo[0]
            tid = storage.get_trial_id_from_study_id_trial_number(study_id, left.number)
            fixed = {**left.system_attrs.get(proposal.FIXED, {}), **left.params}
            params, attrs = _proposal(spec, trials, left.number, fixed)
            # parameters a kill cut off before they were recorded come from the same proposal
            with warnings.catch_warnings():   # experimental in name only since Optuna 2.4
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                study.sampler = optuna.samplers.PartialFixedSampler(params, study.sampler)
            if left.state == TrialState.WAITING:
                trial = study.ask()           # pops the oldest queued trial, this one
                tid = trial._trial_id
            else:
                trial = optuna.Trial(study, tid)
            storage.set_trial_user_attr(tid, "rerun", spec.run)
            for key, value in attrs.items():
                storage.set_trial_system_attr(tid, key, value)
            return trial
        number = len(trials)
        if _waiting_for(trials, number - spec.lag):
            time.sleep(0.2)
            continue
        params, attrs = _proposal(spec, trials, number, None)
        study.enqueue_trial(params, user_attrs={"prior_parameters": True} if number == 0 else None)
        trial = study.ask()
        if trial.number != number:
            raise CalibrationError(f"trial {trial.number} was created where {number} was expected")
        for key, value in attrs.items():
            storage.set_trial_system_attr(trial._trial_id, key, value)
        return trial


def _evaluate(study: optuna.Study, trial: optuna.Trial, values: dict[str, float], objective: Objective
              ) -> tuple[FrozenTrial | None, Exception | None]:
    """Score one trial and tell the study: (finished trial, None) or (None, the error)."""
    start = time.perf_counter()
    try:
        outcome = objective(values)
        if not is_finite(outcome.objective):
            raise ValueError(f"objective is {outcome.objective}")
    except InputError:
        trial.set_user_attr("interrupted", True)   # a problem of the inputs, not of this trial
        study.tell(trial, state=TrialState.FAIL)
        raise
    except Exception as exc:  # noqa: BLE001 - one odd parameter set must not end a long study
        trial.set_user_attr("error", f"{type(exc).__name__}: {exc}")
        study.tell(trial, state=TrialState.FAIL)
        return None, exc
    for key in ("loss", "penalty", "pass_share", "n_pass", "n_targets"):
        trial.set_user_attr(key, getattr(outcome, key))
    trial.set_user_attr("seconds", round(time.perf_counter() - start, 3))
    return study.tell(trial, outcome.objective), None


def work(spec: WorkerSpec, worker: int = 0, on_done: Callable[[FrozenTrial | None], None] | None = None
         ) -> int:
    """Claim and evaluate trials until the study has ``n_trials`` finished; returns how many
    this worker finished. Ctrl-C marks the running trial interrupted and re-raises."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = open_study(spec.out, spec.study_name)
    free = spec.objective.config.free
    done = 0
    failures = 0
    while True:
        try:
            with _flock(spec.out / _CLAIM_LOCK):
                trial = _claim(study, spec)
                if trial is None:
                    return done
                values = suggest(trial, free)
            frozen, error = _evaluate(study, trial, values, spec.objective)
            done += 1
            if on_done:
                on_done(frozen)
        except KeyboardInterrupt:
            raise   # the trial stays running: the next run evaluates it again under its number
        if error is None:
            failures = 0
            continue
        failures += 1
        if failures >= MAX_FAILURES_IN_A_ROW:
            raise CalibrationError(f"{failures} trials in a row failed; the last: "
                                   f"{type(error).__name__}: {error}") from error


def _child(spec: WorkerSpec, worker: int, errors: Any, parent: int) -> None:
    die_with_parent(parent)  # a killed calibration leaves no worker holding its lock
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        work(spec, worker)
    except KeyboardInterrupt:
        pass
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
        errors.put((worker, type(exc).__name__, str(exc), traceback.format_exc(limit=3)))


def _context() -> mp.context.BaseContext:
    methods = mp.get_all_start_methods()
    return mp.get_context("fork" if "fork" in methods else "spawn")


def run_workers(spec: WorkerSpec, workers: int, progress: Callable[[int], None] | None = None) -> None:
    """Run ``workers`` processes on the study until it has ``spec.n_trials`` finished trials.

    ``progress(n_finished)`` is called as trials finish. Ctrl-C is passed on to the workers,
    which record their running trial as interrupted before they stop.
    """
    if workers == 1:
        study = open_study(spec.out, spec.study_name)
        work(spec, 0, (lambda _t: progress(len(finished(study)))) if progress else None)
        return
    ctx = _context()
    errors = ctx.Queue()
    procs = [ctx.Process(target=_child, args=(spec, i, errors, os.getpid()), daemon=False)
             for i in range(workers)]
    for p in procs:
        p.start()
    monitor = open_study(spec.out, spec.study_name)
    try:
        while any(p.is_alive() for p in procs):
            time.sleep(0.3)
            if progress:
                progress(len(finished(monitor)))
            if any(p.exitcode not in (0, None) for p in procs):
                _stop(procs)   # the others may be waiting for the trial the dead one left running
                break
    except KeyboardInterrupt:
        _stop(procs)
        raise
    for p in procs:
        p.join()
    if progress:
        progress(len(finished(monitor)))
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    if problems:
        worker, kind, message, _ = problems[0]
        raise CalibrationError(f"worker {worker} stopped: {kind}: {message}")
    crashed = [p.exitcode for p in procs if p.exitcode not in (0, None)]
    if crashed:
        raise CalibrationError(f"a worker process ended with exit code {crashed[0]}")


def _stop(procs: list[Any]) -> None:
    for p in procs:
        if p.is_alive() and p.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(p.pid, signal.SIGINT)
    deadline = time.monotonic() + _STOP_GRACE
    for p in procs:
        p.join(max(0.0, deadline - time.monotonic()))
        if p.is_alive():
            p.terminate()
            p.join()


def history(study: optuna.Study) -> pd.DataFrame:
    """One row per trial, for the report and its convergence plot (no Optuna types)."""
    rows = []
    for t in study.get_trials(deepcopy=False):
        if t.state not in (TrialState.COMPLETE, TrialState.FAIL):
            continue
        rows.append({
            "number": t.number, "state": t.state.name.lower(),
            "interrupted": bool(t.user_attrs.get("interrupted", False)),
            "objective": t.value if t.state == TrialState.COMPLETE else float("nan"),
            "loss": t.user_attrs.get("loss", float("nan")),
            "penalty": t.user_attrs.get("penalty", float("nan")),
            "pass_share": t.user_attrs.get("pass_share", float("nan")),
            "seconds": t.user_attrs.get("seconds", float("nan")),
            "error": t.user_attrs.get("error", ""),
        })
    columns = ["number", "state", "interrupted", "objective", "loss", "penalty", "pass_share",
               "seconds", "error"]
    return pd.DataFrame(rows, columns=columns)


def best_trial(study: optuna.Study) -> FrozenTrial:
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if not complete:
        raise CalibrationError("no trial has completed; nothing to write")
    return min(complete, key=lambda t: (t.value, t.number))
