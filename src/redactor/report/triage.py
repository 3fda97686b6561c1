"""The practice triage list: one row per patient record, the most serious first.

This is the list a practice uses to decide whom to code for enhanced review before
online access. A record is one patient: documents sharing an NHS number are one
row, a document with none is its own row.

A record needs enhanced review for what a practice would code it for: safeguarding,
serious-harm or legally restricted content still to hide or review, or the code
for enhanced review already on the record. The SNOMED CT codes (1364731000000104
indicated, 1364751000000106 not indicated, which overrides it) come from the
record's coded items, or its text where exports print them beside their terms; the
lists are in models/codes/online_access.yml.

The order weighs what must be held back, not how long the record is: records that
need enhanced review first, then by the most serious category present (serious
harm, safeguarding, legally restricted, then the vocabulary's order), then entries
to hide, then entries held for review. A long record's pile of flags moves nothing.

On the terminal a row is the record's first document and its NHS number masked
("*** *** 1234"): never a name or other record text. The CSV and JSON files carry
the patient's name and full NHS number, and say they hold patient data.
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

from .. import __version__
from ..formats import inert_cell
from ..model import HOLDS, Category, Document, Verdict
from ..vocabulary import CODES, ORDER
from .json_report import NOTICE
from .terminal import coded, legend

# What a practice codes a record for enhanced review for, when any is still to hide or review.
ENHANCED = (Category.SERIOUS_HARM, Category.SAFEGUARDING, Category.LEGALLY_RESTRICTED)
# Most serious first: those, then the rest in the vocabulary's order (people who may
# see their own names, the patient and professionals, hold nothing back).
SEVERITY = [
    *ENHANCED,
    *(
        c
        for c in ORDER
        if c not in ENHANCED and c not in (Category.PROFESSIONAL, Category.PATIENT_IDENTIFIER)
    ),
]
COLUMNS = [str(c) for c in SEVERITY]
CODED_SHOWN = {"indicated": ", coded", "not indicated": ", cleared", "no": ""}  # the record's own code


@dataclass
class Row:
    record: str  # the record's first document, as given: no record text
    nhs_number: str
    documents: list[str] = field(default_factory=list)
    flags: Counter[str] = field(default_factory=Counter)  # findings to hide or review, by category
    entries: int = 0
    entries_to_hide: int = 0
    entries_to_review: int = 0
    coded: str = "no"  # "indicated", "not indicated" or "no"
    # How serious the most serious category present is: len(SEVERITY) for serious
    # harm down to 1, 0 for nothing held back.
    risk: int = 0
    patient: str = ""  # the patient's name: for the CSV and JSON files only

    @property
    def most_serious(self) -> Category | None:
        return next((c for c in SEVERITY if self.flags[str(c)]), None)

    @property
    def needs_enhanced_review(self) -> bool:
        return self.coded == "indicated" or any(self.flags[str(c)] for c in ENHANCED)

    def to_json(self) -> dict[str, object]:
        most = self.most_serious
        return {
            "record": self.record,
            "patient": self.patient,
            "nhs_number": self.nhs_number,
            "documents": self.documents,
            "needs_enhanced_review": self.needs_enhanced_review,
            "enhanced_review_code": self.coded,
            "most_serious": str(most) if most else None,
            "risk": self.risk,
            "entries": self.entries,
            "entries_to_hide": self.entries_to_hide,
            "entries_to_review": self.entries_to_review,
            "flags": {c: self.flags[c] for c in COLUMNS},
        }


def triage(documents: list[Document]) -> list[Row]:
    rows: dict[str, Row] = {}
    for doc in documents:
        nhs = doc.patient.nhs_number or ""
        row = rows.setdefault(nhs or doc.path, Row(record=doc.path, nhs_number=nhs))
        row.documents.append(doc.path)
        row.patient = row.patient or _name(doc)
        row.flags.update(str(f.category) for f in doc.findings if f.action in HOLDS)
        row.entries += len(doc.entries)
        row.entries_to_hide += sum(e.verdict is Verdict.HIDE for e in doc.entries)
        row.entries_to_review += sum(e.verdict is Verdict.REVIEW for e in doc.entries)
        # From the online-access codes, coded or printed (detect/codes.py).
        if doc.enhanced_review is False:
            row.coded = "not indicated"
        elif doc.enhanced_review and row.coded == "no":
            row.coded = "indicated"
    for row in rows.values():
        most = row.most_serious
        row.risk = len(SEVERITY) - SEVERITY.index(most) if most else 0
    return sorted(rows.values(), key=order)


def order(row: Row) -> tuple[bool, int, int, int, str]:
    """Enhanced review first, then the most serious category, entries to hide, entries to review."""
    return (
        not row.needs_enhanced_review,
        -row.risk,
        -row.entries_to_hide,
        -row.entries_to_review,
        row.record,
    )


def _name(doc: Document) -> str:
    patient = doc.patient
    return " ".join([*patient.forenames, patient.surname or ""]).strip()


def masked(nhs_number: str) -> str:
    """ "*** *** 1234": enough to match a record at the desk, not to identify anyone."""
    digits = "".join(ch for ch in nhs_number if ch.isdigit())
    if not nhs_number:
        return "-"
    return "*** *** " + digits[-4:] if len(digits) >= 4 else "***"


def print_triage(console: Console, rows: list[Row], show_identifiers: bool = False) -> None:
    """The list without record text: each record by its first document and masked NHS
    number, its flags by the vocabulary's codes on the line below."""
    from ..review.terminal import printable

    table = Table(title="practice triage: records to review before online access", header_style="bold")
    table.add_column("record (flags)", overflow="fold", min_width=16)
    table.add_column("NHS no", no_wrap=True)  # a masked number stays whole
    table.add_column("enhanced?")
    table.add_column("serious")
    table.add_column("hide", justify="right")
    table.add_column("review", justify="right")
    for row in rows:
        most = row.most_serious
        flags = coded(Counter({Category(c): n for c, n in row.flags.items()}))
        shown = Text(printable(row.record))  # a path as plain text: never markup or terminal codes
        shown.append(f"\n{flags}" if flags else "", style="dim")
        table.add_row(
            shown,
            Text(printable(row.nhs_number if show_identifiers else masked(row.nhs_number))),
            ("[red]yes[/]" if row.needs_enhanced_review else "no") + CODED_SHOWN.get(row.coded, ""),
            CODES[most] if most else "-",
            f"{row.entries_to_hide}/{row.entries}",
            str(row.entries_to_review or ""),
        )
    console.print(table)
    codes = {Category(c) for row in rows for c, n in row.flags.items() if n}
    if codes:
        console.print(f"codes: {legend(codes)}", soft_wrap=True)


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
            "most_serious",
            "risk",
            "entries",
            "entries_to_hide",
            "entries_to_review",
            *COLUMNS,
            "patient",
            "documents",
        ]
    )
    for row in rows:
        most = row.most_serious
        writer.writerow(
            [
                _cell(row.record),
                _cell(row.nhs_number),
                "yes" if row.needs_enhanced_review else "no",
                row.coded,
                str(most) if most else "",
                row.risk,
                row.entries,
                row.entries_to_hide,
                row.entries_to_review,
                *(row.flags[c] for c in COLUMNS),
                _cell(row.patient),
                _cell(";".join(row.documents)),
            ]
        )
    return buffer.getvalue()


def triage_json(rows: list[Row]) -> str:
    """The list as JSON, saying it holds patient data (names and NHS numbers)."""
    body = {
        "schema": 1,
        "tool": {"name": "redactor", "version": __version__},
        "notice": NOTICE,
        "records": [r.to_json() for r in rows],
    }
    return json.dumps(body, indent=1) + "\n"
