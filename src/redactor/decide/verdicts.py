"""Entry verdicts: EMIS Web and SystmOne show or hide whole entries, so every
entry gets hide, review or show from the strongest action among its findings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from ..model import ACTION_RANK, HOLDS, Action, Category, Document, Entry, Finding, Verdict
from ..vocabulary import counted
from .policy import Policy

VERDICT_FOR = {
    Action.REDACT: Verdict.HIDE,
    Action.REVIEW: Verdict.REVIEW,
    Action.NOTE: Verdict.SHOW,
    Action.KEEP: Verdict.SHOW,
}
DECIDED = {"hide": Verdict.HIDE, "show": Verdict.SHOW}


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
    document.findings = findings if document.patient.name_words() else _hold_names(findings)
    if reviewed is not None:
        reviewed(document)
    set_verdicts(document)


NO_PATIENT = "; the record names no patient, so it may be theirs: held for review"


def _hold_names(findings: list[Finding]) -> list[Finding]:
    """With no patient named (a GP2GP extract, a bare CSV journal, a letter with no
    header), a name judged a third party's only because it is not the patient's may
    be the patient's own: it is held for review, never redacted unseen. A name with
    a relation word or the record's structure behind it stays as judged."""
    from ..detect.people import DEFAULT_RULES  # judged so only because nothing said otherwise

    return [
        replace(finding, action=Action.REVIEW, reason=finding.reason + NO_PATIENT)
        if finding.category is Category.THIRD_PARTY_NAME
        and finding.action is Action.REDACT
        and finding.rule.split("+", 1)[0] in DEFAULT_RULES
        else finding
        for finding in findings
    ]


def set_verdicts(document: Document) -> None:
    """Each entry's verdict from its strongest finding; a reviewer's hide or show wins."""
    strongest: dict[str, Action] = {}
    for finding in document.findings:
        if (
            finding.entry is not None
            and ACTION_RANK[finding.action] > ACTION_RANK[strongest.get(finding.entry, Action.KEEP)]
        ):
            strongest[finding.entry] = finding.action
    document.entries = [
        replace(entry, verdict=DECIDED.get(entry.decision) or VERDICT_FOR[strongest.get(entry.id, Action.KEEP)])
        for entry in document.entries
    ]


def why(document: Document, entry: Entry) -> str:
    """The one line that says why an entry is held: "HIDE: safeguarding 5,
    third-party name 3"; a reviewer's own call says so."""
    held = Counter(f.category for f in document.findings if f.entry == entry.id and f.action in HOLDS)
    verdict = str(entry.verdict).upper()
    if entry.decision:
        return f"{verdict} (reviewer)" + (f": {counted(held)}" if held else "")
    if held:
        return f"{verdict}: {counted(held)}"
    noted = Counter(f.category for f in document.findings if f.entry == entry.id and f.action is Action.NOTE)
    return f"{verdict}: " + (f"notes only ({counted(noted)})" if noted else "nothing found")


def awaiting(document: Document) -> Counter[Action]:
    """Findings no person has decided, by the action they would get: what `check`
    counts and what stops `apply`, so both say the same numbers."""
    return Counter(f.action for f in document.findings if f.action in HOLDS and f.decision is None)


def awaiting_words(counts: Counter[Action]) -> str:
    """ "33 finding(s) await a decision (21 review, 12 redact)": the words check and apply share."""
    return (
        f"{counts.total()} finding(s) await a decision "
        f"({counts[Action.REVIEW]} review, {counts[Action.REDACT]} redact)"
    )
