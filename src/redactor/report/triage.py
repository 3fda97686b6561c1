"""The practice triage list: one row per patient record, riskiest first.

This is the list a practice uses to decide whom to code for enhanced review before
online access. A record is one patient: documents sharing an NHS number are one
row, a document with none is its own row. The SNOMED CT codes for enhanced review
(1364731000000104 indicated, 1364751000000106 not indicated, which overrides it)
come from the record's coded items, or its text where exports print them beside
their terms; the lists are in models/codes/online_access.yml.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass, field

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..formats import inert_cell
from ..model import HOLDS, Category, Document, Verdict

# How much a flag of each category weighs when ordering the list.
WEIGHTS = {
    Category.SERIOUS_HARM: 5,
    Category.SAFEGUARDING: 4,
    Category.LEGALLY_RESTRICTED: 3,
    Category.THIRD_PARTY_NAME: 2,
    Category.THIRD_PARTY_IDENTIFIER: 2,
    Category.THIRD_PARTY_INFO: 2,
    Category.SENSITIVE_HEALTH: 2,
    Category.CLINICIAN_OPINION: 1,
    Category.UNREADABLE: 1,
}
# A flag in one of these, or any entry to hide, means a person must look before access.
NEEDS_ENHANCED_REVIEW = {Category.SAFEGUARDING, Category.SERIOUS_HARM, Category.LEGALLY_RESTRICTED}
COLUMNS = [str(c) for c in WEIGHTS]


@dataclass
class Row:
    record: str
    nhs_number: str
    documents: list[str] = field(default_factory=list)
    flags: Counter[str] = field(default_factory=Counter)
    entries: int = 0
    entries_to_hide: int = 0
    coded: str = "no"  # "indicated", "not indicated" or "no"
    risk: int = 0

    @property
    def needs_enhanced_review(self) -> bool:
        return self.entries_to_hide > 0 or any(self.flags[str(c)] for c in NEEDS_ENHANCED_REVIEW)

    def to_json(self) -> dict[str, object]:
        return {
            "record": self.record,
            "nhs_number": self.nhs_number,
            "documents": self.documents,
            "needs_enhanced_review": self.needs_enhanced_review,
            "enhanced_review_code": self.coded,
            "risk": self.risk,
            "entries": self.entries,
            "entries_to_hide": self.entries_to_hide,
            "flags": {c: self.flags[c] for c in COLUMNS},
        }


def triage(documents: list[Document]) -> list[Row]:
    rows: dict[str, Row] = {}
    for doc in documents:
        nhs = doc.patient.nhs_number or ""
        key = nhs or doc.path
        row = rows.setdefault(key, Row(record=_name(doc) or doc.path, nhs_number=nhs))
        row.documents.append(doc.path)
        flagged = [f for f in doc.findings if f.action in HOLDS]
        row.flags.update(str(f.category) for f in flagged)
        row.risk += sum(WEIGHTS.get(f.category, 0) for f in flagged)
        row.entries += len(doc.entries)
        row.entries_to_hide += sum(e.verdict is Verdict.HIDE for e in doc.entries)
        # From the online-access codes, coded or printed (detect/codes.py).
        if doc.enhanced_review is False:
            row.coded = "not indicated"
        elif doc.enhanced_review and row.coded == "no":
            row.coded = "indicated"
    for row in rows.values():
        row.risk += 3 * row.entries_to_hide
    return sorted(rows.values(), key=lambda r: (not r.needs_enhanced_review, -r.risk, r.record))


def _name(doc: Document) -> str:
    patient = doc.patient
    return " ".join([*patient.forenames, patient.surname or ""]).strip()


def print_triage(console: Console, rows: list[Row]) -> None:
    from ..review.terminal import printable
    from .terminal import SHORT

    table = Table(title="practice triage: records to review before online access", header_style="bold")
    for heading in ("record", "NHS no", "review?", "coded", "risk", "hide", "flags"):
        table.add_column(heading, justify="right" if heading in ("risk", "hide") else "left", overflow="fold")
    for row in rows:
        flags = ", ".join(f"{SHORT[Category(c)]} {row.flags[c]}" for c in COLUMNS if row.flags[c])
        table.add_row(  # names and numbers as plain text: never read as markup or terminal codes
            Text(printable(row.record)),
            Text(printable(row.nhs_number)),
            "[red]yes[/]" if row.needs_enhanced_review else "no",
            row.coded,
            str(row.risk),
            f"{row.entries_to_hide}/{row.entries}",
            flags or "-",
        )
    console.print(table)


def _cell(value: object) -> object:
    return inert_cell(value) if isinstance(value, str) else value


def triage_csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "record",
            "nhs_number",
            "needs_enhanced_review",
            "enhanced_review_code",
            "risk",
            "entries",
            "entries_to_hide",
            *COLUMNS,
            "documents",
        ]
    )
    for row in rows:
        writer.writerow(
            [
                _cell(row.record),
                _cell(row.nhs_number),
                "yes" if row.needs_enhanced_review else "no",
                row.coded,
                row.risk,
                row.entries,
                row.entries_to_hide,
                *(row.flags[c] for c in COLUMNS),
                _cell(";".join(row.documents)),
            ]
        )
    return buffer.getvalue()


def triage_json(rows: list[Row]) -> str:
    return json.dumps({"schema": 1, "records": [r.to_json() for r in rows]}, indent=1) + "\n"
