"""Workflow compliance (W201–W207): review chain 撰写 → 校对 → 排版 → 校对 → 审核.

Entry points for the engine: :func:`check_workflow`, :func:`is_sidecar`,
:func:`signoff_lines` (a document's sign-off lines: the engine finds them once and hands
them to both :func:`check_workflow` and :func:`signoff_spans`), :func:`signoff_spans`
(names the privacy checks must skip) and :class:`WorkflowSettings`; the CLI uses
:func:`auditor.workflow.cli.register`.
"""

from auditor.workflow.checks import check_workflow
from auditor.workflow.record import is_sidecar
from auditor.workflow.settings import WorkflowSettings
from auditor.workflow.signoff import SignoffLine, signoff_lines, signoff_spans

__all__ = ["SignoffLine", "WorkflowSettings", "check_workflow", "is_sidecar", "signoff_lines", "signoff_spans"]
