"""CSV journal exports: one row per journal line (date, clinician, code, term, text).

Columns are found by name (models/formats/csv-columns.yml) or set by a mapping
file. Rows with the same consultation id, or consecutive rows with the same date
and clinician, make one entry. The term and free-text cells are the text; a
redacted copy keeps every row and column and changes only those cells.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

from ..ingest.demographics import parse_date, split_name
from ..ingest.errors import IngestError
from ..ingest.structured import TextBuilder
from ..ingest.text import decode_text
from ..model import Document, Patient
from . import Parsed, Replacement, inert_cell, splice

ROLES = ("date", "clinician", "code", "term", "text", "consultation", "patient_nhs_number", "patient_name")
DELIMITERS = ",;\t|"


@dataclass(frozen=True)
class CsvOptions:
    """A mapping from role to column name, from a --csv-map file (empty: detect)."""

    mapping: tuple[tuple[str, str], ...] = ()


def load_mapping(path: Path) -> CsvOptions:
    """Read a --csv-map file; a bad one is a usage error (ValueError, one line)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read the column mapping ({type(exc).__name__})") from None
    if not isinstance(data, dict) or not data:
        raise ValueError(f"{path}: a column mapping is YAML like 'date: Event Date'")
    unknown = sorted(set(data) - set(ROLES))
    if unknown:
        raise ValueError(f"{path}: unknown role(s) {', '.join(unknown)}; known: {', '.join(ROLES)}")
    return CsvOptions(tuple(sorted((str(k), str(v)) for k, v in data.items())))


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@cache
def _synonyms() -> dict[str, str]:
    from ..detect.resources import models_dir

    data = yaml.safe_load((models_dir() / "formats" / "csv-columns.yml").read_text(encoding="utf-8"))
    return {_squash(name): role for role, names in data.items() for name in names}


def columns(header: list[str], options: CsvOptions | None) -> dict[str, int]:
    """Role -> column index."""
    found: dict[str, int] = {}
    if options and options.mapping:
        positions = {_squash(h): i for i, h in enumerate(header)}
        for role, name in options.mapping:
            if _squash(name) not in positions:
                raise IngestError(
                    f"the mapping names column {name!r} for {role}, but the header has no such column"
                )
            found[role] = positions[_squash(name)]
    else:
        synonyms = _synonyms()
        for index, name in enumerate(header):
            role = synonyms.get(_squash(name))
            if role and role not in found:
                found[role] = index
    if "text" not in found and "term" not in found:
        raise IngestError("header has no free-text or term column (name them, or pass --csv-map FILE)")
    return found


def read(data: bytes, options: object = None) -> Parsed:
    """The journal as a document, plus what apply needs to write each cell back."""
    raw, delimiter = _decoded(data)
    rows = list(_rows(raw, delimiter))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise IngestError("no header row (the first line is blank)" if rows else "file is empty")
    header, body = rows[0], rows[1:]
    document, builder = _layout(header, body, options, writable=True)
    newline = "\r\n" if "\r\n" in raw[:65536] else "\n"
    return Parsed(document, builder.fields, lambda: _dump([header, *body], delimiter, newline, data))


def read_document(data: bytes, options: object = None) -> Document:
    """The document alone, as a scan needs it: rows are read one at a time and nothing
    is kept for writing back, so a journal of a million rows costs its text and the
    places of its fields, not every cell twice over."""
    raw, delimiter = _decoded(data)
    rows = _rows(raw, delimiter)
    header = next(rows, None)
    if header is None or not any(cell.strip() for cell in header):
        raise IngestError("no header row (the first line is blank)" if header is not None else "file is empty")
    return _layout(header, rows, options, writable=False)[0]


def _decoded(data: bytes) -> tuple[str, str]:
    raw = decode_text(data).removeprefix("\ufeff")
    return raw, _delimiter(raw)


def _layout(
    header: list[str], body: Iterable[list[str]], options: object, writable: bool
) -> tuple[Document, TextBuilder]:
    """Lay the rows out as one text in a single pass; with `writable`, each cell keeps a
    writer that puts its redacted text back into its row."""
    roles = columns(header, options if isinstance(options, CsvOptions) else None)
    width = len(header)
    document = Document(path="", sha256="", text="", format="csv")
    authors: set[str] = set()
    builder = TextBuilder()
    previous = None
    for number, row in enumerate(body, start=2):
        if not row:
            continue
        if len(row) != width:
            raise IngestError(f"row {number} has {len(row)} cells; the header has {width}")
        if previous is None:
            document.patient = _patient(row, roles)
        key = _entry_key(row, roles)
        if key != previous:
            date = row[roles["date"]].strip() if "date" in roles else None
            clinician = row[roles["clinician"]].strip() if "clinician" in roles else None
            builder.begin_entry(f"row {number}", _iso(date) if date else None, clinician or None)
            previous = key
        if "clinician" in roles and (who := row[roles["clinician"]].strip()):
            authors.add(who)
        code = row[roles["code"]].strip() if "code" in roles else None
        shown = None
        for role in ("term", "text"):
            if role in roles:
                column = roles[role]
                segment = builder.add(
                    row[column],
                    f"row {number} column {header[column]!r}",
                    _cell(row, column) if writable else None,
                    code or None,
                    kind="term" if role == "term" else "text",
                )
                shown = shown or (segment if role == "term" else None)
        if code:
            builder.add_code(code, f"row {number} column {header[roles['code']]!r}", shown)
        for role, kind in NEXT_OF_KIN.items():  # a known third party's own cells, whole
            if role in roles:
                column = roles[role]
                builder.add(
                    row[column],
                    f"row {number} column {header[column]!r}",
                    _cell(row, column) if writable else None,
                    kind=kind,
                )
                name = re.sub(r"\(.*?\)", "", row[column]).strip()  # "Ann Lee (daughter)"
                if role == "next_of_kin" and name and name not in document.third_parties:
                    document.third_parties.append(name)
    document.authors = sorted(authors)
    builder.fill(document)
    return document, builder


def _delimiter(raw: str) -> str:
    """The sniffed delimiter, else the one the header line uses most."""
    try:
        return csv.Sniffer().sniff(raw[:8192], delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = raw[:8192].split("\n", 1)[0]
        return max(DELIMITERS, key=header.count) if any(d in header for d in DELIMITERS) else ","


def _rows(raw: str, delimiter: str) -> Iterator[list[str]]:
    """Row after row, or an IngestError: csv.Error messages name the problem, never a
    cell (a NUL, an oversized field, a stray quote)."""
    try:
        yield from csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter, strict=True)
    except csv.Error as exc:
        raise IngestError(f"not valid CSV: {exc}") from None


NEXT_OF_KIN = {
    "next_of_kin": "person-name",
    "next_of_kin_phone": "person-contact",
    "next_of_kin_address": "person-contact",
}


def _cell(row: list[str], column: int):  # type: ignore[no-untyped-def]
    def write(replacements: list[Replacement]) -> None:
        row[column] = splice(row[column], replacements)

    return write


def _entry_key(row: list[str], roles: dict[str, int]) -> tuple[str, ...]:
    if "consultation" in roles:
        return (row[roles["consultation"]].strip(),)
    return tuple(row[roles[r]].strip() for r in ("date", "clinician") if r in roles)


@lru_cache(maxsize=4096)
def _iso(value: str) -> str:
    """A cell's date as ISO; cached, so a journal's many rows of one day share one string."""
    if re.match(r"\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    return parse_date(value) or value


def _patient(first: list[str], roles: dict[str, int]) -> Patient:
    """Who the journal belongs to, from its first row."""
    nhs = re.sub(r"\D", "", first[roles["patient_nhs_number"]]) if "patient_nhs_number" in roles else ""
    name = first[roles["patient_name"]] if "patient_name" in roles else ""
    forenames, surname = split_name(name)  # "SURNAME, Forename" or "Mr Forename Surname"
    return Patient(forenames=forenames, surname=surname, nhs_number=nhs if len(nhs) == 10 else None)


def _dump(rows: list[list[str]], delimiter: str, newline: str, original: bytes) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerows([inert_cell(cell) for cell in row] for row in rows)  # released to a patient's spreadsheet
    prefix = b"\xef\xbb\xbf" if original.startswith(b"\xef\xbb\xbf") else b""
    return prefix + out.getvalue().encode("utf-8")


def texts(data: bytes) -> str:
    return data.decode("utf-8-sig")
