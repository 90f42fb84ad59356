"""navsim: an agent-based simulation of young people's pathways through Nav.

The model (``sim.model.NavModel``) is a Mesa model with two engines: ``mesa`` steps each
``Youth`` and ``Advisor`` in Python (the readable reference) and ``numba`` steps
struct-of-arrays tables with compiled kernels (the default). Both draw every random
decision from named, counter-based streams (``sim.rng``), so they give identical results.
"""

from sim import jitcache

__all__ = ["__version__"]
__version__ = "0.1.0"

jitcache.refresh()  # before any compiled kernel is loaded from numba's cache
