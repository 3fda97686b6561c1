"""The nouns every stage shares: categories, actions, findings, entries, documents.

Findings are frozen so a stage can never edit another stage's result in place;
resolving overlaps or applying a policy makes new findings with `replace`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
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
    # Shown to the reviewer, never holds an entry, never waits for a decision: what
    # the patient told us about their family, negated findings.
    NOTE = "note"
    KEEP = "keep"


# Higher wins when findings are combined into an entry verdict.
ACTION_RANK = {Action.KEEP: 0, Action.NOTE: 0, Action.REVIEW: 1, Action.REDACT: 2}
# Actions that hold an entry back until someone decides, or remove text.
HOLDS = frozenset({Action.REVIEW, Action.REDACT})
# The categories found as passages (a sentence or journal line); names and
# identifiers are found word-exact.
PASSAGE_CATEGORIES = frozenset(
    {
        Category.THIRD_PARTY_INFO,
        Category.SAFEGUARDING,
        Category.CLINICIAN_OPINION,
        Category.SERIOUS_HARM,
        Category.LEGALLY_RESTRICTED,
        Category.SENSITIVE_HEALTH,
    }
)


class Verdict(StrEnum):
    HIDE = "hide"
    REVIEW = "review"
    SHOW = "show"


def union_spans(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Overlapping or touching (start, end) spans joined, in order."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return tuple(out)


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
    # The words that triggered a passage finding, for highlighting; empty means the
    # whole span is its own evidence (names, identifiers).
    evidence: tuple[tuple[int, int], ...] = ()
    # What the patient told us about their own family, with nothing else sensitive in
    # the passage: the policy's quiet tier (`note` unless the policy raises it).
    quiet: bool = False

    def __post_init__(self) -> None:
        empty_ok = self.category is Category.UNREADABLE  # a page with no text at all
        if not (0 <= self.start < self.end or (empty_ok and 0 <= self.start == self.end)):
            raise ValueError(f"bad span {self.start}:{self.end} for rule {self.rule}")
        if len(self.text) != self.end - self.start:
            raise ValueError(f"span text length does not match {self.start}:{self.end}")

    def with_(self, **changes: object) -> Finding:
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_json(self) -> dict[str, object]:
        return (
            {
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
                "evidence": [{"start": s, "end": e} for s, e in self.evidence or ((self.start, self.end),)],
            }
            | ({"decision": self.decision} if self.decision else {})
            | ({"quiet": True} if self.quiet else {})
        )


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

    def name_words(self) -> frozenset[str]:
        """Every word of the patient's names, lower case: theirs to see wherever they stand."""
        return frozenset(w.lower() for name in (*self.forenames, self.surname or "") for w in name.split())

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


@dataclass(frozen=True, slots=True)
class Segment:
    """One field of a structured record (a FHIR note, a GP2GP text element, a CSV
    cell, a DOCX paragraph), at [start, end) in the document's text."""

    start: int
    end: int
    where: str  # "Observation/ob1 comment", an XML path, "row 7 column 'Notes'"
    entry: str | None = None
    code: str | None = None  # SNOMED CT code of the coded item the field belongs to
    # "text" (free text); "term" (a SNOMED display, a Read rubric: controlled vocabulary,
    # never a person's name, so name detection passes over it); "person-name" and
    # "person-contact" (a RelatedPerson's name or contact field: a third party's by definition).
    kind: str = "text"


@dataclass(frozen=True, slots=True)
class CodedItem:
    """A coded clinical item: its code, and the text that shows it (usually its term)."""

    code: str
    start: int
    end: int
    where: str
    entry: str | None = None


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 from the page's top-left


@dataclass(frozen=True, slots=True)
class PageLayout:
    """A page's size and, where its text came from OCR, where each word stands:
    what apply needs to burn a redaction into the pixels and the report to say where.
    A PDF page is measured in points (1/72 inch), an image file in its own pixels."""

    width: float
    height: float
    unit: str = "pt"
    ocr: bool = False
    # OCR words: (start, end) in the page's text and the word's box.
    words: tuple[tuple[int, int, float, float, float, float], ...] = ()
    # (start, end) runs of words OCR is unsure of, in the page's text.
    doubtful: tuple[tuple[int, int], ...] = ()
    unreadable: str | None = None  # why the whole page must be checked by hand

    def boxes(self, start: int, end: int) -> list[Box]:
        """Boxes of the OCR words that [start, end) of the page's text touches, joined
        along each line so a redaction is one bar, not a row of word-sized gaps."""
        out: list[Box] = []
        for w_start, w_end, x0, y0, x1, y1 in self.words:
            if w_start >= end or w_end <= start:
                continue
            last = out[-1] if out else None
            if last and min(y1, last[3]) - max(y0, last[1]) > 0.5 * (y1 - y0) and x0 >= last[0]:
                out[-1] = (last[0], min(y0, last[1]), max(x1, last[2]), max(y1, last[3]))
            else:
                out.append((x0, y0, x1, y1))
        return out


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
    # Per page (PDFs and images): size, and OCR words with their boxes.
    layout: list[PageLayout] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    # Demographic block and author lines: identities of people in this record.
    patient: Patient = field(default_factory=Patient)
    authors: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # What the file was read as: "text", "pdf", "fhir-stu3", "fhir-r4", "gp2gp", "csv", "docx".
    format: str = "text"
    # Structured formats: where each piece of text came from, coded items, and the
    # third parties the structure names (FHIR RelatedPerson), flagged wherever they appear.
    segments: list[Segment] = field(default_factory=list)
    coded: list[CodedItem] = field(default_factory=list)
    third_parties: list[str] = field(default_factory=list)
    # Text that could not be read (an attachment outside the file or of an unreadable
    # type): (start, end, reason), flagged for a person to check.
    unreadable_spans: list[tuple[int, int, str]] = field(default_factory=list)
    # From the online-access codes: True = enhanced review indicated, False = cleared.
    enhanced_review: bool | None = None
    record_notes: list[str] = field(default_factory=list)
    # Entries the source system marks as not for the patient (GP2GP/FHIR "NOPAT").
    withheld_entries: list[str] = field(default_factory=list)
    # Who made the recorded decisions that apply to this document (for the manifest).
    reviewers: list[str] = field(default_factory=list)

    def segment_of(self, offset: int) -> Segment | None:
        index = bisect_right(self.segments, offset, key=lambda s: s.start) - 1
        if index >= 0 and offset < self.segments[index].end:
            return self.segments[index]
        return None

    def source_of(self, finding: Finding) -> dict[str, str | int | None]:
        """Where a finding came from, for every report and for review."""
        entry = self.entry_of(finding.start)
        segment = self.segment_of(finding.start)
        source: dict[str, str | int | None] = {
            "format": self.format,
            "where": segment.where if segment else None,
            "entry": entry.id if entry else None,
            "date": entry.date if entry else None,
            "author": entry.author if entry else None,
            "code": segment.code if segment else None,
        }
        if self.page_starts:
            source["page"] = self.page_of(finding.start)
        return source

    def boxes_of(self, start: int, end: int) -> list[Box]:
        """Where [start, end) (within one page) stands on a page read by OCR, in the
        page's unit; empty for text from a text layer, whose boxes apply finds in the PDF."""
        number = self.page_of(start)
        if number is None or len(self.layout) < number or not self.layout[number - 1].ocr:
            return []
        base = self.page_starts[number - 1]
        return self.layout[number - 1].boxes(start - base, end - base)

    def page_of(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        return max(1, bisect_right(self.page_starts, offset))

    def first_line(self, entry: Entry) -> tuple[int, int]:
        """Where a flag about a whole entry goes: its first line (or all of it)."""
        line_end = self.text.find("\n", entry.start, entry.end)
        return entry.start, line_end if line_end > entry.start else entry.end

    def entry_of(self, offset: int) -> Entry | None:
        # Entries are in order and do not overlap: a bisect keeps long records linear.
        index = bisect_right(self.entries, offset, key=lambda e: e.start) - 1
        if index >= 0 and offset < self.entries[index].end:
            return self.entries[index]
        # An empty last page starts at the very end of the text.
        return self.entries[-1] if self.entries and offset >= self.entries[-1].end else None


def source_line(source: dict[str, str | int | None]) -> str:
    """One line for people: field, entry, date, author, code, page (no record text)."""
    parts = [
        str(source["where"]) if source.get("where") else None,
        f"entry {source['entry']}" if source.get("entry") else None,
        str(source["date"]) if source.get("date") else None,
        str(source["author"]) if source.get("author") else None,
        f"code {source['code']}" if source.get("code") else None,
        f"page {source['page']}" if source.get("page") else None,
    ]
    return " · ".join(p for p in parts if p) or "whole document"
