"""Compiling the engine ahead of the first run, in parallel processes (``sim.engine.compile``).

The workers compile each kernel from arguments built to have the types that
``step_weeks`` passes. If the two drifted apart, nothing would be wrong but the time: the
parent would compile the kernel again. These tests hold them together.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from sim.engine import compile as C
from sim.engine import kernels as K
from sim.engine import record

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"


def _dispatchers_called_by(fn) -> set[str]:
    names = set(fn.py_func.__code__.co_names)
    return {n for n in names
            if hasattr(getattr(K, n, None), "py_func") or hasattr(getattr(record, n, None), "py_func")}


def test_every_kernel_the_week_calls_is_compiled_ahead():
    """A kernel added to ``step_weeks`` but not to the tasks would compile alone, after the
    parallel part; the inlined helpers and the tiny key function are exempt. The set-up
    kernel ``draw_attributes`` is compiled ahead too, though the engine calls it before."""
    inlined_or_tiny = {"week_keys", "_start_lap", "_lap"}
    called = _dispatchers_called_by(K.step_weeks) - inlined_or_tiny
    assert called | {"draw_attributes"} == set(C.KERNELS)
    assert len(C.KERNELS) == len(set(C.KERNELS)), "a kernel is in two tasks"


def test_kernel_arguments_cover_every_kernel(tiny_scenario):
    from sim.engine.numba_engine import NumbaEngine

    engine = NumbaEngine(tiny_scenario, tiny_scenario.seed, draw=False)
    arguments = C.kernel_arguments(engine)
    assert set(arguments) == set(C.KERNELS)
    for name in C.KERNELS:
        n_params = C.kernel(name).py_func.__code__.co_argcount
        assert len(arguments[name]) == n_params, name


SCRIPT = textwrap.dedent("""
    import json, sys
    from numba.core import event
    from sim.scenario.loader import apply_overrides, load_scenario
    from sim.engine.compile import KERNELS, compile_in_parallel
    from sim.model import NavModel

    scenario, _ = load_scenario(sys.argv[1])
    small = apply_overrides(scenario, {"scale": 0.001, "replications": 1}, "test")
    compile_in_parallel(small, workers=2)
    compiled = []

    class Listen(event.Listener):
        def on_start(self, ev):
            compiled.append(ev.data["dispatcher"].py_func.__name__)

        def on_end(self, ev):
            pass

    event.register("numba:compile", Listen())
    NavModel(small, small.seed, engine="numba").run()
    print(json.dumps({"compiled_after": compiled, "kernels": list(KERNELS)}))
""")


def test_parent_finds_every_kernel_compiled_by_the_workers(tmp_path):
    """From an empty cache: after the workers, running the week compiles ``step_weeks`` and
    small helpers only; none of the kernels again (their argument types matched)."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(BASELINE)], env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    again = set(out["compiled_after"]) & set(out["kernels"])
    assert not again, f"compiled twice: {sorted(again)}"
    assert "step_weeks" in out["compiled_after"]


def test_a_daemonic_process_compiles_nothing_ahead(tiny_scenario, monkeypatch):
    """Dask's workers are daemonic and may not start processes: the kernels are then left
    to the first run instead of failing."""
    import multiprocessing

    assert C.compile_in_parallel(tiny_scenario, workers=1) is False  # one core: nothing to share
    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True, raising=False)
    assert C.compile_in_parallel(tiny_scenario) is False
