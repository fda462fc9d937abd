"""`auditor serve`: a small local web page where a clerk checks one file before publishing it."""
