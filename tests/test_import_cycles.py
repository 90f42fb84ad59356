"""No import cycles among the modules of ``sim``, counting every import: at module level,
inside functions, and under ``if TYPE_CHECKING``. A cycle means two modules each need the
other, so neither can be read, tested or moved on its own."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "sim"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The modules of ``sim`` that ``path`` imports (``from sim.x import y`` counts as
    ``sim.x.y`` when that is a module, else ``sim.x``)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                       for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t in modules and t != name)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    return {module_name(p): imports_of(p, modules) for p in paths}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a list of modules (first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_graph_sees_imports_inside_functions() -> None:
    graph = import_graph()
    assert "sim.model" in graph["sim.run"]  # imported inside run_replication


def test_no_import_cycle_in_sim() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


#: The layers of ``sim``, lowest first (docs/ARCHITECTURE.md): a module imports only from
#: its own layer and the ones below. Each entry is a module or a package.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("core", ("sim.codes", "sim.rng", "sim.rules", "sim.calendar", "sim.strict", "sim.state", "sim.plan",
              "sim.names", "sim.workers", "sim.jitcache")),
    ("inputs", ("sim.scenario", "sim.params", "sim.offices", "sim.targets", "sim.paths", "sim.preflight",
                "sim.journal")),
    ("processes", ("sim.processes",)),
    ("engines", ("sim.engine", "sim.agents", "sim.model")),
    ("results", ("sim.results", "sim.run", "sim.measure", "sim.outcomes", "sim.counties", "sim.cost",
                 "sim.plots")),
    ("analysis", ("sim.validate", "sim.calibrate", "sim.calibration", "sim.compare", "sim.compare_jobs",
                  "sim.comparison", "sim.effects", "sim.posterior_draws", "sim.sweep", "sim.report",
                  "sim.bench", "sim.reference", "sim.init")),
    ("interfaces", ("sim.cli", "sim.dashboard", "sim.__main__", "sim")),
)


def layer_of(module: str) -> int:
    for k, (_, members) in enumerate(LAYERS):
        if any(module == m or (m != "sim" and module.startswith(m + ".")) for m in members):
            return k
    raise AssertionError(f"{module} is in no layer: add it to LAYERS and to docs/ARCHITECTURE.md")


def test_imports_go_down_the_layers_only() -> None:
    upward = [f"{m} ({LAYERS[layer_of(m)][0]}) imports {d} ({LAYERS[layer_of(d)][0]})"
              for m, deps in sorted(import_graph().items()) for d in sorted(deps)
              if layer_of(d) > layer_of(m)]
    assert not upward, "\n".join(upward)
