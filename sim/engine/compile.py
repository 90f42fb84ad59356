"""Compile the numba engine's kernels in parallel processes, before its first run.

numba compiles a kernel the first time it is called, one kernel after another under a
process-wide lock: on an empty cache the first run spent most of a minute compiling the
kernels that ``kernels.step_weeks`` calls, on one core. Each kernel is its own unit of
compilation, cached on disk on its own, so processes can compile them side by side: each
worker compiles some kernels (:func:`compile_kernels`), from arguments of the very types
``step_weeks`` gives them (:func:`kernel_arguments`), into the shared on-disk cache. The
parent then compiles ``step_weeks`` itself, which finds every kernel it calls in the cache.

If an argument's type here ever differed from the call in ``step_weeks``, numba would
compile that kernel again in the parent: slower, never different results.
``tests/test_compile.py`` holds the two to the same types.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

import numpy as np
from numba import typeof

from sim.engine import kernels as K
from sim.engine import record
from sim.rng import N_STREAMS, U_RETURN

#: The kernels ``step_weeks`` calls, as the tasks of the workers: the costliest to compile
#: first (about 9, 7, 3 and 2 seconds for the first four on one core), so that workers
#: taking them in this order end at about the same time. ``phase_inflow`` and
#: ``phase_returns`` go together: both call ``arrivals``, which the second then finds compiled.
TASKS: tuple[tuple[str, ...], ...] = (
    ("phase_assign",), ("phase_transitions",), ("phase_contacts",),
    ("phase_inflow", "phase_returns"), ("draw_attributes",), ("record_week",), ("phase_cap",),
    ("phase_churn",), ("phase_tiltak_places",), ("phase_staffing",), ("phase_ageing",),
    ("phase_ips_places",), ("scan_present",), ("_without_advisor",),
)
#: Every kernel compiled ahead of the first run.
KERNELS: tuple[str, ...] = tuple(name for task in TASKS for name in task)


def kernel_arguments(engine: Any) -> dict[str, tuple]:
    """Arguments of every kernel in :data:`KERNELS`, of the types ``step_weeks`` passes.

    ``engine`` is a :class:`sim.engine.numba_engine.NumbaEngine`; only the types of the
    values matter, so the lists are empty slices of its workspace.
    """
    Y, A, E, n_ev = engine.youths, engine.advisors, engine.events, engine.n_ev
    P, T, S = engine.params, engine.timeline, engine.workspace
    keys = np.zeros(N_STREAMS, dtype=np.uint64)
    w = 0
    first = engine.schedule.week_first_id[0]
    ids = S.aged[:0]  # the lists scan_present hands out: slices of the workspace
    waiting, since = S.waiting[:0], S.since[:0]
    n = np.int64(0)
    return {
        "draw_attributes": (Y, P),
        "phase_inflow": (Y, E, n_ev, P, T, keys, w, first, first),
        "scan_present": (Y.status, Y.need, Y.birth_week, T.return_hazard[w], keys[U_RETURN], w,
                         engine.present, n, S),
        "phase_ageing": (Y, A, E, n_ev, w, ids),
        "phase_returns": (Y, E, n_ev, P, T, keys, w, ids),
        "phase_staffing": (Y, A, E, n_ev, T, w, ids, n, n, n),
        "phase_churn": (Y, A, E, n_ev, P, T, keys, w, ids, S),
        "phase_cap": (Y, A, E, n_ev, P, T, w, ids),
        "_without_advisor": (Y, ids, S),
        "phase_assign": (Y, A, E, n_ev, P, T, w, waiting, since),
        "phase_contacts": (Y, A, E, n_ev, P, T, keys, w, ids, S),
        "phase_transitions": (Y, A, E, n_ev, P, T, keys, w, ids, S),
        "phase_tiltak_places": (Y, E, n_ev, P, T, keys, w, S.tiltak_in_type, waiting, since),
        "phase_ips_places": (Y, E, n_ev, T, w, n, S.ips_waiting[:0], S.ips_since[:0]),
        "record_week": (engine.weekly[0], engine.present[:0], ids, Y.status, Y.group, Y.tiltak,
                        Y.tiltak_type, Y.treatment, Y.labour, Y.job_search, Y.benefit, Y.ips, Y.advisor,
                        A.role, A.active, A.hired, A.n_youths, A.older, E.kind[:0], E.value[:0],
                        E.aux[:0], 0.0),
    }


def kernel(name: str) -> Any:
    """The numba dispatcher of kernel ``name``."""
    return getattr(record if name == "record_week" else K, name)


def signature(args: tuple) -> tuple:
    """The numba types of ``args``, as a call from compiled code would give them."""
    return tuple(typeof(a) for a in args)


_ENGINE: Any = None


def _start_worker(scenario: Any) -> None:
    """Worker set-up: a small engine whose tables give the kernels' argument types."""
    global _ENGINE
    from sim.workers import die_with_parent

    die_with_parent()
    from sim.engine.numba_engine import NumbaEngine

    _ENGINE = NumbaEngine(scenario, scenario.seed, draw=False)


def compile_kernels(names: tuple[str, ...]) -> None:
    """Compile kernels ``names`` (in a worker) into numba's on-disk cache."""
    arguments = kernel_arguments(_ENGINE)
    for name in names:
        kernel(name).compile(signature(arguments[name]))


def compile_in_parallel(scenario: Any, workers: int | None = None,
                        on_done: Callable[[tuple[str, ...]], None] | None = None,
                        on_started: Callable[[], None] | None = None) -> bool:
    """Compile the kernels of :data:`TASKS` for ``scenario`` in ``workers`` processes.

    ``scenario`` should be small (set-up only happens here); its structure, not its size,
    decides the compiled types. ``workers`` defaults to the cores there are, at most two
    (beyond two the costliest kernel alone sets the time). ``on_done`` is called with each
    task as it finishes, for a progress display, and ``on_started`` once the workers are
    running: a thread started before would be forked along with them.

    Returns False, compiling nothing, where there is one core or where this process may not
    have children (a daemonic worker, as Dask's are): the first run then compiles the
    kernels itself, one after another.
    """
    workers = workers or max(1, min(2, os.cpu_count() or 1))
    if workers < 2 or multiprocessing.current_process().daemon:
        return False
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(scenario,)) as pool:
        futures = {pool.submit(compile_kernels, task): task for task in TASKS}
        if on_started is not None:
            on_started()
        for future in as_completed(futures):
            future.result()
            if on_done is not None:
                on_done(futures[future])
    return True
