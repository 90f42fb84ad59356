"""docs/PYTHON.md runs as written, and Mesa's own DataCollector sees the same model whichever
engine steps it: the numba engine's agent views are real Mesa agents, not a look-alike."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "PYTHON.md"


def code_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)


def test_the_python_page_runs_and_both_engines_collect_the_same_series(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # the page works from any folder, not only the project root
    blocks = code_blocks()
    assert len(blocks) == 4
    namespace: dict = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for code in blocks:
            exec(compile(code, str(PAGE), "exec"), namespace)  # noqa: S102 - our own page
    assert "cap50_hard.yaml" in printed.getvalue()
    assert len(namespace["table"]) == 2                      # one row per replication
    assert len(namespace["followed"]) > 0
    series = namespace["series"]
    assert len(series) >= 20 and (series["in_follow_up"] > 0).all()
    assert (series["mean_portfolio"] > 0).all()
    pd.testing.assert_frame_equal(namespace["collect"]("mesa"), series)
