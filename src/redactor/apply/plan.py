"""Which spans of a document an applied redaction removes, and what replaces them.

Only findings whose final action is `redact` (the policy's, or a reviewer's
decision) are applied; an entry whose verdict is `hide` is removed whole, since
that is what the clinical system would withhold. Findings still awaiting review
stop the run unless the caller says what to do with them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..decide.policy import DEFAULT_WITHHELD_ENTRY
from ..decide.verdicts import awaiting, awaiting_words
from ..formats import splice
from ..model import Action, Category, Document, Finding, Verdict
from ..vocabulary import LABELS

# The vocabulary's labels, except that a copy never tells a third party's name from
# their details or their information: all three read "third party".
MARKER_WORDS = LABELS | dict.fromkeys(
    (Category.THIRD_PARTY_NAME, Category.THIRD_PARTY_IDENTIFIER, Category.THIRD_PARTY_INFO), "third party"
)
ENTRY_WORD = "hidden entry"
DEFAULT_MARKER = "[REDACTED: {category}]"
FIXED_MARKER = "[REDACTED]"
PAGE_RULE = "ingest/unreadable-page"


class UnreviewedError(Exception):
    """Findings await review; the message gives the count, never their text."""


@dataclass(frozen=True, slots=True)
class Redaction:
    start: int
    end: int
    label: str  # category name, or "ENTRY" for a whole hidden entry

    @property
    def words(self) -> str:
        return ENTRY_WORD if self.label == "ENTRY" else MARKER_WORDS[Category(self.label)]


def plan(document: Document, unreviewed: str | None = None, whole_entries: bool = True) -> list[Redaction]:
    """Non-overlapping redactions for `document`, in order.

    `unreviewed` is None (stop if any finding awaits review), "redact" or "keep";
    `whole_entries` removes every entry whose verdict is hide, as the clinical system
    would (off for a subject-access copy that keeps the rest of each entry). With
    "redact", an entry still held for review is hidden whole too: what no person has
    looked at is never released half-redacted.
    """
    waiting = awaiting(document)  # counted as `check` counts them
    if waiting[Action.REVIEW] and unreviewed is None:
        raise UnreviewedError(
            f"{awaiting_words(waiting)}; no copy while {waiting[Action.REVIEW]} await review: "
            "review them or pass --unreviewed redact|keep"
        )
    chosen = [
        Redaction(f.start, f.end, str(f.category))
        for f in document.findings
        if f.start < f.end
        and f.category is not Category.UNREADABLE
        and (
            f.action is Action.REDACT
            or (f.action is Action.REVIEW and f.decision is None and unreviewed == "redact")
        )
    ]
    # What OCR could not read is withheld unless a reviewer cleared it; --unreviewed
    # never does. Whole pages are withheld by apply (`withheld_pages`), regions here.
    chosen += [
        Redaction(f.start, f.end, str(f.category))
        for f in unreadable(document)
        if f.start < f.end and f.rule != PAGE_RULE
    ]
    if whole_entries:
        hidden = {Verdict.HIDE, Verdict.REVIEW} if unreviewed == "redact" else {Verdict.HIDE}
        chosen += [Redaction(e.start, e.end, "ENTRY") for e in document.entries if e.verdict in hidden]
    kept = [(f.start, f.end) for f in document.findings if f.decision == "keep"]
    return _merge(chosen + _elsewhere(document.text, _merge(chosen, document.text), kept), document.text)


def unreadable(document: Document) -> list[Finding]:
    """Unread text no reviewer has cleared (a reviewer clears it with `keep`)."""
    return [f for f in document.findings if f.category is Category.UNREADABLE and f.decision != "keep"]


def withheld_pages(document: Document) -> set[int]:
    """Pages that could not be read as a whole and that no reviewer cleared."""
    return {f.page or document.page_of(f.start) or 1 for f in unreadable(document) if f.rule == PAGE_RULE}


def _elsewhere(text: str, redactions: list[Redaction], kept: list[tuple[int, int]]) -> list[Redaction]:
    """Every other occurrence of a redacted string, as the leak check would find it:
    a name redacted once must not survive in a list or a reference elsewhere. Places
    a reviewer explicitly kept stay kept (and the leak check will then say so)."""
    from .leaks import secrets_for

    taken = [(r.start, r.end) for r in redactions] + kept
    extra = []
    for redaction in redactions:
        if redaction.label in ("ENTRY", Category.UNREADABLE):
            continue
        for secret in secrets_for(text, [(redaction.start, redaction.end, redaction.label)]):
            if secret.word:
                continue  # a surname alone may be the patient's own: the leak check weighs those
            for match in secret.pattern.finditer(text):
                if not any(s < match.end() and match.start() < e for s, e in taken):
                    extra.append(Redaction(match.start(), match.end(), redaction.label))
    return extra


def _merge(redactions: list[Redaction], text: str) -> list[Redaction]:
    """Overlapping spans become one; a whole hidden entry absorbs what lies inside it."""
    merged: list[Redaction] = []
    for item in sorted(redactions, key=lambda r: (r.start, -r.end)):
        if merged and item.start < merged[-1].end:
            last = merged[-1]
            label = "ENTRY" if "ENTRY" in (last.label, item.label) else last.label
            merged[-1] = Redaction(last.start, max(last.end, item.end), label)
        else:
            merged.append(item)
    # Spans never swallow a form feed: page boundaries stay where they were.
    out = []
    for item in merged:
        start = item.start
        for part in text[item.start : item.end].split("\f"):
            if part.strip():
                stripped = len(part) - len(part.lstrip())
                out.append(Redaction(start + stripped, start + len(part.rstrip()), item.label))
            start += len(part) + 1
    return out


def counts(redactions: list[Redaction]) -> dict[str, int]:
    return dict(sorted(Counter(r.label for r in redactions).items()))


def replacement(redaction: Redaction, marker: str, entry_marker: str = DEFAULT_WITHHELD_ENTRY) -> str:
    """What stands in for a redaction: its marker, or for a whole entry the one fixed line."""
    return entry_marker if redaction.label == "ENTRY" else marker.format(category=redaction.words)


def redact_text(
    text: str, redactions: list[Redaction], marker: str = DEFAULT_MARKER, entry_marker: str = DEFAULT_WITHHELD_ENTRY
) -> str:
    """Replace each span by its marker. Newlines inside a removed span are kept so the
    rest of the record keeps its line layout; a withheld entry becomes one line, so
    the copy never tells how long it was."""
    return splice(
        text,
        [
            (
                r.start,
                r.end,
                replacement(r, marker, entry_marker)
                + ("" if r.label == "ENTRY" else "\n" * text.count("\n", r.start, r.end)),
            )
            for r in redactions
        ],
    )


def marker_pattern(marker: str, entry_marker: str = DEFAULT_WITHHELD_ENTRY) -> re.Pattern[str]:
    """Matches the markers this run writes, so the leak check does not read a
    marker ("[REDACTED: safeguarding]") as the text it replaced."""
    spans = re.escape(marker).replace(re.escape("{category}"), "[a-z ]+")
    return re.compile(f"{spans}|{re.escape(entry_marker)}")
