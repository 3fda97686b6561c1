"""The nouns every stage shares: categories, actions, findings, entries, documents.

Findings are frozen so a stage can never edit another stage's result in place;
resolving overlaps or applying a policy makes new findings with `replace`.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from enum import StrEnum


class Category(StrEnum):
    THIRD_PARTY_NAME = "THIRD_PARTY_NAME"
    THIRD_PARTY_IDENTIFIER = "THIRD_PARTY_IDENTIFIER"
    THIRD_PARTY_INFO = "THIRD_PARTY_INFO"
    SAFEGUARDING = "SAFEGUARDING"
    CLINICIAN_OPINION = "CLINICIAN_OPINION"
    SERIOUS_HARM = "SERIOUS_HARM"
    LEGALLY_RESTRICTED = "LEGALLY_RESTRICTED"
    SENSITIVE_HEALTH = "SENSITIVE_HEALTH"
    PROFESSIONAL = "PROFESSIONAL"
    PATIENT_IDENTIFIER = "PATIENT_IDENTIFIER"
    # Not in the policy's hands: raised when text could not be read at all.
    UNREADABLE = "UNREADABLE"


PERSON_CATEGORIES = frozenset({Category.THIRD_PARTY_NAME, Category.PROFESSIONAL, Category.PATIENT_IDENTIFIER})


class Action(StrEnum):
    REDACT = "redact"
    REVIEW = "review"
    KEEP = "keep"


# Higher wins when findings are combined into an entry verdict.
ACTION_RANK = {Action.KEEP: 0, Action.REVIEW: 1, Action.REDACT: 2}


class Verdict(StrEnum):
    HIDE = "hide"
    REVIEW = "review"
    SHOW = "show"


@dataclass(frozen=True, slots=True)
class Finding:
    start: int
    end: int
    text: str
    category: Category
    score: float
    rule: str
    reason: str
    action: Action = Action.REVIEW
    page: int | None = None
    entry: str | None = None
    # Set when a reviewer's recorded decision applies (the action is then theirs).
    decision: str | None = None
    fingerprint: str | None = None

    def __post_init__(self) -> None:
        empty_ok = self.category is Category.UNREADABLE  # a page with no text at all
        if not (0 <= self.start < self.end or (empty_ok and 0 <= self.start == self.end)):
            raise ValueError(f"bad span {self.start}:{self.end} for rule {self.rule}")
        if len(self.text) != self.end - self.start:
            raise ValueError(f"span text length does not match {self.start}:{self.end}")

    def with_(self, **changes: object) -> Finding:
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_json(self) -> dict[str, object]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "category": str(self.category),
            "action": str(self.action),
            "score": round(self.score, 3),
            "rule": self.rule,
            "reason": self.reason,
            "page": self.page,
            "entry": self.entry,
        } | ({"decision": self.decision} if self.decision else {})


@dataclass(frozen=True, slots=True)
class Entry:
    """A unit the clinical system can show or hide as a whole (a consultation, a letter)."""

    id: str
    start: int
    end: int
    date: str | None = None
    author: str | None = None
    verdict: Verdict = Verdict.SHOW
    decision: str | None = None  # a reviewer's "hide" or "show" for the whole entry

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "date": self.date,
            "author": self.author,
            "verdict": str(self.verdict),
        } | ({"decision": self.decision} if self.decision else {})


@dataclass(frozen=True, slots=True)
class Patient:
    """Who the record belongs to, as its demographics (or the command line) say."""

    forenames: tuple[str, ...] = ()
    surname: str | None = None
    dob: str | None = None  # ISO date
    nhs_number: str | None = None  # ten digits, no spaces
    address: str | None = None
    postcode: str | None = None
    title: str | None = None  # courtesy title as written ("Mr"), to tell "Mrs Adeyemi" apart
    phones: tuple[str, ...] = ()  # digits only
    emails: tuple[str, ...] = ()  # lower case

    def merged(self, override: Patient) -> Patient:
        """Fields given on the command line win over the export's own."""
        return Patient(
            forenames=override.forenames or self.forenames,
            surname=override.surname or self.surname,
            dob=override.dob or self.dob,
            nhs_number=override.nhs_number or self.nhs_number,
            address=override.address or self.address,
            postcode=override.postcode or self.postcode,
            title=override.title or self.title,
            phones=override.phones or self.phones,
            emails=override.emails or self.emails,
        )


@dataclass(slots=True)
class Document:
    """Extracted text of one input file plus what ingest learned about it."""

    path: str
    sha256: str
    text: str
    pages: int | None = None
    # Start offset of each page in `text` (PDF only), so findings can name their page.
    page_starts: list[int] = field(default_factory=list)
    # Offsets of pages that had no text layer and must be checked by hand.
    unreadable_pages: list[int] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    # Demographic block and author lines: identities of people in this record.
    patient: Patient = field(default_factory=Patient)
    authors: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def page_of(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        return max(1, bisect_right(self.page_starts, offset))

    def entry_of(self, offset: int) -> Entry | None:
        for entry in self.entries:
            if entry.start <= offset < entry.end:
                return entry
        # An empty last page starts at the very end of the text.
        return self.entries[-1] if self.entries and offset >= self.entries[-1].end else None
