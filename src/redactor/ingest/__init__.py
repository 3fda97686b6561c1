"""Turn input files into `Document`s: text, pages, entries and who the patient is."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..formats import Parsed
from ..model import Document
from .demographics import read_demographics
from .entries import split_entries
from .errors import IngestError
from .pdf import extract_pdf
from .text import decode_text

__all__ = ["IngestError", "InputFile", "find_inputs", "load_document"]

READERS = {
    ".txt": "text",
    ".text": "text",
    ".pdf": "pdf",
    ".json": "structured",  # FHIR STU3 / R4
    ".xml": "structured",  # GP2GP EHR extract
    ".csv": "structured",  # journal export
    ".docx": "structured",  # letter
}
# Inside a folder, a .json/.xml file is only taken for a record if its start says so
# (reports, gold files and other XML live beside records); named files are always read.
SNIFF = {".json": b'"resourceType"', ".xml": b"RCMR_IN03"}

# Refuse before reading: a single GP record export is far smaller, and a 200 MB PDF
# or a 50 MB one-line text file would only exhaust memory and stall a batch.
MAX_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    shown_as: str  # as the user gave it (relative stays relative)


def find_inputs(args: Iterable[str]) -> tuple[list[InputFile], list[tuple[str, str]]]:
    """Expand files and folders into the files to scan.

    Returns the files plus (path, problem) pairs for arguments that do not exist.
    Inside folders, hidden files and types redactor does not read are passed over;
    a file named explicitly is always attempted so its problem gets reported.
    """
    found: list[InputFile] = []
    missing: list[tuple[str, str]] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            for child in sorted(_walk(path)):
                found.append(InputFile(child, str(child)))
        elif path.is_file():
            found.append(InputFile(path, arg))
        else:
            missing.append((arg, "no such file or folder"))
    return found, missing


def _walk(folder: Path) -> Iterator[Path]:
    for child in folder.rglob("*"):
        relative = child.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        suffix = child.suffix.lower()
        if child.is_file() and suffix in READERS and _looks_like_record(child, suffix):
            yield child


def _looks_like_record(path: Path, suffix: str) -> bool:
    marker = SNIFF.get(suffix)
    if marker is None:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return True  # let the read report the problem
    return marker in head or (suffix == ".xml" and b"EhrExtract" in head)


def load_document(source: InputFile, options: object = None) -> Document:
    """Read one file; `options` carries format settings (a CSV column mapping)."""
    kind = READERS.get(source.path.suffix.lower())
    if kind is None:
        raise IngestError(f"unsupported file type '{source.path.suffix or '(none)'}'")
    try:
        size = source.path.stat().st_size
        if size > MAX_BYTES:
            raise IngestError(f"file too large ({size // 1_048_576} MB; limit {MAX_BYTES // 1_048_576} MB)")
        data = source.path.read_bytes()
    except PermissionError:
        raise IngestError("permission denied") from None
    except OSError as exc:
        raise IngestError(f"cannot read file ({exc.strerror or type(exc).__name__})") from None
    digest = hashlib.sha256(data).hexdigest()
    if kind == "structured":
        document = read_record(source.path, data, options).document
        document.path, document.sha256 = source.shown_as, digest
        _record_status(document)
        return document
    if kind == "pdf":
        pdf = extract_pdf(data)
        document = Document(
            path=source.shown_as,
            sha256=digest,
            text=pdf.text,
            pages=len(pdf.page_starts),
            page_starts=pdf.page_starts,
            unreadable_pages=pdf.unreadable_pages,
        )
    else:
        document = Document(path=source.shown_as, sha256=digest, text=decode_text(data))
    document.patient, document.authors = read_demographics(document.text)
    document.entries = split_entries(document.text, whole_document=kind == "pdf")
    document.authors.extend(e.author for e in document.entries if e.author)
    _record_status(document)
    return document


def csv_sidecar(path: Path) -> object:
    """A CSV's own column mapping, NAME.map.yml beside NAME.csv, if there is one."""
    from ..formats.csv_journal import load_mapping

    mapping = path.with_suffix(".map.yml")
    if path.suffix.lower() != ".csv" or not mapping.is_file():
        return None
    try:
        return load_mapping(mapping)
    except ValueError as exc:
        raise IngestError(str(exc)) from None


def read_record(path: Path, data: bytes, options: object = None) -> Parsed:
    """A structured file as scan and apply both read it: a CSV without a mapping given
    uses its own sidecar."""
    return read_structured(path.suffix, data, options or csv_sidecar(path))


def read_structured(suffix: str, data: bytes, options: object = None) -> Parsed:
    from ..formats import module_for

    module = module_for(suffix)
    if module is None:
        raise IngestError(f"unsupported file type '{suffix}'")
    if not data.strip():
        raise IngestError("file is empty")
    return module.read(data, options)  # type: ignore[no-any-return]


def _record_status(document: Document) -> None:
    from ..detect.codes import record_status
    from ..detect.resources import load_models

    document.enhanced_review, document.record_notes = record_status(document, load_models().codes)
