"""Entry verdicts: EMIS Web and SystmOne show or hide whole entries, so every
entry gets hide, review or show from the strongest action among its findings."""

from __future__ import annotations

from dataclasses import replace

from ..model import ACTION_RANK, Action, Document, Verdict
from .policy import Policy

VERDICT_FOR = {Action.REDACT: Verdict.HIDE, Action.REVIEW: Verdict.REVIEW, Action.KEEP: Verdict.SHOW}


def decide_document(document: Document, policy: Policy) -> None:
    """Set each finding's action, page and entry, then each entry's verdict."""
    findings = []
    strongest: dict[str, Action] = {}
    for finding in document.findings:
        entry = document.entry_of(finding.start)
        action = policy.action_for(finding)
        page = finding.page or document.page_of(finding.start)
        findings.append(replace(finding, action=action, page=page, entry=entry.id if entry else None))
        if entry is not None and ACTION_RANK[action] > ACTION_RANK[strongest.get(entry.id, Action.KEEP)]:
            strongest[entry.id] = action
    document.findings = findings
    document.entries = [
        replace(entry, verdict=VERDICT_FOR[strongest.get(entry.id, Action.KEEP)])
        for entry in document.entries
    ]
