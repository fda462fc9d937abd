"""`auditor serve`: a small local web page where a clerk checks one file before publishing it."""

# Here, not in app.py, so `auditor --help` and every scan do not import Flask to show a default.
DEFAULT_MAX_MB = 20
