"""The compiler pipeline of the numba kernels: decisions inlined without copying the tables.

A decision of ``sim.processes`` is inlined into the kernel that calls it (``@decision``).
numba inlines by binding each parameter to the caller's argument, ``Y_inner = Y``, and a
bound named tuple of arrays holds a reference to every array in it: two atomic
reference-count updates per column, per call. For a decision taken for every youth every
week that cost ten times the decision itself. The tables (the kernel's own arguments) never
change inside a kernel, so the pass here, run right after inlining, replaces every such
binding by the argument itself (copy propagation, for arguments only); the compiled
kernel then reads the caller's tables directly, as hand-written code would.
"""

from __future__ import annotations

from numba.core import ir
from numba.core.compiler import CompilerBase, DefaultPassBuilder
from numba.core.compiler_machinery import FunctionPass, register_pass
from numba.core.ir_utils import build_definitions, replace_var_names
from numba.core.untyped_passes import InlineInlinables


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
    """numba's default pipeline with :class:`ForwardArguments` after inlining."""

    def define_pipelines(self):
        pm = DefaultPassBuilder.define_nopython_pipeline(self.state)
        pm.add_pass_after(ForwardArguments, InlineInlinables)
        pm.finalize()
        return [pm]
