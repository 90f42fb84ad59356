"""The "did you mean ...?" every command adds to an error about an unknown name.

A misspelt scenario key, library scenario, outcome or target id ends with a one-line error;
naming the closest known name there saves the user a trip to the reference.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

#: How alike a known name must be (difflib's ratio) to be suggested.
CUTOFF = 0.7


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """`` (did you mean X?)`` for the known name closest to ``word``, else ``""``.

    Dotted names (``policy.portfolio_cap.youth``) are matched on every head and tail as
    well, so ``portfolio_cap.yuoth`` finds ``portfolio_cap.youth``.
    """
    names: set[str] = set()
    for name in known:
        parts = name.split(".")
        names.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
        names.update(".".join(parts[i:]) for i in range(1, len(parts)))
    close = difflib.get_close_matches(word, sorted(names), n=1, cutoff=CUTOFF)
    return f" (did you mean {close[0]}?)" if close else ""
