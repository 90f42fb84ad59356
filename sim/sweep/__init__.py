"""Parameter sweeps and sensitivity analysis: ``navsim sweep``.

A sweep file names a scenario, the scenario keys to vary and a design: a ``grid`` of
values, or a ``sobol`` or ``morris`` sample within bounds (SALib). Every point of the design
runs with the same replication seeds (common random numbers), so points differ by their
parameters, not by noise. The runs go to local worker processes or, for big studies, to a
dask.distributed cluster.

* :mod:`sim.sweep.spec`: the sweep file, checked strictly against the scenario;
* :mod:`sim.sweep.design`: the points of a design, and the sensitivity indices;
* :mod:`sim.sweep.execute`: running the points' replications on an executor;
* :mod:`sim.sweep.journal`: finished runs kept as they finish, so a stopped sweep resumes;
* :mod:`sim.sweep.output`: the result directory, its tables and the stdout summary;
* :mod:`sim.sweep.plots`: the figures;
* :mod:`sim.sweep.command`: ``navsim sweep`` itself, from the file to the printed summary.
"""
