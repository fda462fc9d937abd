"""Record one review step for an uploaded file: `auditor sign` in a private temp dir, record back.

Why this shape: the server must not keep anyone's files, and the rules of
signing (order, hash on approval, valid records) live in
:func:`auditor.workflow.sign.sign` only. The document and its existing record
are copied into a private folder, signed there, and the updated record is
returned for the clerk to save next to the file; the folder is gone before the
response leaves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.engine import Scanner, Target
from auditor.serve.analysis import private_copy
from auditor.serve.records import Record, recorded_next_slot
from auditor.workflow.record import is_sidecar
from auditor.workflow.sign import SignError, SignResult, describe, sign
from auditor.workflow.steps import SLOT_LABELS_EN, SLOT_LABELS_ZH, SLOTS
from auditor.workflow.timestamps import format_timestamp

MAX_NAME = 40  # a signer's name, not a paragraph
MAX_NOTE = 200


class SignRefused(Exception):
    """Signing refused with a message for the clerk; ``status`` 400 = bad form, 409 = the record says no."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def __reduce__(self) -> tuple[Any, tuple[int, str]]:
        return SignRefused, (self.status, self.message)  # raised in the child that reads the upload


@dataclass(slots=True)
class Signed:
    """The outcome the page shows: the updated record and the chain as `auditor workflow show` prints it."""

    document: str
    result: SignResult
    record_name: str
    record: bytes
    lines: list[str] = field(default_factory=list)
    findings: list[dict[str, str]] = field(default_factory=list)
    next_slot: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "signed": {
                "step": self.result.step,
                "at": format_timestamp(self.result.at),
                "sha256": self.result.sha256,
            },
            "warnings": self.result.warnings,
            "sidecar": {"name": self.record_name, "content": self.record.decode("utf-8")},
            "status": {"lines": self.lines, "findings": self.findings, "next_slot": self.next_slot},
        }


def step_options() -> list[tuple[str, str]]:
    """The five places of the chain, in order, as (step, label) for the form's select."""
    return [(step, f"{zh}（{en}）") for step, zh, en in zip(SLOTS, SLOT_LABELS_ZH, SLOT_LABELS_EN, strict=True)]


def check_fields(name: str, by: str, note: str) -> None:
    """Refuse what `auditor sign` would not catch: a sidecar as the document, over-long texts."""
    if is_sidecar(Path(name)):
        raise SignRefused(
            400, "请选择文件本身，而不是它的记录文件 (choose the document itself, not its .workflow record)"
        )
    if len(by.strip()) > MAX_NAME:
        raise SignRefused(400, f"经办人姓名过长（最多 {MAX_NAME} 字）(signer name too long)")
    if len(note.strip()) > MAX_NOTE:
        raise SignRefused(400, f"备注过长（最多 {MAX_NOTE} 字）(note too long)")


def screen_text(scanner: Scanner, by: str, note: str) -> None:
    """The record keeps staff names only: refuse a name or note in which the detector sees personal data.

    The text is never quoted back, so a mistyped ID number does not end up in a page either.
    """
    text = f"{by.strip()}\n{note.strip()}\n"
    with private_copy("note.txt", text.encode("utf-8")) as path:
        result = scanner.scan_target(Target("note.txt", path, True))
    if any(f.rule_id.startswith("P") for f in result.findings):
        raise SignRefused(
            400,
            "经办人姓名或备注中似乎有个人信息（如身份证号码、电话），请删去后再记录"
            " (the name or note seems to contain personal data; remove it)",
        )


def sign_upload(
    scanner: Scanner,
    name: str,
    data: bytes,
    record: Record | None,
    step: str,
    by: str,
    note: str = "",
) -> Signed:
    """Sign ``step`` for the uploaded file (and its uploaded record, if any) with `auditor sign`'s own function."""
    check_fields(name, by, note)
    screen_text(scanner, by, note)
    with private_copy(name, data, record) as path:
        try:
            result = sign(path, step, by, settings=scanner.workflow, note=note or None)
        except SignError as exc:
            raise SignRefused(400 if exc.usage else 409, _scrub(str(exc), path.parent)) from exc
        except (OSError, ValueError) as exc:
            raise SignRefused(400, f"无法记录此文件 (cannot record this file): {type(exc).__name__}") from exc
        return _signed(scanner, path, result)


def _signed(scanner: Scanner, path: Path, result: SignResult) -> Signed:
    """Read back the record and the chain before the private folder is removed."""
    lines, findings = describe(path, None, scanner.workflow, scanner.rules)  # the record, not the text, counts now
    return Signed(
        document=path.name,
        result=result,
        record_name=result.sidecar.name,
        record=result.sidecar.read_bytes(),
        lines=[_scrub(line, path.parent) for line in lines],
        findings=[{"rule_id": f.rule_id, "severity": f.severity, "message": f.message} for f in findings],
        next_slot=recorded_next_slot(path, scanner.workflow),
    )


def _scrub(text: str, folder: Path) -> str:
    """Messages name files; the private folder they sit in is nobody's business."""
    return text.replace(f"{folder}/", "").replace(str(folder), "")
