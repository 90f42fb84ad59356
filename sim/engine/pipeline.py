"""The compiler pipeline of the numba kernels: decisions inlined fast and without copying
the tables.

A decision of ``sim.processes`` is inlined into the kernel that calls it (``@decision``).
numba inlines by binding each parameter to the caller's argument, ``Y_inner = Y``, and a
bound named tuple of arrays holds a reference to every array in it: two atomic
reference-count updates per column, per call. For a decision taken for every youth every
week that cost ten times the decision itself. The tables (the kernel's own arguments) never
change inside a kernel, so the pass here, run right after inlining, replaces every such
binding by the argument itself (copy propagation, for arguments only); the compiled
kernel then reads the caller's tables directly, as hand-written code would.

Decisions call decisions. numba inlines a function by first compiling its own untyped IR,
with every decision it calls already inlined into it, and then deep-copying that IR block
by block, each block's copy taking the whole function's variable scope along: a cost of
blocks x variables of the fully inlined callee, at every call site, that made inlining
most of the compile time of the largest kernels. :class:`InlineDecisions` inlines one
level at a time instead: the callee's IR is built without inlining into it, is small to
copy, and the decisions it calls are inlined in turn when the kernel's pass reaches the
blocks it added (numba's pass visits those). The kernel comes out the same, in a fraction
of the time.
"""

from __future__ import annotations

from numba.core import inline_closurecall, ir
from numba.core.compiler import CompilerBase, DefaultPassBuilder
from numba.core.compiler_machinery import FunctionPass, PassManager, register_pass
from numba.core.ir_utils import build_definitions, replace_var_names
from numba.core.untyped_passes import InlineInlinables


def _untyped_without_inlining(state) -> PassManager:
    """numba's untyped pipeline for a callee, less its inlining pass."""
    pm = DefaultPassBuilder.define_untyped_pipeline(state)
    pm.passes = [(pss, why) for pss, why in pm.passes if pss is not InlineInlinables]
    return pm


class _OneLevelInliner(inline_closurecall.InlineWorker):
    """numba's inliner, building the callee's IR without inlining into it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._compiler_pipeline = _untyped_without_inlining


@register_pass(mutates_CFG=True, analysis_only=False)
class InlineDecisions(InlineInlinables):
    """numba's inlining of ``inline="always"`` functions, one level at a time (see above)."""

    _name = "inline_decisions"

    def run_pass(self, state) -> bool:
        # numba's pass makes its inliner from this module attribute; compilation holds
        # numba's global compiler lock, so the swap is seen by this pass alone.
        standard = inline_closurecall.InlineWorker
        inline_closurecall.InlineWorker = _OneLevelInliner
        try:
            return super().run_pass(state)
        finally:
            inline_closurecall.InlineWorker = standard


@register_pass(mutates_CFG=False, analysis_only=False)
class ForwardArguments(FunctionPass):
    """Replace variables that are only ever a copy of a function argument by the argument."""

    _name = "forward_arguments"

    def __init__(self) -> None:
        FunctionPass.__init__(self)

    def run_pass(self, state) -> bool:
        func_ir = state.func_ir
        blocks = func_ir.blocks
        args = {stmt.target.name for block in blocks.values() for stmt in block.body
                if isinstance(stmt, ir.Assign) and isinstance(stmt.value, ir.Arg)}
        changed = False
        while True:
            definitions = build_definitions(blocks)
            rename = {}
            for block in blocks.values():
                for stmt in block.body:
                    if (isinstance(stmt, ir.Assign) and isinstance(stmt.value, ir.Var)
                            and stmt.value.name in args and stmt.target.name not in args
                            and len(definitions[stmt.target.name]) == 1):
                        rename[stmt.target.name] = stmt.value.name
            if not rename:
                break
            replace_var_names(blocks, rename)
            for block in blocks.values():
                block.body = [stmt for stmt in block.body
                              if not (isinstance(stmt, ir.Assign) and isinstance(stmt.value, ir.Var)
                                      and stmt.target.name == stmt.value.name)]
            changed = True
        if changed:
            func_ir._definitions = build_definitions(blocks)
        return changed


class KernelCompiler(CompilerBase):
    """numba's default pipeline, inlining by :class:`InlineDecisions`, with
    :class:`ForwardArguments` after it."""

    def define_pipelines(self):
        pm = DefaultPassBuilder.define_nopython_pipeline(self.state)
        pm.passes = [(InlineDecisions if pss is InlineInlinables else pss, why)
                     for pss, why in pm.passes]
        pm.add_pass_after(ForwardArguments, InlineDecisions)
        pm.finalize()
        return [pm]
