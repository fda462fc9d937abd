"""A clerk's uploaded workflow record, put where `auditor sign` and the scanner look for it.

Why one module: `/scan` and `/sign` both take an optional record next to the
document. Both must name it the same way (``<document>.workflow.<ext>``, see
:mod:`auditor.workflow.record`) and read its syntax the same way, or a record
that signs would not scan. The step the form offers next is derived here too,
from the same record.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from auditor.workflow.record import find_sidecars, load_sidecar
from auditor.workflow.settings import WorkflowSettings
from auditor.workflow.steps import SLOTS, assign_slots

RECORD_EXTENSIONS = ("json", "yaml", "yml")

Record = tuple[str, bytes]
"""An uploaded record: (cleaned file name, content)."""


def record_extension(filename: str, data: bytes) -> str:
    """Which syntax an uploaded record is in: its extension, else a JSON object or YAML.

    Browsers rename a second download (``x.workflow (1).json``), so the name is
    only a hint for the syntax; where the record goes depends on the document.
    """
    lowered = filename.lower()
    for extension in RECORD_EXTENSIONS:
        if lowered.endswith("." + extension):
            return extension
    return "json" if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else "yaml"


def place_record(document: Path, record: Record) -> Path:
    """Write the record beside the document under the name the record loader finds."""
    name, data = record
    sidecar = document.with_name(f"{document.name}.workflow.{record_extension(name, data)}")
    sidecar.write_bytes(data)
    return sidecar


def next_slot(steps: Sequence[str]) -> int:
    """Index of the chain's place the form should offer next: the one after the last signed."""
    slots, bad = assign_slots(steps)
    if bad is not None or not slots:
        return 0
    return min(slots[-1] + 1, len(SLOTS) - 1)


def recorded_next_slot(document: Path, settings: WorkflowSettings) -> int:
    """The next place for this document by its record (what `auditor sign` extends); 撰写 without a valid one."""
    sidecars = find_sidecars(document)
    if not sidecars:
        return 0
    chain, _ = load_sidecar(sidecars[0], document.name, settings)
    return next_slot([s.step for s in chain.steps] if chain else [])
