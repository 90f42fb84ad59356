"""numba's cache of compiled kernels must not outlive a change to the rules they inline."""

from pathlib import Path

import pytest

from sim import jitcache


def _package(root: Path) -> Path:
    (root / "engine" / "__pycache__").mkdir(parents=True)
    (root / "rules.py").write_text("HAZARD = 0.1\n")
    (root / "engine" / "kernels.py").write_text("from rules import HAZARD\n")
    return root


def _cached(root: Path) -> list[Path]:
    files = [root / "engine" / "__pycache__" / "kernels.step-1.py311.nbi",
             root / "engine" / "__pycache__" / "kernels.step-1.py311.1.nbc"]
    for f in files:
        f.write_bytes(b"compiled")
    return files


def test_a_changed_rule_discards_the_kernels_compiled_from_it(tmp_path):
    root = _package(tmp_path)
    sources = ("rules.py", "engine")
    jitcache.refresh(root, sources)
    cached = _cached(root)
    assert jitcache.refresh(root, sources) is False
    assert all(f.exists() for f in cached), "unchanged sources keep the cache"
    (root / "rules.py").write_text("HAZARD = 0.2\n")
    assert jitcache.refresh(root, sources) is True
    assert not any(f.exists() for f in cached), "kernels compiled with the old rule are gone"
    assert (root / "engine" / "kernels.py").exists(), "sources are never touched"
    _cached(root)
    assert jitcache.refresh(root, sources) is False, "the new fingerprint is remembered"


def test_the_fingerprint_covers_the_files_the_kernels_depend_on():
    package = Path(jitcache.__file__).parent
    for name in ("rules.py", "rng.py", "codes.py", "engine/kernels.py", "engine/record.py"):
        assert (package / name).is_file()
        assert any(name == s or name.startswith(s + "/") for s in jitcache.SOURCES), name


def test_is_cached_tells_whether_a_kernel_must_still_be_compiled(tmp_path, monkeypatch):
    (tmp_path / "kernel_for_cache_test.py").write_text(
        "from numba import njit\n\n@njit(cache=True)\ndef twice(x):\n    return 2 * x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import kernel_for_cache_test as mod

    assert jitcache.is_cached(mod.twice) is False
    assert mod.twice(21) == 42
    assert jitcache.is_cached(mod.twice) is True
    assert jitcache.is_cached(len) is None


def _kernel_module(tmp_path, monkeypatch, name):
    (tmp_path / f"{name}.py").write_text(
        "from numba import njit\n\n@njit(cache=True)\ndef twice(x):\n    return 2 * x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    return importlib.import_module(name)


def test_a_corrupted_cache_is_discarded_with_a_notice_and_rebuilt(tmp_path, monkeypatch, capsys):
    import subprocess
    import sys

    mod = _kernel_module(tmp_path, monkeypatch, "kernel_for_heal_test")
    assert mod.twice(21) == 42
    data = sorted((tmp_path / "__pycache__").glob("kernel_for_heal_test.*.nbc"))
    assert data
    data[0].write_bytes(data[0].read_bytes()[:40])       # cut short by a full disk or a kill
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import kernel_for_heal_test as m; "
              "print(m.twice(2))")
    broken = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True)
    assert broken.returncode != 0                         # what a run did before: it failed
    assert jitcache.heal(jitcache.dispatchers_of(mod)) is True
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "could not be read, discarded" in err[0]
    assert not list((tmp_path / "__pycache__").glob("kernel_for_heal_test.*.nb[ic]"))
    fixed = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True)
    assert fixed.returncode == 0 and fixed.stdout.strip() == "4"
    assert jitcache.heal(jitcache.dispatchers_of(mod)) is False   # the rebuilt cache reads fine


@pytest.mark.parametrize(("variable", "base"), [("NUMBA_CACHE_DIR", "numba-cache"),
                                               ("XDG_CACHE_HOME", "xdg/numba")])
def test_the_guard_covers_every_cache_location_numba_uses(tmp_path, monkeypatch, variable, base):
    """``NUMBA_CACHE_DIR``, and the user's cache folder numba falls back to."""
    root = _package(tmp_path / "pkg")
    sources = ("rules.py", "engine")
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv(variable, str(tmp_path / base.split("/")[0]))
    import hashlib
    import os

    folder = root / "engine"
    outside = tmp_path / base / f"engine_{hashlib.sha1(os.path.abspath(folder).encode()).hexdigest()}"
    outside.mkdir(parents=True)
    jitcache.refresh(root, sources)
    kernel = outside / "kernels.step-1.py311.nbi"
    kernel.write_bytes(b"compiled")
    assert jitcache.external_cache_dirs(root) == [outside]
    assert jitcache.refresh(root, sources) is False and kernel.exists()
    (root / "rules.py").write_text("HAZARD = 0.2\n")
    assert jitcache.refresh(root, sources) is True
    assert not kernel.exists(), "and gone from there too"
