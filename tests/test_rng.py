"""Keyed random numbers: the numbers every result depends on, and the shortcuts to them.

A decision's uniform number is a fixed function of (seed, stream, week, agent). The
compiled phases take a shortcut (the week's stream keys once, then one mixing round per
decision); these tests hold the shortcut to the very same bits, and the function itself to
an independent pure-Python statement of it, so that no change can silently move every
result of the model. The last test holds the contact order to its definition likewise.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.kernels import _take_best
from sim.rng import N_STREAMS, STREAMS, keyed_uniform, uniform, uniforms, week_keys

_MASK = 2**64 - 1


def _mix(z: int) -> int:
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def reference_uniform(seed: int, stream: int, week: int, agent: int) -> float:
    """SplitMix64's finaliser over the key, in plain Python integers."""
    h = _mix((seed + 0x9E3779B97F4A7C15 * (stream + 1)) & _MASK)
    h = _mix(h ^ (((week + 1) * 0x9E3779B97F4A7C15) & _MASK))
    h = _mix(h ^ (((agent + 1) * 0xBF58476D1CE4E5B9) & _MASK))
    return (h >> 11) * 2.0**-53


seeds = st.integers(min_value=0, max_value=2**62)
streams = st.sampled_from(sorted(STREAMS.values()))
weeks = st.integers(min_value=0, max_value=2000)
agents = st.integers(min_value=0, max_value=10_000_000)


@settings(max_examples=200, deadline=None)
@given(seeds, streams, weeks, agents)
def test_uniform_is_the_keyed_splitmix_number(seed: int, stream: int, week: int, agent: int) -> None:
    u = uniform(seed, stream, week, agent)
    assert u == reference_uniform(seed, stream, week, agent)
    assert 0.0 <= u < 1.0


@settings(max_examples=200, deadline=None)
@given(seeds, streams, weeks, agents)
def test_week_keys_give_the_same_bits_as_uniform(seed: int, stream: int, week: int, agent: int) -> None:
    keys = week_keys(seed, week)
    assert len(keys) == N_STREAMS
    assert keyed_uniform(keys[stream], agent) == uniform(seed, stream, week, agent)


@settings(max_examples=100, deadline=None)
@given(seeds, streams, weeks, st.integers(min_value=0, max_value=2**32 - 1))
def test_unsigned_ids_draw_the_same_number_as_signed_ones(seed: int, stream: int, week: int,
                                                           agent: int) -> None:
    """The kernels loop over unsigned ids; the Mesa engine passes Python ints."""
    key = week_keys(seed, week)[stream]
    expected = uniform(seed, stream, week, agent)
    assert keyed_uniform(key, np.uint32(agent)) == keyed_uniform(key, agent) == expected


@settings(max_examples=50, deadline=None)
@given(seeds, streams, weeks, st.integers(min_value=0, max_value=300))
def test_uniforms_are_uniform_for_each_agent(seed: int, stream: int, week: int, n: int) -> None:
    expected = [uniform(seed, stream, week, agent) for agent in range(n)]
    assert uniforms(seed, stream, week, n).tolist() == expected


def test_streams_are_distinct_and_numbered_from_one() -> None:
    values = sorted(STREAMS.values())
    assert values == list(range(1, len(values) + 1))
    draws = {uniform(7, s, 3, 11) for s in values}
    assert len(draws) == len(values)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=5), min_size=0, max_size=40))
def test_taking_the_best_follows_a_stable_sort_by_descending_priority(values: list[int]) -> None:
    """Ties are common (priorities are sums of a few weights): the earlier youth comes first,
    and an advisor who takes one youth at a time takes them in that order."""
    n = len(values)
    score = np.array(values + [99.0], dtype=np.float64)  # a slot beyond n is never taken
    taken = [_take_best(score, n) for _ in range(n)]
    assert taken == sorted(range(n), key=lambda k: (-values[k], k))
    assert _take_best(score, n) == -1
    assert score[n] == 99.0
