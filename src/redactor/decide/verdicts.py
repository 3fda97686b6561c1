"""Entry verdicts: EMIS Web and SystmOne show or hide whole entries, so every
entry gets hide, review or show from the strongest action among its findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..model import ACTION_RANK, Action, Document, Verdict
from .policy import Policy

VERDICT_FOR = {
    Action.REDACT: Verdict.HIDE,
    Action.REVIEW: Verdict.REVIEW,
    Action.NOTE: Verdict.SHOW,
    Action.KEEP: Verdict.SHOW,
}


def decide_document(
    document: Document, policy: Policy, reviewed: Callable[[Document], None] | None = None
) -> None:
    """Set each finding's action, page and entry, let recorded reviewer decisions
    override the policy (`reviewed`), then set each entry's verdict."""
    findings = []
    for finding in document.findings:
        entry = document.entry_of(finding.start)
        page = finding.page or document.page_of(finding.start)
        findings.append(
            replace(finding, action=policy.action_for(finding), page=page, entry=entry.id if entry else None)
        )
    document.findings = findings
    if reviewed is not None:
        reviewed(document)
    set_verdicts(document)


def set_verdicts(document: Document) -> None:
    strongest: dict[str, Action] = {}
    for finding in document.findings:
        if (
            finding.entry is not None
            and ACTION_RANK[finding.action] > ACTION_RANK[strongest.get(finding.entry, Action.KEEP)]
        ):
            strongest[finding.entry] = finding.action
    document.entries = [
        replace(entry, verdict=VERDICT_FOR[strongest.get(entry.id, Action.KEEP)])
        for entry in document.entries
    ]
