"""Turn input files into `Document`s: text, pages, entries and who the patient is."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from ..formats import Parsed
from ..model import Document
from .demographics import read_demographics
from .entries import split_entries
from .errors import IngestError
from .pdf import extract_pdf
from .text import decode_text

__all__ = ["IngestError", "InputFile", "Inputs", "find_inputs", "load_document", "walk_inputs"]

READERS = {
    ".txt": "text",
    ".text": "text",
    ".pdf": "pdf",
    ".json": "structured",  # FHIR STU3 / R4
    ".xml": "structured",  # GP2GP EHR extract
    ".csv": "structured",  # journal export
    ".docx": "structured",  # letter
    # Scanned letters as the scanner or document store saved them: read by OCR.
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
}
# redactor's own files, which live beside the records it reads: decisions, reports, manifests.
OWN_FILE_PREFIX = ".redactor-"
OWN_JSON_HEAD = 4096
OWN_HTML_MARK = b"<title>redactor report</title>"
SKIPPED = "a type redactor does not read"  # what `_walk` says of a file it passes over
AUDIT_SUFFIX = ".audit.jsonl"  # a decisions file's audit trail, beside it

# Refuse before reading: a single GP record export is far smaller, and a 200 MB PDF
# or a 50 MB one-line text file would only exhaust memory and stall a batch.
MAX_BYTES = 25 * 1024 * 1024


def readable_suffixes() -> str:
    """ ".txt, .text, .pdf, ...": what redactor reads, for help text and messages."""
    return ", ".join(READERS)


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    shown_as: str  # as the user gave it (relative stays relative)


@dataclass
class Inputs:
    """What the paths given hold: files to scan, problems, and files passed over."""

    files: list[InputFile]
    problems: list[tuple[str, str]]
    # Files in the folders given of a type redactor does not read (".rtf", ".doc"):
    # said, never silently passed over. redactor's own outputs are not among them.
    skipped: list[Path]


def find_inputs(args: Iterable[str]) -> tuple[list[InputFile], list[tuple[str, str]]]:
    """The files to scan and the problems met (`walk_inputs` without the files passed over)."""
    found = walk_inputs(args)
    return found.files, found.problems


def walk_inputs(args: Iterable[str]) -> Inputs:
    """Expand files and folders into the files to scan, each once.

    Returns the files plus (path, problem) pairs for what cannot be scanned: arguments
    that do not exist, folders that cannot be read, broken or looping symbolic links,
    and links that lead out of the folder given (never followed: a folder of exports
    must not reach into the rest of the disk). Inside folders every file of a type
    redactor reads is taken, whatever it holds, so a file that is not what its name
    says is reported by its reader instead of passed over; only redactor's own reports,
    decisions and manifests are left out. Files of other types are listed in
    `skipped`. A file named explicitly is always attempted. A file given twice, given
    and also inside a folder given, or reached through two links is taken once.
    """
    found: list[InputFile] = []
    problems: list[tuple[str, str]] = []
    skipped: list[Path] = []
    seen: set[Path] = set()

    def take(path: Path, shown_as: str) -> None:
        real = path.resolve()
        if real not in seen:  # the same file given twice, or through two links, is read once
            seen.add(real)
            found.append(InputFile(path, shown_as))

    passed_over: set[Path] = set()
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            for child, problem in _walk(path):
                if problem == SKIPPED:
                    if (real := child.resolve()) not in passed_over:  # a folder given twice
                        passed_over.add(real)
                        skipped.append(child)
                elif problem is None:
                    take(child, str(child))
                else:
                    problems.append((str(child), problem))
        elif path.is_file():
            take(path, arg)
        elif path.is_symlink():
            problems.append((arg, "broken symbolic link (its target does not exist)"))
        else:
            problems.append((arg, "no such file or folder"))
    return Inputs(found, problems, skipped)


def _walk(folder: Path) -> Iterator[tuple[Path, str | None]]:
    """Files under `folder` in a stable order: those of the types redactor reads (None),
    those of other types (SKIPPED), and the problems met on the way; symbolic links
    are taken only where they stay inside it."""
    root = folder.resolve()
    unreadable: list[OSError] = []
    for here, dirs, files in os.walk(folder, onerror=unreadable.append):
        dirs.sort()
        base = Path(here)
        for name in list(dirs):
            link = base / name
            if link.is_symlink() and not _inside(link, root):
                dirs.remove(name)
                yield link, "symbolic link to a folder outside the one given: not followed"
        for name in sorted(files):
            path = base / name
            if name.startswith(OWN_FILE_PREFIX) or _own_output(path) or _companion(path):
                continue
            if path.suffix.lower() not in READERS:
                yield path, SKIPPED
                continue
            if path.is_symlink():
                problem = _link_problem(path, root)
                if problem:
                    yield path, problem
                    continue
            yield path, None
    for error in unreadable:
        yield Path(error.filename or folder), f"cannot read folder ({error.strerror or type(error).__name__})"


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):
        return False


def _link_problem(path: Path, root: Path) -> str | None:
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return "broken symbolic link (its target does not exist)"
    except (OSError, RuntimeError):
        return "symbolic link that loops back on itself"
    if not target.is_relative_to(root):
        return "symbolic link to a file outside the folder given: not followed"
    return None


def _companion(path: Path) -> bool:
    """A file redactor reads or writes beside another: a CSV journal's own column
    mapping (NAME.map.yml beside NAME.csv), a decisions file's audit trail."""
    name = path.name
    if name.lower().endswith(".map.yml"):
        return path.with_name(name[: -len(".map.yml")] + ".csv").is_file()
    if name.endswith(AUDIT_SUFFIX):
        decisions = path.with_name(name[: -len(AUDIT_SUFFIX)])
        return decisions.name.startswith(OWN_FILE_PREFIX) or _own_output(decisions)
    return False


def _own_output(path: Path) -> bool:
    """A report or manifest redactor wrote: a JSON object naming redactor as its tool
    (parsed, not sniffed, so no record can pass itself off as one), or its HTML report
    (a type redactor never reads, so only left off the list of files passed over)."""
    if path.suffix.lower() == ".html":
        try:
            with path.open("rb") as handle:
                return OWN_HTML_MARK in handle.read(OWN_JSON_HEAD)
        except OSError:
            return False
    if path.suffix.lower() != ".json":
        return False
    try:
        with path.open("rb") as handle:
            if b'"redactor"' not in handle.read(OWN_JSON_HEAD):
                return False
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return False  # the reader will report it
    if not isinstance(data, dict) or "resourceType" in data:
        return False
    tool = data.get("tool")
    return tool == "redactor" or (isinstance(tool, dict) and tool.get("name") == "redactor")


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
        document = _scanned_record(source.path, data, options)
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
            layout=pdf.layout,
            unreadable_spans=pdf.doubtful,
            format="pdf",
        )
    elif kind == "image":
        document = _image_document(source, digest, data)
    else:
        document = Document(path=source.shown_as, sha256=digest, text=decode_text(data))
    document.patient, document.authors = read_demographics(document.text)
    document.entries = split_entries(document.text, whole_document=kind in ("pdf", "image"))
    document.authors.extend(e.author for e in document.entries if e.author)
    _record_status(document)
    return document


def _image_document(source: InputFile, digest: str, data: bytes) -> Document:
    """A scanned page or a multi-page TIFF: each frame read by OCR, boxes in its pixels."""
    from ..model import PageLayout
    from .image import read_image

    image = read_image(data)
    layout = []
    unreadable_pages = []
    doubtful = []
    for number, (page, start) in enumerate(zip(image.pages, image.page_starts, strict=True), start=1):
        why = f"page {number}: {page.unreadable}; check it by hand" if page.unreadable else None
        words = tuple((w.start, w.end, *w.box) for w in page.words)
        layout.append(PageLayout(page.width, page.height, "px", True, words, page.doubtful, why))
        if why:
            unreadable_pages.append(number)
        doubtful += [
            (start + s, start + e, f"page {number}: OCR is unsure of these words; check them by hand")
            for s, e in page.doubtful
        ]
    return Document(
        path=source.shown_as,
        sha256=digest,
        text=image.text,
        pages=len(image.pages),
        page_starts=image.page_starts,
        unreadable_pages=unreadable_pages,
        layout=layout,
        unreadable_spans=doubtful,
        format="image",
    )


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
    return _format(suffix, data).read(data, options)  # type: ignore[no-any-return]


def _scanned_record(path: Path, data: bytes, options: object = None) -> Document:
    """A structured file as the scan reads it: the document alone. A format that can
    read without keeping what apply needs to write back (`read_document`) does so."""
    module = _format(path.suffix, data)
    options = options or csv_sidecar(path)
    lean = getattr(module, "read_document", None)
    return lean(data, options) if lean else module.read(data, options).document  # type: ignore[no-any-return]


def _format(suffix: str, data: bytes) -> ModuleType:
    from ..formats import module_for

    module = module_for(suffix)
    if module is None:
        raise IngestError(f"unsupported file type '{suffix}'")
    if not data.strip():
        raise IngestError("file is empty")
    return module


def _record_status(document: Document) -> None:
    from ..detect.codes import record_status
    from ..detect.resources import load_models

    document.enhanced_review, document.record_notes = record_status(document, load_models().codes)
