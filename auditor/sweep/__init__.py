"""Supervisory sweeps (SPEC §1 user 2, §9 scale): scan a whole tree of units with all cores,
keep history in SQLite, resume after interruption, roll findings up per unit and
compare with the previous sweep.

Modules: ``store`` (SQLite), ``runner`` (walk + pool + resume), ``units`` (roll-ups
and comparison), ``html`` (self-contained report), ``export`` (csv/json), ``cli``.
"""
