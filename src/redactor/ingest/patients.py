"""A practice's patient list: who each record belongs to, when the export says too
little (GP2GP extracts carry only the NHS number; many CSV journals carry nothing).

A CSV with a header naming an NHS number column and/or a file column, plus the
patient's name and optionally date of birth, address and postcode. A record is
matched by its NHS number, else by its file name.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..model import Document, Patient
from .demographics import parse_date, split_name

COLUMNS = {
    "nhs_number": ("nhsnumber", "nhsno", "nhs"),
    "file": ("file", "filename", "record", "path"),
    "name": ("name", "patientname", "fullname"),
    "dob": ("dob", "dateofbirth", "birthdate"),
    "address": ("address",),
    "postcode": ("postcode", "postalcode"),
}


@dataclass(frozen=True)
class PatientList:
    by_key: tuple[tuple[str, Patient], ...]  # ("nhs:9990001234" or "file:name.xml", patient)

    @cached_property
    def _index(self) -> dict[str, Patient]:
        return dict(self.by_key)  # built once, not once per record

    def find(self, document: Document) -> Patient | None:
        nhs = document.patient.nhs_number
        if nhs and f"nhs:{nhs}" in self._index:
            return self._index[f"nhs:{nhs}"]
        return self._index.get(f"file:{Path(document.path).name}")


def load_patient_list(path: Path) -> PatientList:
    """Read --patients FILE; a bad file is a usage error (ValueError, one line)."""
    try:
        rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"{path}: cannot read the patient list ({type(exc).__name__})") from None
    if not rows:
        raise ValueError(f"{path}: the patient list has no rows")
    names = {re.sub(r"[^a-z]", "", h.lower()): h for h in rows[0]}
    column = {
        role: next((names[s] for s in synonyms if s in names), None) for role, synonyms in COLUMNS.items()
    }
    if column["name"] is None or (column["nhs_number"] is None and column["file"] is None):
        raise ValueError(f"{path}: the patient list needs a name column and an NHS number or file column")
    entries = []
    for row in rows:

        def cell(role: str, row: dict[str, str] = row) -> str:
            header = column[role]
            return (row.get(header) or "").strip() if header else ""

        forenames, surname = split_name(cell("name"))
        patient = Patient(
            forenames=forenames,
            surname=surname,
            dob=parse_date(cell("dob")),
            address=cell("address") or None,
            postcode=cell("postcode") or None,
        )
        if nhs := re.sub(r"\D", "", cell("nhs_number")):
            entries.append((f"nhs:{nhs}", patient))
        if file := cell("file"):
            entries.append((f"file:{Path(file).name}", patient))
    return PatientList(tuple(entries))
