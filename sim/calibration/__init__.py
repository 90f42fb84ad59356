"""Calibration helpers behind ``navsim calibrate`` (see :mod:`sim.calibrate`).

One job per module: ``config`` reads and checks the free parameters, ``space`` turns
sampled values into scenario overrides and prior penalties, ``objective`` scores one
parameter set, ``study`` runs the Optuna study on a journal file, ``output`` writes the
calibrated layer, ``report`` the fit report and ``plots`` its figures.
"""
