"""``@decision``: one function, compiled into the numba kernels and run as Python by Mesa.

A decision is a numba function marked ``inline="always"``: numba copies its body into the
kernel that calls it before typing, so a call costs nothing at run time (a compiled call
would count references to every column of the tables it is given, which cost many times
the decision itself) and little at compile time. The Mesa engine runs the very same source
as Python through :func:`python`: a twin of the function whose calls to other decisions go
to their twins too, so nothing is compiled for Python lists.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

from numba import njit
from numba.core.registry import CPUDispatcher

_TWINS: dict[Any, Callable[..., Any]] = {}


def decision(fn: Callable[..., Any]) -> CPUDispatcher:
    """Mark ``fn`` as a decision of the model (see the module's docstring)."""
    dispatcher = njit(inline="always")(fn)
    dispatcher.is_decision = True
    return dispatcher


def python(d: CPUDispatcher) -> Callable[..., Any]:
    """The plain Python twin of decision ``d``, for the Mesa engine's tables of lists."""
    twin = _TWINS.get(d)
    if twin is not None:
        return twin
    fn = d.py_func
    names = dict(fn.__globals__)
    twin = types.FunctionType(fn.__code__, names, fn.__name__, fn.__defaults__, fn.__closure__)
    twin.__doc__ = fn.__doc__
    _TWINS[d] = twin
    for name, value in list(names.items()):
        if getattr(value, "is_decision", False):
            names[name] = python(value)
    return twin
