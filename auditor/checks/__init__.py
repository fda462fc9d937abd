"""Checks: turn recognised spans and document structure into findings."""
