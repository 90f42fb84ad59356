"""How much model fits under the floor target: ``python benchmarks/floor_ladder.py``.

``navsim bench`` reports ``floor_ratio``: the bare loop's rate (one keyed random draw and
one array write per youth-week) over the numba engine's. The target is at most 20, about
45 ns a youth-week on the reference machine. This script times, in the same minutes, the bare
loop, three stripped-down models of the same shape, each rung adding one part of the
mechanism, and the numba engine itself on the bench population (the baseline scenario at
the scale that puts ``--youths`` youths in the model, 2 years after one burn-in year):

1. **walk**: visit the list of youths present, read each one's state and draw once (a
   return for a youth between spells, a change of activity or an exit for one in
   follow-up), and write the new state.
2. **contact**: add the mechanism the model exists for. Each youth in follow-up reads
   their advisor's portfolio size, is contacted with probability budget / portfolio (one
   more draw), and a recent contact doubles the chance of leaving for work or study.
3. **record**: add an event for every contact and every change, and the week's counts of
   youths by state.

The rungs are synthetic: ``--youths`` present on average, ``--advisors``, and a weekly
contact budget per advisor (``--budget``) shape them, and their probabilities (returns and
changes of activity of 2 % a week, exits of 1 %, doubled for four weeks after a contact)
only keep about half the youths in follow-up, as in the bench population. None of
these numbers is part of the model. What the ladder shows is how many nanoseconds a
youth-week the model's structure costs before its detail (four contact channels, the
advisors' priorities, about ten decisions per youth in follow-up) is added, and so what a
target on ``floor_ratio`` asks of the model, not only of its code.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
from numba import njit

from sim.bench import base_scenario, bench_scenario, scale_for, timed_run, youth_weeks
from sim.rng import bare_loop_floor, keyed_uniform, stream_key

#: Rung streams (their own numbers: the ladder draws nothing the model draws).
_STEP, _CONTACT = 1, 2
#: Follow-up states are 1 .. _N_ACTIVITIES; 0 is between spells.
_N_ACTIVITIES = 6
_RECENT_WEEKS = 4

# The kernels are not cached on disk: they compile in seconds, outside the timing, and
# numba's cache of a script's functions is tied to the name the script was loaded under
# (``__main__`` when run, another when a test imports it), which it cannot always find again.


@njit(inline="always")
def _next_state(s: int, u: float, p_exit: float, p: float) -> int:
    """A youth's state after drawing ``u``: a return, an exit, a change of activity or none.

    Between spells (0) a youth returns with probability ``p``; in follow-up they leave with
    probability ``p_exit`` and change activity with probability ``p``.
    """
    if s == 0:
        return 1 if u < p else 0
    if u < p_exit:
        return 0
    if u < p_exit + p:
        return 1 if s == _N_ACTIVITIES else s + 1
    return s


@njit
def _walk(weeks: int, seed: int, present: np.ndarray, state: np.ndarray,
          p_move: float) -> int:
    """Rung 1: one draw per youth-week and a state write when something happens."""
    moves = 0
    for w in range(weeks):
        key = stream_key(seed, _STEP, w)
        for j in range(present.shape[0]):
            i = present[j]
            s = state[i]
            new = _next_state(s, keyed_uniform(key, i), p_move, p_move)
            if new != s:
                moves += 1
                state[i] = new
    return moves


@njit
def _contact(weeks: int, seed: int, present: np.ndarray, state: np.ndarray,
             advisor: np.ndarray, portfolio: np.ndarray, last_contact: np.ndarray,
             budget: float, p_move: float, record: bool, ev_week: np.ndarray,
             ev_youth: np.ndarray, ev_kind: np.ndarray, counts: np.ndarray) -> int:
    """Rung 2: rung 1 plus a contact drawn from the advisor's portfolio size.

    With ``record``, rung 3: an event per contact and change, and weekly counts by state.
    The flag is the same for every youth, so its branch costs rung 2 next to nothing.
    """
    n_events = 0
    moves = 0
    for w in range(weeks):
        key = stream_key(seed, _STEP, w)
        contact_key = stream_key(seed, _CONTACT, w)
        for j in range(present.shape[0]):
            i = present[j]
            s = state[i]
            if record:
                counts[w, s] += 1
            p_exit = 0.5 * p_move
            if s > 0:
                if keyed_uniform(contact_key, i) * portfolio[advisor[i]] < budget:
                    last_contact[i] = w
                    if record:
                        ev_week[n_events] = w
                        ev_youth[n_events] = i
                        ev_kind[n_events] = -1
                        n_events += 1
                if w - last_contact[i] < _RECENT_WEEKS:
                    p_exit = 2.0 * p_exit
            new = _next_state(s, keyed_uniform(key, i), p_exit, p_move)
            if new != s:
                moves += 1
                state[i] = new
                if record:
                    ev_week[n_events] = w
                    ev_youth[n_events] = i
                    ev_kind[n_events] = new
                    n_events += 1
    return moves


def _median_seconds(run: Callable[[], object], repeats: int) -> float:
    run()  # compile outside the timing
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def engine_ns_per_youth_week(youths: int, repeats: int) -> float:
    """The numba engine's median nanoseconds per youth-week on the bench population.

    Each run is timed as ``navsim bench`` times it (setting the model up included).
    """
    base = base_scenario()
    scenario = bench_scenario(2, scale_for(youths, 2, base), base)
    per_youth_week = []
    for run in range(repeats + 1):
        out, seconds, model = timed_run(scenario, "numba", scenario.seed)
        if run:  # the first run loads the compiled code
            per_youth_week.append(seconds / youth_weeks(out, model.engine.n_weeks)[0])
    return statistics.median(per_youth_week) * 1e9


def ladder(youths: int, weeks: int, advisors: int, budget: float, repeats: int,
           seed: int = 1) -> list[tuple[str, float]]:
    """Median seconds of the bare loop and each rung over ``youths`` x ``weeks`` youth-weeks."""
    rng = np.random.default_rng(seed)
    # Ids spread over a range 2.5 times the present population, as in the model's tables.
    n_ids = int(youths * 2.5)
    present = np.sort(rng.choice(n_ids, youths, replace=False)).astype(np.uint32)
    state0 = rng.integers(0, _N_ACTIVITIES + 1, n_ids).astype(np.int8)
    state0[rng.random(n_ids) < 0.5] = 0
    advisor = rng.integers(0, advisors, n_ids).astype(np.int32)
    portfolio = np.maximum(np.bincount(advisor[present], minlength=advisors), 1)
    portfolio = portfolio.astype(np.int32)
    last_contact = np.full(n_ids, -_RECENT_WEEKS, dtype=np.int32)
    capacity = 2 * youths * weeks
    ev_week = np.empty(capacity, dtype=np.int32)
    ev_youth = np.empty(capacity, dtype=np.uint32)
    ev_kind = np.empty(capacity, dtype=np.int8)
    counts = np.zeros((weeks, _N_ACTIVITIES + 1), dtype=np.int64)
    p_move = 0.02

    def walk() -> int:
        return _walk(weeks, seed, present, state0.copy(), p_move)

    def contact(record: bool) -> int:
        counts[:] = 0
        return _contact(weeks, seed, present, state0.copy(), advisor, portfolio,
                        last_contact.copy(), budget, p_move, record, ev_week, ev_youth,
                        ev_kind, counts)

    return [
        ("bare loop (the floor)", _median_seconds(
            lambda: bare_loop_floor(youths, weeks, seed), repeats)),
        ("1 walk: a draw and a state write", _median_seconds(walk, repeats)),
        ("2 contact: + portfolio-driven contacts", _median_seconds(lambda: contact(False), repeats)),
        ("3 record: + events and weekly counts", _median_seconds(lambda: contact(True), repeats)),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Time stripped-down models between the bare loop and the engine, to see "
                    "how much model fits under a floor-ratio target. Run `navsim bench` in "
                    "the same minutes for the engine's own figures.")
    parser.add_argument("--youths", type=int, default=20000,
                        help="youths present (default: 20000, as navsim bench)")
    parser.add_argument("--weeks", type=int, default=157,
                        help="weeks (default: 157, as navsim bench)")
    parser.add_argument("--advisors", type=int, default=900,
                        help="advisors with youths (default: 900, about the bench's)")
    parser.add_argument("--budget", type=float, default=11.0,
                        help="contacts an advisor gives a week (default: 11, the bench's)")
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per rung")
    args = parser.parse_args(argv)
    rows = ladder(args.youths, args.weeks, args.advisors, args.budget, args.repeats)
    n = args.youths * args.weeks
    ns = [(name, seconds / n * 1e9) for name, seconds in rows]
    ns.append(("the numba engine (bench population)",
               engine_ns_per_youth_week(args.youths, args.repeats)))
    floor = ns[0][1]
    print(f"{'rung':40} {'ns/youth-week':>14} {'x floor':>8}")
    for name, value in ns:
        print(f"{name:40} {value:14.2f} {value / floor:8.1f}")
    print(f"{'a floor ratio of 20 allows':40} {20 * floor:14.2f}")


if __name__ == "__main__":
    main()
