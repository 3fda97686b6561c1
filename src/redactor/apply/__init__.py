"""Apply: write redacted copies that leak nothing, with a manifest.

Every output is built in memory and leak-checked first; a document that fails is
left out and named in the manifest's `errors`. The set is written into a staging
folder beside `--out` and swapped in with its manifest in one step, so a run killed
at any moment leaves the previous set or the new one, never a mix.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import multiprocessing
import os
import shutil
import tempfile
from bisect import bisect_right
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from .. import __version__
from ..decide.policy import DEFAULT_WITHHELD_ENTRY
from ..formats import module_for
from ..ingest import IngestError, read_record
from ..ingest.pdf import PAGE_BREAK
from ..model import Box, Category, Document, union_spans
from ..report.json_report import NOTICE, remove_stale, write_atomic
from .leaks import check_image, check_pdf, check_text, secrets_for
from .pdf import PageResult, PdfRedactionError, redact_pdf
from .plan import (
    Redaction,
    UnreviewedError,
    counts,
    marker_pattern,
    plan,
    redact_text,
    replacement,
    unreadable,
    withheld_pages,
)

__all__ = [
    "ApplyError",
    "Output",
    "Settings",
    "UnreviewedError",
    "check_out_folder",
    "prepare",
    "prepare_all",
    "write_outputs",
]


class ApplyError(Exception):
    """A document that cannot be redacted safely; the message never quotes record text."""


@dataclass
class Output:
    document: Document
    target: Path  # within the output set
    data: bytes
    redactions: list[Redaction]
    leaks: list[str]
    pages: list[PageResult] = field(default_factory=list)  # PDFs and images: what was done to each page


def prepare(
    document: Document,
    source: Path,
    target: Path,
    unreviewed: str | None,
    marker: str,
    whole_entries: bool = True,
    options: object = None,
    unread_withholds_document: bool = False,
    entry_marker: str = DEFAULT_WITHHELD_ENTRY,
) -> Output:
    """Redacted bytes for one document, already leak-checked (`leaks` lists any problem)."""
    redactions = plan(document, unreviewed, whole_entries)
    if unread_withholds_document or document.format not in ("pdf", "image"):
        _refuse_unread(document)
    # What OCR could not read is burnt out unread: its guessed text proves nothing, so
    # it is not looked for (in a scan's compressed bytes it would turn up by chance).
    spans = [(r.start, r.end, r.label) for r in redactions if r.label != Category.UNREADABLE]
    if document.segments or document.format not in ("text", "pdf", "image"):
        module = module_for(source.suffix)
        assert module is not None
        try:
            original = source.read_bytes()
        except OSError as exc:
            raise ApplyError(f"cannot read it again to write the copy: {exc}") from None
        data = _structured(document, source, original, redactions, (marker, entry_marker), options)
        secrets = secrets_for(document.text, spans, module.texts(original), *_staying(document, redactions))
        leaks = check_text(marker_pattern(marker, entry_marker).sub(" ", module.texts(data)), secrets)
        return Output(document, target, data, redactions, leaks)
    secrets = secrets_for(document.text, spans, None, *_staying(document, redactions))
    if document.format == "image":
        data, pages = _image(document, source, redactions)
        leaks = check_image(data, secrets)
    elif document.pages is not None:
        withheld = withheld_pages(document)
        try:
            per_page = _per_page(document.text, document.page_starts, [(r.start, r.end) for r in redactions])
            data, pages = redact_pdf(source.read_bytes(), per_page, document.layout, withheld)
        except PdfRedactionError as exc:
            raise ApplyError(str(exc)) from None
        scanned = {p.page for p in pages if p.method == "raster"}
        leaks = check_pdf(data, secrets, ocr_pages=scanned)
    else:
        text = redact_text(document.text, redactions, marker, entry_marker)
        data = text.encode("utf-8")
        leaks = check_text(marker_pattern(marker, entry_marker).sub(" ", text), secrets)
        pages = []
    return Output(document, target, data, redactions, leaks, pages)


class Settings(NamedTuple):
    """What `apply` was asked for, the same for every document of a run."""

    unreviewed: str | None
    marker: str
    whole_entries: bool = True
    options: object = None
    unread_withholds_document: bool = False
    entry_marker: str = DEFAULT_WITHHELD_ENTRY


Work = tuple[Document, Path, Path]  # the document, its file, where its copy goes in the set


def prepare_all(
    work: list[Work], settings: Settings, workers: int = 1
) -> Iterator[tuple[Document, Output | None, str | None]]:
    """Each document's copy, or why it has none, in input order. PDFs and scans are
    prepared in worker processes when there are several: a page redacted in its
    pixels is rendered and read by OCR twice, seconds a page, and text copies take
    milliseconds, so only paged documents are worth sending out."""
    paged = [i for i, (document, _, _) in enumerate(work) if document.pages is not None]
    done: dict[int, tuple[Output | None, str | None]] = {}
    if workers > 1 and len(paged) > 1:
        context = multiprocessing.get_context("spawn")
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures = {i: pool.submit(prepare_one, work[i], settings) for i in paged}
                for i, future in futures.items():
                    done[i] = future.result()
        except BrokenProcessPool:
            pass  # what did not finish is prepared here, one by one
    for i, (document, _, _) in enumerate(work):
        output, error = done[i] if i in done else prepare_one(work[i], settings)
        yield document, output, error


def prepare_one(item: Work, settings: Settings) -> tuple[Output | None, str | None]:
    """One document's copy, or the one-line reason it has none (never record text)."""
    document, source, target = item
    try:
        output = prepare(document, source, target, *settings)
    except (UnreviewedError, ApplyError) as exc:
        return None, str(exc)
    except Exception as exc:  # one document's bug must not cost the others their copies
        return None, f"could not write the copy ({type(exc).__name__})"
    return output, None


def _staying(
    document: Document, redactions: list[Redaction]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]], frozenset[str]]:
    """What the leak check needs to weigh a removed name's single words: the findings
    that stay in the copy (touching no redaction), the third parties' names removed,
    and the words not to look for alone (English words, the patient's own names)."""
    from ..detect.resources import load_models

    removed = union_spans((r.start, r.end) for r in redactions)
    ends = [end for _, end in removed]
    staying, names = [], []
    for finding in document.findings:
        index = bisect_right(ends, finding.start)
        if index >= len(removed) or removed[index][0] >= finding.end:
            staying.append((finding.start, finding.end))
        elif finding.category is Category.THIRD_PARTY_NAME:
            names.append((finding.start, finding.end))
    return staying, names, load_models().people.english | document.patient.name_words()


def _refuse_unread(document: Document) -> None:
    """Text and structured records have no page to withhold, so an unread part (an
    attachment of a type redactor cannot read) withholds the whole copy; so does any
    unread page where the policy says `unreadable: document`."""
    if unread := unreadable(document):
        raise ApplyError(
            f"{len(unread)} part(s) could not be read and no reviewer has cleared them "
            "(review them, or release this record by hand)"
        )


def _image(document: Document, source: Path, redactions: list[Redaction]) -> tuple[bytes, list[PageResult]]:
    """A scanned image with the redactions burnt into its pixels, frame by frame."""
    from .image import ImageRedactionError, redact_image

    boxes: dict[int, list[Box]] = {}
    for item in redactions:  # each within one page: redactions never cross a page break
        page = (document.page_of(item.start) or 1) - 1
        boxes.setdefault(page, []).extend(document.boxes_of(item.start, item.end))
    withheld = withheld_pages(document)
    try:
        data = redact_image(source.read_bytes(), boxes, {n - 1 for n in withheld})
    except (ImageRedactionError, OSError) as exc:
        raise ApplyError(f"the image could not be rewritten ({type(exc).__name__})") from None
    pages = [PageResult(n + 1, "raster", b) for n, b in sorted(boxes.items()) if n + 1 not in withheld]
    pages += [PageResult(n, "withheld", []) for n in sorted(withheld)]
    return data, sorted(pages, key=lambda p: p.page)


def _structured(
    document: Document,
    source: Path,
    original: bytes,
    redactions: list[Redaction],
    markers: tuple[str, str],
    options: object,
) -> bytes:
    """Write each redaction into the field it came from; everything else stays as it was."""
    try:
        parsed = read_record(source, original, options)
    except IngestError as exc:
        raise ApplyError(f"cannot read it again to write the copy: {exc}") from None
    if parsed.document.text != document.text:
        raise ApplyError("the file changed since it was scanned; scan it again")
    per_field: dict[int, list[tuple[int, int, str]]] = {}
    segments = document.segments
    starts = [segment.start for segment in segments]
    for item in redactions:
        index = max(0, bisect_right(starts, item.start) - 1)
        while index < len(segments) and segments[index].start < item.end:
            segment = segments[index]
            if item.start < segment.end:  # a whole hidden entry spans many fields: a marker in each
                start, end = max(item.start, segment.start), min(item.end, segment.end)
                local = (start - segment.start, end - segment.start, replacement(item, *markers))
                per_field.setdefault(index, []).append(local)
            index += 1
    for index, target in enumerate(parsed.fields):
        # An attached PDF goes out rewritten (inert) whether or not it has anything to remove.
        if target.pdf is not None and target.write_bytes is not None and index not in per_field:
            per_field[index] = []
    for index, replacements in per_field.items():
        target = parsed.fields[index]
        if target.pdf is not None and target.write_bytes is not None:
            text = document.text[document.segments[index].start : document.segments[index].end]
            pages = _per_page(text, target.page_starts, [(start, end) for start, end, _ in replacements])
            try:
                target.write_bytes(redact_pdf(target.pdf, pages, target.layout)[0])
            except PdfRedactionError as exc:
                raise ApplyError(f"{document.segments[index].where}: {exc}") from None
        else:
            target.write(sorted(replacements))
    return parsed.dump()


def _per_page(
    text: str, page_starts: list[int], spans: list[tuple[int, int]]
) -> dict[int, tuple[str, list[tuple[int, int]]]]:
    """Spans in a PDF's page-joined text, as (page text, spans within the page) per page number."""
    pages: dict[int, tuple[str, list[tuple[int, int]]]] = {}
    texts = text.split(PAGE_BREAK)
    for start, end in spans:
        number = max(1, bisect_right(page_starts, start))
        base = page_starts[number - 1]
        pages.setdefault(number, (texts[number - 1], []))[1].append((start - base, end - base))
    return pages


MANIFEST = "redactor-manifest.json"
STAGING = ".staging"


def check_out_folder(out_dir: Path) -> None:
    """`--out` must be new, or a set redactor wrote: never a folder of other files."""
    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        raise ApplyError("--out must be a folder (it is a file or a link)")
    if out_dir.is_dir() and not (out_dir / MANIFEST).is_file() and any(out_dir.iterdir()):
        raise ApplyError("--out holds files redactor did not write; choose a new folder")


def write_outputs(
    outputs: list[Output],
    errors: list[tuple[str, str]],
    out_dir: Path,
    decisions_path: Path,
    reviewer: str,
) -> Path:
    """Write the set and its manifest, replacing any earlier set in `out_dir` at once."""
    check_out_folder(out_dir)
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{out_dir.name}."
    remove_stale(out_dir.parent, prefix)
    staging = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}.", suffix=STAGING, dir=out_dir.parent))
    try:
        for output in outputs:
            write_atomic(staging / output.target, output.data, tidy=False)  # a new folder: nothing stale
        manifest = {
            "schema": 1,
            "tool": {"name": "redactor", "version": __version__},
            "notice": NOTICE,
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            # Who ran apply ("reviewer" is its older name), and whose recorded decisions it applied.
            "applied_by": reviewer,
            "reviewer": reviewer,
            "reviewers": sorted({name for output in outputs for name in output.document.reviewers}),
            "decisions": {
                "path": str(decisions_path),
                "sha256": _sha256(decisions_path.read_bytes()) if decisions_path.exists() else None,
            },
            "documents": [
                {
                    "input": output.document.path,
                    "input_sha256": output.document.sha256,
                    "output": str(out_dir / output.target),
                    "output_sha256": _sha256(output.data),
                    "redactions": counts(output.redactions),
                    "reviewers": output.document.reviewers,
                }
                | ({"pages": [page.to_json() for page in output.pages]} if output.pages else {})
                for output in outputs
            ],
            # Inputs with no copy in this set, and why: nothing of theirs was released.
            "errors": [{"path": path, "error": error} for path, error in errors],
        }
        write_atomic(staging / MANIFEST, json.dumps(manifest, indent=1) + "\n")
        _swap_in(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # after a swap it holds the earlier set
    return out_dir / MANIFEST


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Put the staged set at `out_dir` in one step; the earlier set ends up in `staging`."""
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    if _exchange(staging, out_dir):
        return
    # No atomic exchange (not Linux): the earlier set steps aside for a moment.
    aside = staging.with_name(staging.name + ".old")
    os.rename(out_dir, aside)
    os.rename(staging, out_dir)
    os.rename(aside, staging)


def _exchange(a: Path, b: Path) -> bool:
    """Linux renameat2(RENAME_EXCHANGE): swap two paths atomically."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
