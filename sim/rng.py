"""Common random numbers: every random decision has its own key.

A decision's uniform number is a pure function of (seed, stream, week, agent id), computed
with a counter-based hash (SplitMix64's finaliser applied to the key). There is no
generator state to advance, so

* both engines get the same number for the same decision, whatever order they run in;
* a scenario change cannot shift the random numbers of unrelated decisions (a policy that
  never binds changes nothing, and paired scenarios differ by policy, not noise);
* a decision never taken consumes nothing.

Streams are named below; adding a stream never changes existing ones. Python code (the
Mesa engine) calls the same compiled function as the numba kernels.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_ONE = np.uint64(1)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53

#: Named decision streams (``U_`` for uniform; module constants, so numba sees them as
#: compile-time ints).
#: The numbers are part of the results' identity: append new streams, never renumber.
U_AGE = 1
U_BIRTH_WEEK = 2
U_NEED = 3
U_SEX = 4
U_EDUCATION = 5
U_BIRTH_REGION = 6
U_CHILDREN = 7
U_MENTAL_HEALTH = 8
U_OTHER_HEALTH = 9
U_DIALOGUE_USER = 10
U_OFFICE = 11
U_ASSESSMENT = 12
U_LABOUR_AT_ENTRY = 13
U_BENEFIT_AT_ENTRY = 14
U_SOSIALHJELP_AT_ENTRY = 15
U_JOB_SEARCH_AT_ENTRY = 16
U_ASSIGN_ROLE = 17
U_CHURN = 18
U_OLDER_LOAD = 19
U_CONTACT_ROUND_SCHEDULED = 20
U_CONTACT_ROUND_UNSCHEDULED = 21
U_CONTACT_ROUND_ACTIVITY_PLAN = 22
U_CONTACT_ROUND_EMAIL_SMS = 23
U_USER_MESSAGE = 24
U_REASSESSMENT = 25
U_AAP = 26
U_AAP_END = 27
U_UFORE = 28
U_DAGPENGER_END = 29
U_TREATMENT_REFERRAL = 30
U_TREATMENT_START = 31
U_TREATMENT_END = 32
U_IPS_REFERRAL = 33
U_IPS_END = 34
U_TILTAK_REFERRAL = 35
U_TILTAK_END = 36
U_TILTAK_NO_SHOW = 37
U_JOB_SEARCH = 38
U_LABOUR = 39
U_EXIT = 40
U_RETURN = 41
U_DIALOGUE_TURN = 42
U_OFFICE_SIZE = 43  # set-up: office sizes within a county
U_COUNTY_PORTFOLIO = 44  # set-up: counties' portfolio factors
U_TILTAKSPENGER_RIGHT = 45
U_DAGPENGER_EARNINGS = 46
U_SOSIALHJELP_IN_TILTAK = 47
U_TILTAK_TYPE = 48
U_KVP_START = 49
U_KVP_END = 50

STREAMS: dict[str, int] = {
    name[2:].lower(): value for name, value in dict(globals()).items()
    if name.startswith("U_") and isinstance(value, int)
}
#: Size of a table of stream keys (streams are numbered from 1).
N_STREAMS = max(STREAMS.values()) + 1

@njit(cache=True, inline="always")
def _mix(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def stream_key(seed: int, stream: int, week: int) -> np.uint64:
    """The part of a decision's key shared by every agent: (seed, stream, week).

    A compiled phase computes the week's keys once (:func:`week_keys`), so each decision
    costs one mixing round (:func:`keyed_uniform`) instead of three. The numbers are the
    same bits as :func:`uniform`'s.
    """
    h = _mix(np.uint64(seed) + _GOLDEN * np.uint64(stream + 1))
    return _mix(h ^ (np.uint64(week + 1) * _GOLDEN))


@njit(cache=True, inline="always")
def keyed_uniform(key: np.uint64, agent: int) -> float:
    """The uniform number in [0, 1) of ``agent``'s decision under ``key`` (:func:`stream_key`).

    ``agent`` may be a signed or an unsigned integer (the kernels loop over unsigned ids);
    it is made unsigned before the arithmetic, since numba types unsigned plus signed as a
    float.
    """
    h = _mix(key ^ ((np.uint64(agent) + _ONE) * _M1))
    return float(h >> _S11) * _TO_UNIT


@njit(cache=True)
def uniform(seed: int, stream: int, week: int, agent: int) -> float:
    """The uniform number in [0, 1) of decision (seed, stream, week, agent)."""
    return keyed_uniform(stream_key(seed, stream, week), agent)


@njit(cache=True)
def uniforms(seed: int, stream: int, week: int, n: int) -> np.ndarray:
    """``uniform(seed, stream, week, agent)`` for agents 0 .. n-1, in one compiled call."""
    key = stream_key(seed, stream, week)
    out = np.empty(n, dtype=np.float64)
    for agent in range(n):
        out[agent] = keyed_uniform(key, agent)
    return out


@njit(cache=True)
def week_keys(seed: int, week: int) -> np.ndarray:
    """Keys of every stream for one week, indexed by stream number (``keys[U_EXIT]``)."""
    keys = np.empty(N_STREAMS, dtype=np.uint64)
    for stream in range(N_STREAMS):
        keys[stream] = stream_key(seed, stream, week)
    return keys


@njit(cache=True)
def bare_loop_floor(n: int, weeks: int, seed: int) -> float:
    """One random draw and one array write per youth-week: the machine's floor for the engine.

    ``navsim bench`` divides the engine's rate by this loop's rate (``floor_ratio``).
    """
    out = np.zeros(n, dtype=np.float64)
    for w in range(weeks):
        for i in range(n):
            out[i] += uniform(seed, 1, w, i)
    return out.sum()


def rep_seed(seed: int, rep: int) -> int:
    """Seed of replication ``rep``: scenarios with the same seed get the same replication seeds."""
    return int(uniform(seed, 0, rep, 0) * 2**62)
