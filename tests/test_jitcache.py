"""numba's cache of compiled kernels must not outlive a change to the rules they inline."""

from pathlib import Path

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
